export { type JournalOptions, JournalStore } from "./queue/journal.js";
export { JournalCorruptError, JournalError, JournalErrorReason } from "./queue/journal-error.js";
export { ocpp16QueuePolicy, ocpp201QueuePolicy, type QueuePolicy, queuePolicyFor, type TransactionIdRules } from "./queue/policy.js";
export { MessageDroppedError, QueueFullError } from "./queue/queue-errors.js";
export { MemoryStore, type QueueRecord, type QueueStore } from "./queue/store.js";
export {
  type QueueCallOptions,
  type QueueDelivery,
  type QueueDrop,
  type Queued,
  type QueueEntry,
  TransactionQueue,
  type TransactionQueueEvents,
  type TransactionQueueOptions,
} from "./queue/transaction-queue.js";
export {
  type CallOptions,
  type CallPayload,
  ChargePoint,
  type ChargePointOptions,
  type RegistrationGate,
  type ResultMap,
  type ResultOf,
} from "./rpc/charge-point.js";
export * from "./rpc/errors.js";
export {
  defaultFloodPolicy,
  FloodPolicy,
  type FloodPolicyOptions,
  FloodReason,
  type FloodReport,
  type RateLimitOptions,
} from "./rpc/flood-policy.js";
export { decodeFrame, type Frame, type FrameFault, maxMessageIdLength } from "./rpc/frame.js";
export { consoleLogger, defaultLogger, type Logger, silentLogger } from "./rpc/logger.js";
export { MessageType } from "./rpc/message-type.js";
export { type ActionSpec, actionOf, type OcppProtocol, type PayloadClass } from "./rpc/protocol.js";
export { type AfterOptions, after, type Handler, type MethodDecorator, type OnOptions, on } from "./rpc/routing.js";
export { type SchemaError, type SchemaValidator, schemaErrorToOcpp, validatePayload } from "./rpc/validation.js";
export { type ErrorDialect, errorFromWire, wireCode } from "./rpc/wire-codes.js";
export { ConnectError, type ConnectOptions, connect } from "./transport/connect.js";
export { type ConnectWebSocketOptions, connectWebSocket, type WhatwgWebSocketConstructor } from "./transport/connect-web-socket.js";
export type { Connection, ConnectionReceiver, LinkControl } from "./transport/connection.js";
export {
  type Endpoint,
  LinkState,
  type LinkStateChange,
  ReconnectingConnection,
  type ReconnectingConnectionEvents,
  type ReconnectOptions,
} from "./transport/reconnecting-connection.js";
export { type ConnectionLike, toConnection } from "./transport/to-connection.js";
export { WebSocketConnection, type WhatwgWebSocket } from "./transport/web-socket-connection.js";
export { type RawSocket, WsConnection, type WsConnectionOptions, type WsSocket } from "./transport/ws-connection.js";
