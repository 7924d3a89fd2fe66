/**
 * What travels between nodes over Redis pub/sub, as JSON arrays (the first element names the kind):
 * a call to a node's inbox, its answer to the caller's inbox, and the errors a call can end with, so
 * the caller rejects with the same class and message a local `call()` gives.
 */
import {
  CallTimeoutError,
  InvalidPayloadError,
  InvalidResponseError,
  NotConnectedError,
  NotRegisteredError,
  OcppError,
} from "../rpc/errors.js";
import { errorFromWire } from "../rpc/wire-codes.js";

/** Flags of a call message. */
export const CallFlag = {
  /** `suppress: false`: a CALLERROR rejects instead of resolving undefined. */
  Throw: 1,
  SkipSchemaValidation: 2,
  /** A SEND (2.1), not a CALL. */
  Send: 4,
} as const;

/** ["call", request number, reply node, charger id, action, payload, flags, uniqueId or null] */
export type CallMessage = [
  kind: "call",
  request: number,
  replyTo: string,
  id: string,
  action: string,
  payload: unknown,
  flags: number,
  uniqueId: string | null,
];
/** ["ok", request number, OCPP version of the charger, CALLRESULT payload (null: suppressed CALLERROR) or SEND message id] */
export type OkMessage = [kind: "ok", request: number, ocppVersion: string, result: unknown];
export type ErrorMessage = [kind: "err", request: number, error: EncodedError];
/** ["kick", charger id, presence value]: a newer connection of this id registered on another node. */
export type KickMessage = [kind: "kick", id: string, value: string];
export type InboxMessage = CallMessage | OkMessage | ErrorMessage | KickMessage;

export type EventMessage = [kind: "connect" | "disconnect", id: string, value: string] | [kind: "nodeDown", node: string];

type Cause = [code: string, description: string, details: Record<string, unknown>];
export type EncodedError =
  | ["ocpp", ...Cause]
  | ["timeout", action: string, uniqueId: string, timeoutMs: number]
  | ["notRegistered", message: string]
  | ["notConnected", message: string]
  | ["invalidPayload", action: string, kind: "request" | "response", ...Cause]
  | ["invalidResponse", action: string, uniqueId: string, ...Cause]
  | ["type", message: string]
  | ["error", name: string, message: string];

const causeOf = (error: OcppError): Cause => [error.code, error.description, error.details];

/** `timeoutMs` is the remote ChargePoint's response timeout, which CallTimeoutError's message names. */
export function encodeError(error: unknown, action: string, timeoutMs: number): EncodedError {
  if (error instanceof OcppError) return ["ocpp", ...causeOf(error)];
  if (error instanceof CallTimeoutError) return ["timeout", error.action, error.uniqueId, timeoutMs];
  if (error instanceof NotRegisteredError) return ["notRegistered", error.message];
  if (error instanceof NotConnectedError) return ["notConnected", error.message];
  if (error instanceof InvalidPayloadError) return ["invalidPayload", action, "request", ...causeOf(error.cause)];
  if (error instanceof InvalidResponseError) return ["invalidResponse", error.action, error.uniqueId, ...causeOf(error.cause)];
  if (error instanceof TypeError) return ["type", error.message];
  if (error instanceof Error) return ["error", error.name, error.message];
  return ["error", "Error", String(error)];
}

export function decodeError(encoded: EncodedError): Error {
  switch (encoded[0]) {
    case "ocpp":
      return errorFromWire(encoded[1], encoded[2], encoded[3]);
    case "timeout":
      return new CallTimeoutError(encoded[1], encoded[2], encoded[3]);
    case "notRegistered":
      return new NotRegisteredError(encoded[1]);
    case "notConnected":
      return new NotConnectedError(encoded[1]);
    case "invalidPayload":
      return new InvalidPayloadError(encoded[1], encoded[2], errorFromWire(encoded[3], encoded[4], encoded[5]));
    case "invalidResponse":
      return new InvalidResponseError(encoded[1], encoded[2], errorFromWire(encoded[3], encoded[4], encoded[5]));
    case "type":
      return new TypeError(encoded[1]);
    default: {
      const error = new Error(encoded[2]);
      error.name = encoded[1];
      return error;
    }
  }
}
