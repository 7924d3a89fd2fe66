import { type SendingSocket, SocketConnection } from "./socket-connection.js";

/**
 * The part of a `ws` WebSocket (client or server side) the adapter uses. Described here rather than
 * imported from `ws`, so the published types need no `@types/ws`; a `ws` WebSocket fits it.
 */
export interface WsSocket extends SendingSocket {
  on(event: "message", listener: (data: string | { toString(): string }, isBinary: boolean) => void): unknown;
  on(event: "close", listener: (code: number, reason: { toString(): string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "pong", listener: () => void): unknown;
  ping(): void;
  terminate(): void;
}

export interface WsConnectionOptions {
  /** Close with 1002 after this many unreadable frames in a row (see Connection). Default: no limit. */
  readonly maxConsecutiveBadFrames?: number;
}

/** A Connection over a `ws` WebSocket, client or server side. */
export class WsConnection extends SocketConnection<WsSocket> {
  readonly maxConsecutiveBadFrames?: number;

  constructor(socket: WsSocket, options: WsConnectionOptions = {}) {
    super(socket);
    this.maxConsecutiveBadFrames = options.maxConsecutiveBadFrames;
    socket.on("message", (data, isBinary) => {
      // OCPP-J sends text frames only; a binary frame is decoded as UTF-8 all the same rather than lost,
      // and the frame parser reports it if it is not a valid message.
      this.slot.message(isBinary || typeof data !== "string" ? data.toString() : data);
    });
    socket.on("close", (code, reason) => this.slot.close(code, reason.toString()));
    // Without a listener an 'error' event would crash the process; the close that follows reports it.
    socket.on("error", ignoreError);
    this.checkClosed();
  }
}

// Shared by every connection: a closure per socket would cost memory for a listener that does nothing.
function ignoreError(): void {}
