import type { SecureContextOptions } from "node:tls";
import { WebSocket } from "ws";
import { ConnectError } from "./connect-error.js";
import { WsConnection } from "./ws-connection.js";

export { ConnectError };

export interface ConnectOptions {
  /** Subprotocols offered, most preferred first. Default ["ocpp1.6"]. */
  readonly protocols?: readonly string[];
  /** HTTP Basic credentials (security profiles 1 and 2); the username is normally the charge point id. */
  readonly auth?: { readonly username: string; readonly password: string | Buffer };
  /** TLS: CA to trust, and for security profile 3 the client certificate and key. */
  readonly ca?: SecureContextOptions["ca"];
  readonly cert?: SecureContextOptions["cert"];
  readonly key?: SecureContextOptions["key"];
  /** Other TLS options passed to Node (servername, rejectUnauthorized, ...). */
  readonly tls?: SecureContextOptions & { readonly servername?: string; readonly rejectUnauthorized?: boolean };
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up on the opening handshake after this long. Default 30 s. */
  readonly handshakeTimeoutMs?: number;
  /** Largest message accepted, in bytes (ws closes the connection with 1009 above it). */
  readonly maxPayload?: number;
}

/** Opens a WebSocket to a central system and resolves with its Connection once the handshake is done. */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WsConnection> {
  const protocols = [...(options.protocols ?? ["ocpp1.6"])];
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) {
    const password = Buffer.isBuffer(options.auth.password) ? options.auth.password : Buffer.from(options.auth.password);
    headers.authorization = `Basic ${Buffer.concat([Buffer.from(`${options.auth.username}:`), password]).toString("base64")}`;
  }
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, protocols, {
        ...options.tls,
        ca: options.ca ?? options.tls?.ca,
        cert: options.cert ?? options.tls?.cert,
        key: options.key ?? options.tls?.key,
        headers,
        handshakeTimeout: options.handshakeTimeoutMs ?? 30_000,
        maxPayload: options.maxPayload,
      });
    } catch (error) {
      reject(new ConnectError(`Cannot connect to ${String(url)}: ${(error as Error).message}`));
      return;
    }
    // Adapted at once so no message between 'open' and the caller's start() is lost.
    const connection = new WsConnection(socket);
    const fail = (error: ConnectError) => {
      socket.removeAllListeners("open");
      reject(error);
    };
    socket.once("open", () => resolve(connection));
    socket.once("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      fail(
        new ConnectError(`${String(url)} refused the WebSocket upgrade with HTTP ${status} ${response.statusMessage ?? ""}`.trim(), status),
      );
      socket.terminate();
    });
    socket.once("error", (error: Error & { code?: string }) => {
      const detail = error.code ? `${error.code} ${error.message}` : error.message;
      fail(new ConnectError(`Cannot connect to ${String(url)}: ${detail}`));
    });
  });
}
