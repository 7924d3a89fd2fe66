import zlib from "node:zlib";

/**
 * One line of the journal: `<crc32 of the JSON, 8 hex digits> <JSON array>\n`. The checksum catches what
 * JSON.parse would let through (a flipped bit in a number, a disk block of someone else's bytes); the
 * newline marks a complete line, so a write cut short by a crash is a last line without one.
 */
export type JournalEntry =
  | { readonly op: "header"; readonly version: number; readonly next: number }
  | { readonly op: "append" | "update"; readonly seq: number; readonly data: unknown }
  | { readonly op: "remove"; readonly seq: number };

export const journalMagic = "ocppkit-journal";
export const journalVersion = 1;

const newline = 0x0a;

/**
 * The header is the first line of every journal file. `next` is the lowest seq the file may hand out,
 * so that seqs are not reused after a compaction has dropped every record that carried them.
 */
export function headerLine(next: number): string {
  return line(`["${journalMagic}",${journalVersion},${next}]`);
}

/** `dataJson` is already `JSON.stringify`'d: the store keeps data as text so a compaction writes exactly what was appended. */
export function appendLine(seq: number, dataJson: string): string {
  return line(`["a",${seq},${dataJson}]`);
}

export function updateLine(seq: number, dataJson: string): string {
  return line(`["u",${seq},${dataJson}]`);
}

export function removeLine(seq: number): string {
  return line(`["r",${seq}]`);
}

function line(json: string): string {
  return `${hex(crc32(Buffer.from(json)))} ${json}\n`;
}

/** One line of a journal file, without its newline: the entry, or what is wrong with it. */
export function decodeLine(bytes: Buffer): JournalEntry | string {
  if (bytes.length < 10 || bytes[8] !== 0x20) return "not `<checksum> <record>`";
  const json = bytes.subarray(9);
  const expected = hex(crc32(json));
  const stored = bytes.toString("latin1", 0, 8);
  if (stored !== expected) return `checksum ${stored} does not match the record (${expected})`;
  let value: unknown;
  try {
    value = JSON.parse(json.toString("utf8"));
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (!Array.isArray(value)) return "not a JSON array";
  const [tag, first, data] = value as unknown[];
  if (tag === journalMagic) {
    if (first !== journalVersion) return `journal format version ${String(first)}, this ocppkit reads version ${journalVersion}`;
    if (!isSeq(data)) return "header without a valid next seq";
    return { op: "header", version: first, next: data };
  }
  if (!isSeq(first)) return "record without a valid seq";
  if (tag === "a" && value.length === 3) return { op: "append", seq: first, data };
  if (tag === "u" && value.length === 3) return { op: "update", seq: first, data };
  if (tag === "r" && value.length === 2) return { op: "remove", seq: first };
  return `unknown record ${JSON.stringify(tag)}`;
}

/** Splits a file into lines; a last line without its newline is `complete: false` (a write cut short). */
export function* splitLines(file: Buffer): Generator<{ bytes: Buffer; offset: number; complete: boolean }> {
  let offset = 0;
  while (offset < file.length) {
    const end = file.indexOf(newline, offset);
    if (end === -1) {
      yield { bytes: file.subarray(offset), offset, complete: false };
      return;
    }
    yield { bytes: file.subarray(offset, end), offset, complete: true };
    offset = end + 1;
  }
}

function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function hex(crc: number): string {
  return crc.toString(16).padStart(8, "0");
}

// zlib.crc32 appeared in Node 20.15; the table version keeps older Node 20 releases working.
const crc32: (bytes: Buffer) => number = typeof zlib.crc32 === "function" ? (bytes) => zlib.crc32(bytes) : tableCrc32;

let table: Uint32Array | undefined;

function tableCrc32(bytes: Buffer): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
