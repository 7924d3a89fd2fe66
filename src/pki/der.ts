/**
 * The little DER (X.690) that OCPP's certificate use cases need: writing a PKCS#10 certification
 * request (the station) and a certificate (the CSMS's CA, certificate.ts), reading a certificate's
 * issuer name and public key for OCPP's certificate hash data and a request's subject and key.
 * Definite lengths only, as DER requires.
 */

export class DerError extends Error {
  readonly code = "ERR_DER";
  constructor(message: string) {
    super(`${message}: not the DER of an X.509 certificate`);
    this.name = "DerError";
  }
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

export const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
export const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
export const nullValue = () => Buffer.from([0x05, 0x00]);
/** A BIT STRING of whole bytes. */
export const bitString = (bytes: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));

export const octetString = (bytes: Buffer) => tlv(0x04, bytes);
export const boolean = (value: boolean) => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
/** A BIT STRING whose last `unusedBits` bits are not part of it (the named bits of KeyUsage). */
export const namedBits = (bytes: Buffer, unusedBits: number) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
/** `[n]` EXPLICIT: a constructed context-specific tag around `content`. */
export const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, in UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** An INTEGER from its big-endian magnitude (a serial number), kept positive and minimal. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** A non-negative INTEGER. */
export function integer(n: number): Buffer {
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (!bytes.length || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export interface Element {
  readonly tag: number;
  /** The whole TLV. */
  readonly bytes: Buffer;
  readonly content: Buffer;
}

/** The elements one after another in `data`. */
export function elements(data: Buffer): Element[] {
  const result: Element[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) throw new DerError("truncated element");
    const tag = data[at];
    let size = data[at + 1];
    let header = 2;
    if (size & 0x80) {
      const count = size & 0x7f;
      if (count === 0 || count > 4 || at + 2 + count > data.length) throw new DerError("unsupported length");
      size = 0;
      for (let i = 0; i < count; i++) size = size * 256 + data[at + 2 + i];
      header += count;
    }
    if (at + header + size > data.length) throw new DerError("element longer than its container");
    result.push({ tag, bytes: data.subarray(at, at + header + size), content: data.subarray(at + header, at + header + size) });
    at += header + size;
  }
  return result;
}

/** A certificate's issuer Name and subject public key (the BIT STRING's bytes), from its DER. */
export function certificateParts(der: Buffer): { issuer: Buffer; subject: Buffer; publicKey: Buffer } {
  const [certificate] = elements(der);
  if (certificate?.tag !== 0x30) throw new DerError("no outer SEQUENCE");
  const [tbs] = elements(certificate.content);
  if (tbs?.tag !== 0x30) throw new DerError("no TBSCertificate");
  const fields = elements(tbs.content);
  // version [0] is optional: skip it when present.
  const start = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[start + 2];
  const subject = fields[start + 4];
  const spki = fields[start + 5];
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new DerError("unexpected TBSCertificate layout");
  const key = elements(spki.content)[1];
  if (key?.tag !== 0x03) throw new DerError("no subjectPublicKey");
  return { issuer: issuer.bytes, subject: subject.bytes, publicKey: key.content.subarray(1) };
}
