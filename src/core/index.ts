/**
 * ocppkit for any runtime with a WHATWG WebSocket (browsers, Deno, Bun, edge workers): the engine,
 * routing, errors, logging and the WHATWG adapter. Nothing here, at run time or in its types, uses a Node
 * built-in, `ws` or a Node type; the version modules (`ocppkit/v16`, `ocppkit/v201`, `ocppkit/v21`) are
 * the same. Node-only parts (`connect()` over `ws`, ReconnectingConnection, the queue and its journal,
 * the server) stay in `ocppkit` and `ocppkit/server`.
 */
export {
  type CallOptions,
  type CallPayload,
  ChargePoint,
  type ChargePointOptions,
  type RegistrationGate,
  type ResultMap,
  type ResultOf,
} from "../rpc/charge-point.js";
export * from "../rpc/errors.js";
export { decodeFrame, type Frame, type FrameFault, maxMessageIdLength } from "../rpc/frame.js";
export { consoleLogger, defaultLogger, type Logger, silentLogger } from "../rpc/logger.js";
export { MessageType } from "../rpc/message-type.js";
export { type ActionSpec, actionOf, type OcppProtocol, type PayloadClass } from "../rpc/protocol.js";
export { type AfterOptions, after, type Handler, type MethodDecorator, type OnOptions, on } from "../rpc/routing.js";
export { type SchemaError, type SchemaValidator, schemaErrorToOcpp, validatePayload } from "../rpc/validation.js";
export { type ErrorDialect, errorFromWire, wireCode } from "../rpc/wire-codes.js";
export { ConnectError } from "../transport/connect-error.js";
export { type ConnectWebSocketOptions, connectWebSocket, type WhatwgWebSocketConstructor } from "../transport/connect-web-socket.js";
export type { Connection, ConnectionReceiver } from "../transport/connection.js";
export { type ConnectionLike, toConnection } from "../transport/to-connection.js";
export { WebSocketConnection, type WhatwgWebSocket } from "../transport/web-socket-connection.js";
