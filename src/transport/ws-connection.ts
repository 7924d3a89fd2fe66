import type { WebSocket } from "ws";
import { SocketConnection } from "./socket-connection.js";

export interface WsConnectionOptions {
  /** Close with 1002 after this many unreadable frames in a row (see Connection). Default: no limit. */
  readonly maxConsecutiveBadFrames?: number;
}

/** A Connection over a `ws` WebSocket, client or server side. */
export class WsConnection extends SocketConnection<WebSocket> {
  readonly maxConsecutiveBadFrames?: number;

  constructor(socket: WebSocket, options: WsConnectionOptions = {}) {
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
