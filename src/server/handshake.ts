import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * The charge point identity in a connection URL: its last path segment, percent-decoded (OCPP-J 1.6
 * section 3.1.1, 2.0.1 part 4 section 3.1.1: `ws://host/ocpp/RDAM%20123` is "RDAM 123"). Undefined
 * when the segment is empty or not valid percent-encoding.
 */
export function chargePointIdFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  const segment = path.slice(path.lastIndexOf("/") + 1);
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The subprotocols a client offers in `Sec-WebSocket-Protocol`, in its order. */
export function offeredSubprotocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  return text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/** What a Basic `Authorization` header holds for the expected identity. */
export type BasicCredentials = { readonly password: Buffer } | { readonly problem: "missing" | "malformed" | "usernameMismatch" };

/**
 * Reads HTTP Basic credentials whose username must be `id` (security whitepaper A00.FR.204 / A00.FR.303).
 * Because the username is known, it is matched as a prefix rather than split at the first colon (RFC 7617),
 * so identities and passwords may both contain colons; the password stays bytes, as the whitepaper
 * (A00.FR.205) advises random binary passwords.
 */
export function basicCredentials(header: string | undefined, id: string): BasicCredentials {
  if (!header) return { problem: "missing" };
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return { problem: "malformed" };
  const decoded = Buffer.from(match[1], "base64");
  const prefix = Buffer.from(`${id}:`);
  if (decoded.length < prefix.length || !decoded.subarray(0, prefix.length).equals(prefix)) return { problem: "usernameMismatch" };
  return { password: decoded.subarray(prefix.length) };
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, headers: Readonly<Record<string, string>> = {}): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`, "Connection: close", "Content-Length: 0"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n`);
}
