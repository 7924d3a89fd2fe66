/**
 * Message ids: random version 4 UUIDs, unique across reconnects (2.1 part 4 section 4.1.4). Browsers
 * offer `crypto.randomUUID` only in secure contexts (https, localhost); a page served over plain http
 * (a charger's local web UI, a LAN dashboard) has only `crypto.getRandomValues`, so the id is made
 * from that there.
 */
export const newMessageId: () => string =
  typeof globalThis.crypto?.randomUUID === "function" ? () => crypto.randomUUID() : uuidFromRandomValues;

/** A version 4 UUID (RFC 9562 section 5.4) from `crypto.getRandomValues`. */
export function uuidFromRandomValues(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
