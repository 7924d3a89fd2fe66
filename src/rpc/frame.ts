import { MessageType } from "./message-type.js";

export type Payload = Record<string, unknown>;
export type CallFrame = [typeof MessageType.Call, string, string, Payload];
export type CallResultFrame = [typeof MessageType.CallResult, string, Payload];
export type CallErrorFrame = [typeof MessageType.CallError, string, string, string, Payload];
export type CallResultErrorFrame = [typeof MessageType.CallResultError, string, string, string, Payload];
export type SendFrame = [typeof MessageType.Send, string, string, Payload];
export type Frame = CallFrame | CallResultFrame | CallErrorFrame | CallResultErrorFrame | SendFrame;

/** Why a text could not be read as a frame. `id` is set when the message id could still be read. */
export interface FrameFault {
  readonly problem: "notJson" | "notArray" | "noId" | "malformed" | "incomplete" | "badPayload" | "unknownType";
  readonly reason: string;
  readonly id?: string;
  readonly messageType?: unknown;
}

/** OCPP-J 1.6 section 4.1.4 and 2.0.1 part 4 section 4.1.4: message ids are strings of at most 36 characters. */
export const maxMessageIdLength = 36;

const isPlainObject = (value: unknown): value is Payload => typeof value === "object" && value !== null && !Array.isArray(value);

// Recovers the message type and id from a frame too broken to parse, so the sender of a CALL still gets
// its CALLERROR. The type matters: a broken CALLRESULT/CALLERROR must not be answered (only a CALL gets
// a CALLERROR), and ids are unique per sender only, so a broken CALL may carry the id of our own CALL.
const leadingId = /^\s*\[\s*(\d+)\s*,\s*"([^"\\]{1,36})"/;

const fault = (problem: FrameFault["problem"], reason: string, id?: string, messageType?: unknown): FrameFault => ({
  problem,
  reason,
  id,
  messageType,
});

/**
 * Reads one OCPP-J text frame. Returns the frame itself (the parsed array, checked and with a `null`
 * payload turned into `{}`, which OCPP-J 1.6 section 4.2.1 allows) or a FrameFault saying what is wrong.
 * `knownTypes` are the message type numbers the version defines.
 */
export function decodeFrame(text: string, knownTypes: ReadonlySet<number>): Frame | FrameFault {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const leading = leadingId.exec(text);
    return fault("notJson", "message is not valid JSON", leading?.[2], leading ? Number(leading[1]) : undefined);
  }
  if (!Array.isArray(value)) return fault("notArray", "message is not a JSON array");
  const frame: unknown[] = value;
  const type = frame[0];
  const id = frame[1];
  if (typeof id !== "string") {
    return fault("noId", "message id is missing or not a string", undefined, type);
  }
  if (typeof type !== "number" || !knownTypes.has(type)) {
    return fault("unknownType", `message type ${JSON.stringify(type)} is not supported`, id, type);
  }
  if (id.length > maxMessageIdLength || id.length === 0) {
    return fault("malformed", `message id must be 1 to ${maxMessageIdLength} characters`, id.slice(0, maxMessageIdLength), type);
  }
  switch (type) {
    case MessageType.Call:
    case MessageType.Send:
      if (frame.length < 4) return fault("incomplete", "CALL needs 4 elements: [2, id, action, payload]", id, type);
      if (typeof frame[2] !== "string") return fault("malformed", "action is not a string", id, type);
      if (frame[3] === null) frame[3] = {};
      else if (!isPlainObject(frame[3])) return fault("badPayload", "payload must be a JSON object", id, type);
      return frame as CallFrame | SendFrame;
    case MessageType.CallResult:
      if (frame.length < 3) return fault("incomplete", "CALLRESULT needs 3 elements: [3, id, payload]", id, type);
      if (frame[2] === null) frame[2] = {};
      return frame as CallResultFrame;
    default:
      // CALLERROR and CALLRESULTERROR. A missing errorDetails (which the sender MUST fill with {}) is
      // tolerated: dropping the error would leave the caller waiting for a timeout instead.
      if (frame.length < 4) return fault("incomplete", "CALLERROR needs 5 elements: [4, id, code, description, details]", id, type);
      if (typeof frame[2] !== "string") return fault("malformed", "error code is not a string", id, type);
      if (typeof frame[3] !== "string") frame[3] = frame[3] == null ? "" : String(frame[3]);
      if (!isPlainObject(frame[4])) frame[4] = {};
      return frame as CallErrorFrame | CallResultErrorFrame;
  }
}

export const isFault = (decoded: Frame | FrameFault): decoded is FrameFault => !Array.isArray(decoded);

/*
 * Encoding the two frames of every call. `JSON.stringify([type, id, action, payload])` gives the same
 * text, but each JSON.stringify of the whole array costs a fixed setup plus a character-by-character
 * escape check of the id, while the message id and the action are nearly always plain ASCII that needs
 * no escaping: written between quotes as they are, only the payload goes through JSON.stringify. Any
 * string that would need escaping (a quote, a backslash, a control character, anything beyond ASCII)
 * goes through JSON.stringify as before, so the text is the same byte for byte. (One difference nobody
 * sees: a payload's own toJSON gets "" as its key instead of its index in the array.)
 */

/** The JSON string literal of `text`: the same as JSON.stringify(text). */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

// A value as JSON.stringify writes it inside an array: undefined, a function or a symbol become null.
function element(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** `[2, id, action, payload]` (or 6 for a SEND) as JSON.stringify writes it. */
export function encodeCall(type: typeof MessageType.Call | typeof MessageType.Send, id: string, action: string, payload: unknown): string {
  return `[${type},${quoted(id)},${quoted(action)},${element(payload)}]`;
}

/** `[3, id, payload]` as JSON.stringify writes it. */
export function encodeCallResult(id: string, payload: unknown): string {
  return `[${MessageType.CallResult},${quoted(id)},${element(payload)}]`;
}
