/**
 * Errors that travel as CALLERROR. Each class carries one canonical `code`; how a code is spelled on the
 * wire depends on the OCPP version and is decided in one place, `wire-codes.ts`.
 */
export class OcppError extends Error {
  /** Canonical OCPP error code (2.0.1 spelling where versions differ). */
  readonly code: OcppErrorCode;
  /** Human-readable text sent as the CALLERROR's errorDescription. */
  readonly description: string;
  /** JSON object sent as the CALLERROR's errorDetails. */
  readonly details: Record<string, unknown>;

  constructor(code: OcppErrorCode, description = "", details: Record<string, unknown> = {}) {
    super(description ? `${code}: ${description}` : code);
    this.name = new.target.name;
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

export type OcppErrorCode =
  | "NotImplemented"
  | "NotSupported"
  | "InternalError"
  | "ProtocolError"
  | "SecurityError"
  | "FormatViolation"
  | "PropertyConstraintViolation"
  | "OccurrenceConstraintViolation"
  | "TypeConstraintViolation"
  | "GenericError"
  | "RpcFrameworkError"
  | "MessageTypeNotSupported";

type Details = Record<string, unknown>;

/** The action is not known to the receiver (not part of its OCPP version). */
export class NotImplementedError extends OcppError {
  constructor(description = "Requested Action is not known by receiver", details?: Details) {
    super("NotImplemented", description, details);
  }
}
/** The action is known but the receiver has no handler for it. */
export class NotSupportedError extends OcppError {
  constructor(description = "Requested Action is recognized but not supported by the receiver", details?: Details) {
    super("NotSupported", description, details);
  }
}
export class InternalError extends OcppError {
  constructor(description = "An internal error occurred and the receiver was not able to process the requested Action", details?: Details) {
    super("InternalError", description, details);
  }
}
/** Payload or frame incomplete. */
export class ProtocolError extends OcppError {
  constructor(description = "Payload for Action is incomplete", details?: Details) {
    super("ProtocolError", description, details);
  }
}
export class SecurityError extends OcppError {
  constructor(description = "A security issue prevented the receiver from completing the Action", details?: Details) {
    super("SecurityError", description, details);
  }
}
/** 1.6 spells it `FormationViolation` on the wire (OCPP-J 1.6 errata 5.2). */
export class FormatViolationError extends OcppError {
  constructor(description = "Payload for Action is syntactically incorrect", details?: Details) {
    super("FormatViolation", description, details);
  }
}
export class PropertyConstraintViolationError extends OcppError {
  constructor(description = "Payload is syntactically correct but at least one field contains an invalid value", details?: Details) {
    super("PropertyConstraintViolation", description, details);
  }
}
/** 1.6 spells it `OccurenceConstraintViolation` on the wire (OCPP-J 1.6 errata 5.1). */
export class OccurrenceConstraintViolationError extends OcppError {
  constructor(description = "Payload for Action violates occurrence constraints", details?: Details) {
    super("OccurrenceConstraintViolation", description, details);
  }
}
export class TypeConstraintViolationError extends OcppError {
  constructor(description = "Payload for Action violates data type constraints", details?: Details) {
    super("TypeConstraintViolation", description, details);
  }
}
export class GenericError extends OcppError {
  constructor(description = "", details?: Details) {
    super("GenericError", description, details);
  }
}
/** 2.0.1+: the message is not a valid RPC frame (e.g. its message id cannot be read). */
export class RpcFrameworkError extends OcppError {
  constructor(description = "Content of the call is not a valid RPC Request", details?: Details) {
    super("RpcFrameworkError", description, details);
  }
}
/** 2.0.1+: a message type number the receiver does not support. */
export class MessageTypeNotSupportedError extends OcppError {
  constructor(description = "Message Type Number not supported", details?: Details) {
    super("MessageTypeNotSupported", description, details);
  }
}

/** 1.6 names, for code written against the 1.6 error table. */
export { FormatViolationError as FormationViolationError, OccurrenceConstraintViolationError as OccurenceConstraintViolationError };

/** No CALLRESULT or CALLERROR arrived within the response timeout. */
export class CallTimeoutError extends Error {
  readonly action: string;
  readonly uniqueId: string;
  constructor(action: string, uniqueId: string, timeoutMs: number) {
    super(`${action} (${uniqueId}) got no response within ${timeoutMs} ms`);
    this.name = "CallTimeoutError";
    this.action = action;
    this.uniqueId = uniqueId;
  }
}

/** The call could not be sent, or its answer cannot arrive, because the connection is not open. */
export class NotConnectedError extends Error {
  constructor(message = "The connection is not open") {
    super(message);
    this.name = "NotConnectedError";
  }
}

/** A call held by the registration gate (see `ChargePoint.setRegistrationGate`) was not let out within its timeout. */
export class NotRegisteredError extends NotConnectedError {
  constructor(message: string) {
    super(message);
    this.name = "NotRegisteredError";
  }
}

/** The connection closed abnormally; `start()` rejects with it. */
export class ConnectionClosedError extends Error {
  readonly closeCode: number;
  readonly reason: string;
  constructor(closeCode: number, reason: string) {
    super(`Connection closed with code ${closeCode}${reason ? `: ${reason}` : ""}`);
    this.name = "ConnectionClosedError";
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** A payload failed schema validation before it was sent; nothing went out. */
export class InvalidPayloadError extends Error {
  override readonly cause: OcppError;
  constructor(action: string, kind: "request" | "response", cause: OcppError) {
    super(`Invalid ${action} ${kind}: ${cause.description}`);
    this.name = "InvalidPayloadError";
    this.cause = cause;
  }
}

/** The peer answered a CALL with a CALLRESULT that is malformed or fails the response schema. */
export class InvalidResponseError extends Error {
  readonly action: string;
  readonly uniqueId: string;
  override readonly cause: OcppError;
  constructor(action: string, uniqueId: string, cause: OcppError) {
    super(`${action} (${uniqueId}) got an invalid response: ${cause.code}: ${cause.description}`);
    this.name = "InvalidResponseError";
    this.action = action;
    this.uniqueId = uniqueId;
    this.cause = cause;
  }
}
