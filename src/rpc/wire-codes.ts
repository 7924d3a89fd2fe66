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
