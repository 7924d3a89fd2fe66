import { WebSocket } from "ws";
import type { Connection } from "./connection.js";
import { WebSocketConnection, type WhatwgWebSocket } from "./web-socket-connection.js";
import { WsConnection } from "./ws-connection.js";

/** Anything a ChargePoint can be built on. */
export type ConnectionLike = Connection | WebSocket | WhatwgWebSocket;

const isConnection = (value: object): value is Connection => typeof (value as Connection).listen === "function";

/** Wraps a `ws` or WHATWG WebSocket in its adapter; a Connection is returned as it is. */
export function toConnection(value: ConnectionLike): Connection {
  if (isConnection(value)) return value;
  if (value instanceof WebSocket) return new WsConnection(value);
  if (typeof (value as WhatwgWebSocket).addEventListener === "function") return new WebSocketConnection(value as WhatwgWebSocket);
  throw new TypeError("Expected a Connection, a ws WebSocket or a WHATWG WebSocket");
}
