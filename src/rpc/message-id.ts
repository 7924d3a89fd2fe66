/**
 * Message ids: random version 4 UUIDs (RFC 9562 section 5.4), unique across reconnects and restarts
 * without a stored counter (2.1 part 4 section 4.1.4).
 *
 * Made here from `crypto.getRandomValues` rather than with `crypto.randomUUID`: browsers offer the
 * latter only in secure contexts (https, localhost), and a page served over plain http (a charger's local
 * web UI, a LAN dashboard) has only the former. It is also cheaper per call: Node's randomUUID builds
 * the string from 20 pieces (about 580 bytes of short-lived strings per id, then flattened again by
 * JSON.stringify); here the 36 characters become one string in a single String.fromCharCode call.
 * Random bytes are drawn 256 ids at a time, as Node does for randomUUID.
 */

const idsPerDraw = 256;
const randomBytes = new Uint8Array(16 * idsPerDraw);
let next = randomBytes.length;
// "0123456789abcdef" as character codes.
const hex = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const dash = 0x2d;

export function newMessageId(): string {
  if (next === randomBytes.length) {
    crypto.getRandomValues(randomBytes);
    next = 0;
  }
  const b = randomBytes;
  const at = next;
  next += 16;
  const h = hex;
  // The version (4) in the high nibble of byte 6, the variant (binary 10) in the top bits of byte 8.
  const b6 = (b[at + 6] & 0x0f) | 0x40;
  const b8 = (b[at + 8] & 0x3f) | 0x80;
  return String.fromCharCode(
    h[b[at] >> 4],
    h[b[at] & 15],
    h[b[at + 1] >> 4],
    h[b[at + 1] & 15],
    h[b[at + 2] >> 4],
    h[b[at + 2] & 15],
    h[b[at + 3] >> 4],
    h[b[at + 3] & 15],
    dash,
    h[b[at + 4] >> 4],
    h[b[at + 4] & 15],
    h[b[at + 5] >> 4],
    h[b[at + 5] & 15],
    dash,
    h[b6 >> 4],
    h[b6 & 15],
    h[b[at + 7] >> 4],
    h[b[at + 7] & 15],
    dash,
    h[b8 >> 4],
    h[b8 & 15],
    h[b[at + 9] >> 4],
    h[b[at + 9] & 15],
    dash,
    h[b[at + 10] >> 4],
    h[b[at + 10] & 15],
    h[b[at + 11] >> 4],
    h[b[at + 11] & 15],
    h[b[at + 12] >> 4],
    h[b[at + 12] & 15],
    h[b[at + 13] >> 4],
    h[b[at + 13] & 15],
    h[b[at + 14] >> 4],
    h[b[at + 14] & 15],
    h[b[at + 15] >> 4],
    h[b[at + 15] & 15],
  );
}
