import type { Connection } from "./connection.js";
import { WebSocketConnection, type WhatwgWebSocket } from "./web-socket-connection.js";
import { WsConnection, type WsSocket } from "./ws-connection.js";

/** Anything a ChargePoint can be built on. */
export type ConnectionLike = Connection | WsSocket | WhatwgWebSocket;

const isConnection = (value: object): value is Connection => typeof (value as Connection).listen === "function";

// Recognised by shape rather than `instanceof`: importing `ws` here would load Node's whole http/tls
// stack with every version module (the largest part of start-up), though a charger connecting with
// `connect()` or a server accepting sockets has loaded `ws` already. A WHATWG WebSocket has no
// `on`/`terminate`; `ws` has both (and addEventListener too, so it is tested first).
const isWsSocket = (value: object): value is WsSocket =>
  typeof (value as WsSocket).on === "function" && typeof (value as WsSocket).terminate === "function";

/** Wraps a `ws` or WHATWG WebSocket in its adapter; a Connection is returned as it is. */
export function toConnection(value: ConnectionLike): Connection {
  if (isConnection(value)) return value;
  if (isWsSocket(value)) return new WsConnection(value);
  if (typeof (value as WhatwgWebSocket).addEventListener === "function") return new WebSocketConnection(value as WhatwgWebSocket);
  throw new TypeError("Expected a Connection, a ws WebSocket or a WHATWG WebSocket");
}
