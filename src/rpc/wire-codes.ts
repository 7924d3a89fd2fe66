import {
  FormatViolationError,
  GenericError,
  InternalError,
  MessageTypeNotSupportedError,
  NotImplementedError,
  NotSupportedError,
  OccurrenceConstraintViolationError,
  type OcppError,
  type OcppErrorCode,
  PropertyConstraintViolationError,
  ProtocolError,
  RpcFrameworkError,
  SecurityError,
  TypeConstraintViolationError,
} from "./errors.js";

/** How a version spells its CALLERROR codes: 1.6 keeps its typos, 2.0.1 and 2.1 share one table. */
export type ErrorDialect = "1.6" | "2.0.1" | "2.1";

/**
 * The one table from canonical code to wire spelling. OCPP-J 1.6 section 4.2.3 has `FormationViolation`
 * and `OccurenceConstraintViolation`; its errata (5.1, 5.2) keep them for 1.6 and 2.0.1 part 4 section 4.3
 * fixes them. 1.6 has no RpcFrameworkError or MessageTypeNotSupported: the nearest 1.6 code stands in.
 */
const spelling16: Record<OcppErrorCode, string> = {
  NotImplemented: "NotImplemented",
  NotSupported: "NotSupported",
  InternalError: "InternalError",
  ProtocolError: "ProtocolError",
  SecurityError: "SecurityError",
  FormatViolation: "FormationViolation",
  PropertyConstraintViolation: "PropertyConstraintViolation",
  OccurrenceConstraintViolation: "OccurenceConstraintViolation",
  TypeConstraintViolation: "TypeConstraintViolation",
  GenericError: "GenericError",
  RpcFrameworkError: "ProtocolError",
  MessageTypeNotSupported: "NotImplemented",
};

/** Wire spelling of `code` in `dialect`. */
export function wireCode(code: OcppErrorCode, dialect: ErrorDialect): string {
  return dialect === "1.6" ? spelling16[code] : code;
}

type ErrorClass = new (description?: string, details?: Record<string, unknown>) => OcppError;

// Either spelling is accepted on receive: peers mix them up in practice, and the meaning is the same.
const classByWireCode: Record<string, ErrorClass> = {
  NotImplemented: NotImplementedError,
  NotSupported: NotSupportedError,
  InternalError: InternalError,
  ProtocolError: ProtocolError,
  SecurityError: SecurityError,
  FormatViolation: FormatViolationError,
  FormationViolation: FormatViolationError,
  PropertyConstraintViolation: PropertyConstraintViolationError,
  OccurrenceConstraintViolation: OccurrenceConstraintViolationError,
  OccurenceConstraintViolation: OccurrenceConstraintViolationError,
  TypeConstraintViolation: TypeConstraintViolationError,
  GenericError: GenericError,
  RpcFrameworkError: RpcFrameworkError,
  MessageTypeNotSupported: MessageTypeNotSupportedError,
};

/** The error a received CALLERROR stands for. An unknown code becomes a GenericError that names it. */
export function errorFromWire(code: string, description: string, details: Record<string, unknown>): OcppError {
  const ErrorClass = Object.hasOwn(classByWireCode, code) ? classByWireCode[code] : undefined;
  if (ErrorClass) return new ErrorClass(description, details);
  return new GenericError(`Unknown error code ${JSON.stringify(code)}: ${description}`, details);
}

/** What is wrong with a frame that cannot be handled as a message. */
export type FrameProblem = "notJson" | "incomplete";

/**
 * The CALLERROR for an unusable frame whose message id could still be read. 1.6 has no code for it,
 * so its nearest ones are used (FormationViolation for bad JSON, ProtocolError for too few elements);
 * 2.0.1 part 4 section 4.3 has RpcFrameworkError for both.
 */
export function frameError(problem: FrameProblem, dialect: ErrorDialect, description: string): OcppError {
  if (dialect !== "1.6") return new RpcFrameworkError(description);
  return problem === "notJson" ? new FormatViolationError(description) : new ProtocolError(description);
}

/** The message id of a CALLERROR answering a frame whose own id cannot be read (2.0.1 part 4 section 4.2.3). */
export const unreadableMessageId = "-1";

/**
 * The CALLERROR for a frame whose message id cannot be read (not JSON, not an array, no string id), or
 * undefined where the version has none. 2.0.1 and 2.1 part 4 section 4.2.3: RpcFrameworkError ("MessageId
 * could not be read", table 9) sent with message id "-1". OCPP-J 1.6 has no such rule: the frame is dropped.
 */
export function unreadableFrameError(dialect: ErrorDialect, description: string): OcppError | undefined {
  return dialect === "1.6" ? undefined : new RpcFrameworkError(description);
}

/**
 * The CALLERROR for a message type number the version does not define, or undefined to ignore it.
 * OCPP-J 1.6 section 4.1.3 ignores it. 2.0.1 part 4 section 4.4 answers it with MessageTypeNotSupported.
 * 2.1 part 4 section 4.4 only says to ignore the payload but keeps MessageTypeNotSupported in table 9 for
 * exactly this case; answering (without reading the payload) tells a newer peer to fall back, so 2.1
 * answers like 2.0.1.
 */
export function unknownMessageTypeError(dialect: ErrorDialect, description: string): OcppError | undefined {
  return dialect === "1.6" ? undefined : new MessageTypeNotSupportedError(description);
}
