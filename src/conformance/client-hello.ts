/**
 * The TLS ClientHello of a station, read off the wire before the TLS server takes the socket: node:tls
 * shows a server only the version and suite it negotiated, while part 6 (TC_A_04_CS step 2, TC_A_07_CS
 * step 4) validates what the station offers: TLS 1.2 or above, and both AES-GCM suites of one family
 * (1.6 security whitepaper A00.FR.312/318, A00.FR.416/422, which 2.0.1 A00 repeats without TLS 1.0/1.1).
 * RFC 8446 section 4.1.2 (ClientHello), section 5.1 (records), section 4.2.1 (supported_versions).
 */
import type { Socket } from "node:net";

export interface ClientHello {
  /** legacy_version (TLS 1.3 clients put 0x0303 here and the real versions in supported_versions). */
  readonly legacyVersion: number;
  /** The versions offered: supported_versions without GREASE values, or else legacy_version alone. */
  readonly versions: readonly number[];
  /** cipher_suites in the client's order, GREASE values left out. */
  readonly cipherSuites: readonly number[];
}

export type ClientHelloRead =
  | { readonly status: "complete"; readonly hello: ClientHello }
  | { readonly status: "incomplete" }
  | { readonly status: "invalid"; readonly reason: string };

/** A ClientHello spread over more records than fit here is not one a station sends (RFC 8446: records of at most 2^14 bytes). */
export const maxClientHelloBytes = 4 * (5 + 16_384);

const handshakeRecord = 0x16;
const clientHelloType = 0x01;
const supportedVersionsExtension = 0x002b;

/** RFC 8701: GREASE values (0x?A?A) are offered to keep servers tolerant; they are not versions or suites. */
const isGrease = (value: number) => (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);

export const tlsVersionName = (version: number): string =>
  ({ 768: "SSLv3", 769: "TLSv1", 770: "TLSv1.1", 771: "TLSv1.2", 772: "TLSv1.3" })[version] ?? `0x${version.toString(16).padStart(4, "0")}`;

/** The suites part 6 names, and TLS 1.3's (RFC 8446 appendix B.4), by IANA value. */
const suiteNames: Record<number, string> = {
  49195: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  49196: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  156: "TLS_RSA_WITH_AES_128_GCM_SHA256",
  157: "TLS_RSA_WITH_AES_256_GCM_SHA384",
  4865: "TLS_AES_128_GCM_SHA256",
  4866: "TLS_AES_256_GCM_SHA384",
  4867: "TLS_CHACHA20_POLY1305_SHA256",
};
export const cipherSuiteName = (suite: number): string => suiteNames[suite] ?? `0x${suite.toString(16).padStart(4, "0")}`;

/** A00.FR.318/422: (ECDHE-ECDSA AES-128-GCM AND AES-256-GCM) OR (RSA AES-128-GCM AND AES-256-GCM). */
export const requiredSuitePairs: readonly (readonly [number, number])[] = [
  [0xc02b, 0xc02c],
  [0x009c, 0x009d],
];

/** Reads a ClientHello from the first bytes a client sent: complete, more bytes needed, or not a ClientHello (why). */
export function parseClientHello(bytes: Uint8Array): ClientHelloRead {
  // The handshake message may be split over several records: join their fragments first.
  const fragments: Uint8Array[] = [];
  let joined = 0;
  let offset = 0;
  for (;;) {
    if (bytes.length - offset < 5) return { status: "incomplete" };
    const type = bytes[offset];
    if (type !== handshakeRecord)
      return { status: "invalid", reason: `the first record is not a TLS handshake (content type ${type}): not a TLS client` };
    const major = bytes[offset + 1];
    if (major !== 3) return { status: "invalid", reason: `record version ${major}.${bytes[offset + 2]} is no SSL 3 or TLS version` };
    const length = (bytes[offset + 3] << 8) | bytes[offset + 4];
    if (length === 0 || length > 16_384) return { status: "invalid", reason: `a handshake record of ${length} bytes (1 to 16384 allowed)` };
    if (bytes.length - offset - 5 < length) return { status: "incomplete" };
    fragments.push(bytes.subarray(offset + 5, offset + 5 + length));
    joined += length;
    offset += 5 + length;
    const handshake = concat(fragments, joined);
    if (handshake.length < 4) continue;
    if (handshake[0] !== clientHelloType)
      return { status: "invalid", reason: `the first handshake message is type ${handshake[0]}, not a ClientHello (1)` };
    const bodyLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
    if (bodyLength + 4 > maxClientHelloBytes) return { status: "invalid", reason: `a ClientHello of ${bodyLength} bytes` };
    if (handshake.length - 4 >= bodyLength) return readBody(handshake.subarray(4, 4 + bodyLength));
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

class Truncated extends Error {}

function readBody(body: Uint8Array): ClientHelloRead {
  let at = 0;
  const need = (n: number, what: string) => {
    if (body.length - at < n) throw new Truncated(`the ClientHello ends inside its ${what}`);
  };
  const u8 = (what: string) => {
    need(1, what);
    return body[at++] as number;
  };
  const u16 = (what: string) => {
    need(2, what);
    const value = ((body[at] as number) << 8) | (body[at + 1] as number);
    at += 2;
    return value;
  };
  const skip = (n: number, what: string) => {
    need(n, what);
    at += n;
  };
  try {
    const legacyVersion = u16("legacy_version");
    skip(32, "random");
    skip(u8("legacy_session_id length"), "legacy_session_id");
    const suitesLength = u16("cipher_suites length");
    if (suitesLength % 2 !== 0 || suitesLength === 0)
      return { status: "invalid", reason: `cipher_suites of ${suitesLength} bytes (a non-zero even number expected)` };
    need(suitesLength, "cipher_suites");
    const cipherSuites: number[] = [];
    for (const end = at + suitesLength; at < end; ) {
      const suite = u16("cipher_suites");
      if (!isGrease(suite)) cipherSuites.push(suite);
    }
    skip(u8("legacy_compression_methods length"), "legacy_compression_methods");
    let versions: number[] = [legacyVersion];
    // Extensions are optional before TLS 1.3 (RFC 5246 section 7.4.1.2).
    if (at < body.length) {
      const extensionsLength = u16("extensions length");
      need(extensionsLength, "extensions");
      for (const end = at + extensionsLength; at < end; ) {
        const type = u16("extension type");
        const length = u16("extension length");
        need(length, "extension");
        if (type === supportedVersionsExtension) {
          const listLength = body[at] as number;
          if (listLength + 1 !== length || listLength % 2 !== 0)
            return { status: "invalid", reason: "a supported_versions extension whose length does not add up" };
          versions = [];
          for (let i = at + 1; i < at + 1 + listLength; i += 2) {
            const version = ((body[i] as number) << 8) | (body[i + 1] as number);
            if (!isGrease(version)) versions.push(version);
          }
        }
        at += length;
      }
    }
    return { status: "complete", hello: { legacyVersion, versions, cipherSuites } };
  } catch (error) {
    if (error instanceof Truncated) return { status: "invalid", reason: error.message };
    throw error;
  }
}

/**
 * What part 6 finds wrong with a ClientHello (TC_A_04_CS step 2, TC_A_07_CS step 4): no TLS 1.2 or above
 * offered, or neither pair of AES-GCM suites complete. Empty when it passes.
 */
export function clientHelloProblems(hello: ClientHello): string[] {
  const problems: string[] = [];
  const highest = Math.max(...hello.versions);
  if (!(highest >= 0x0303)) problems.push(`offers at most ${tlsVersionName(highest)} (TLS 1.2 or above required)`);
  const complete = requiredSuitePairs.some((pair) => pair.every((suite) => hello.cipherSuites.includes(suite)));
  if (!complete)
    problems.push(
      `offers neither ${requiredSuitePairs.map((pair) => pair.map(cipherSuiteName).join(" and ")).join(" nor ")} (offered: ${
        hello.cipherSuites.map(cipherSuiteName).join(", ") || "none"
      })`,
    );
  return problems;
}

/** A one-line account of a ClientHello for reports. */
export function describeClientHello(hello: ClientHello): string {
  return `versions ${hello.versions.map(tlsVersionName).join(", ")}; ${hello.cipherSuites.length} cipher suites`;
}

/**
 * Reads the socket's ClientHello (bounded by `maxClientHelloBytes` and `timeoutMs`) and puts the bytes
 * back, so a TLS server given the socket next sees them as if nothing had read them. Never rejects:
 * a client that sends something else, too much, nothing, or closes yields an "invalid" read with the reason.
 */
export function captureClientHello(socket: Socket, timeoutMs: number): Promise<ClientHelloRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (read: ClientHelloRead, ended = false) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onError);
      socket.pause();
      // A stream that ended takes nothing back (unshift after 'end' is an error).
      if (length > 0 && !ended && !socket.destroyed) socket.unshift(Buffer.concat(chunks, length));
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      const read = parseClientHello(length === chunk.length ? chunk : Buffer.concat(chunks, length));
      if (read.status !== "incomplete") finish(read);
      else if (length > maxClientHelloBytes) finish({ status: "invalid", reason: `no complete ClientHello in ${length} bytes` });
    };
    const onEnd = () =>
      finish({ status: "invalid", reason: `the connection closed after ${length} bytes, before a complete ClientHello` }, true);
    const onError = (error: Error) =>
      finish({ status: "invalid", reason: `the connection failed before a complete ClientHello: ${error.message}` }, true);
    const timer = setTimeout(
      () => finish({ status: "invalid", reason: `no complete ClientHello within ${timeoutMs / 1000} s (${length} bytes came)` }),
      timeoutMs,
    );
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
  });
}
