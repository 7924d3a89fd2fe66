import { ConnectError } from "./connect-error.js";
import { WebSocketConnection, type WhatwgWebSocket } from "./web-socket-connection.js";

/** A WHATWG `WebSocket` constructor: the global one of a browser, Deno, Bun, Node 22+, or a polyfill. */
export type WhatwgWebSocketConstructor = new (url: string, protocols: string[]) => WhatwgWebSocket & OpenEvents;

interface OpenEvents {
  addEventListener(type: "open" | "error", listener: () => void): void;
  removeEventListener(type: "open" | "error" | "close", listener: () => void): void;
}

export interface ConnectWebSocketOptions {
  /** Subprotocols offered, most preferred first. Default ["ocpp1.6"]. */
  readonly protocols?: readonly string[];
  /** The WebSocket class to use. Default: the global `WebSocket`. */
  readonly WebSocket?: WhatwgWebSocketConstructor;
}

/**
 * Opens a WHATWG WebSocket to a central system and resolves with its Connection once it is open: the
 * `connect()` of runtimes without Node (browsers, Deno, Bun, edge workers). A WHATWG client cannot set
 * headers, so there is no Basic auth here (the browser's own credentials or the URL carry it); TLS is
 * the runtime's. Rejects with ConnectError when the socket fails or no offered subprotocol is agreed.
 */
export function connectWebSocket(
  url: string | { readonly href: string },
  options: ConnectWebSocketOptions = {},
): Promise<WebSocketConnection> {
  const protocols = [...(options.protocols ?? ["ocpp1.6"])];
  const href = typeof url === "string" ? url : url.href;
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WhatwgWebSocketConstructor }).WebSocket;
  if (!Socket) {
    return Promise.reject(new ConnectError("This runtime has no global WebSocket; pass one as the WebSocket option"));
  }
  return new Promise((resolve, reject) => {
    let socket: WhatwgWebSocket & OpenEvents;
    try {
      socket = new Socket(href, protocols);
    } catch (error) {
      reject(new ConnectError(`Cannot connect to ${href}: ${(error as Error).message}`));
      return;
    }
    // Adapted at once so no message between 'open' and the caller's start() is lost.
    const connection = new WebSocketConnection(socket);
    const settle = () => {
      socket.removeEventListener("open", opened);
      socket.removeEventListener("error", failed);
    };
    const opened = () => {
      settle();
      // OCPP-J 1.6 section 3.2: without an agreed subprotocol there is no OCPP to speak.
      if (!socket.protocol) {
        socket.close(1000, "No agreed OCPP version");
        reject(new ConnectError(`${href} agreed none of the offered subprotocols (${protocols.join(", ")})`));
        return;
      }
      resolve(connection);
    };
    // The WHATWG error event carries no reason (on purpose: it would leak cross-origin details).
    const failed = () => {
      settle();
      reject(new ConnectError(`Cannot connect to ${href}: the WebSocket failed to open (refused, bad URL, TLS or HTTP error)`));
    };
    socket.addEventListener("open", opened);
    socket.addEventListener("error", failed);
  });
}
