/**
 * The TLS handshake of the A00 cases, probed on its own before the WebSocket upgrade (part 6: "The OCTT
 * terminates the connection and initiates a TLS handshake"): what was negotiated and what the server showed.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { connect, type PeerCertificate } from "node:tls";
import type { ConformanceConfig } from "./config.js";

export interface TlsOutcome {
  readonly protocol: string | null;
  readonly cipher: string;
  readonly certificate: PeerCertificate;
}

export interface ProbeOptions {
  readonly minVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  readonly maxVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
  readonly ciphers?: string;
  /** A client certificate other than the configured one. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
}

/** Resolves once the handshake is done (the probe then closes); rejects with the handshake's error. */
export function probeTls(url: string, config: ConformanceConfig, options: ProbeOptions = {}): Promise<TlsOutcome> {
  const target = new URL(url);
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: target.hostname.replace(/^\[|\]$/g, ""),
      port: Number(target.port || 443),
      servername: isIP(target.hostname) ? undefined : target.hostname,
      ca: read(config.tls?.ca),
      cert: read(options.clientCertificate?.cert ?? config.tls?.cert),
      key: read(options.clientCertificate?.key ?? config.tls?.key),
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers,
      // The configured CA must vouch for the server's certificate and its name (A00.FR.3xx), as a station's would.
      rejectUnauthorized: true,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake within ${config.responseTimeoutS} s`));
    }, config.responseTimeoutS * 1000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const outcome = { protocol: socket.getProtocol(), cipher: socket.getCipher().standardName, certificate: socket.getPeerCertificate() };
      socket.end();
      resolve(outcome);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The suites part 6 requires (TLS 1.2 names, OpenSSL spelling), by the key type of the server certificate. */
export const requiredSuites = {
  EC: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"],
  RSA: ["AES128-GCM-SHA256", "AES256-GCM-SHA384"],
} as const;
