import type { WebSocket } from "ws";
import { NotConnectedError } from "../rpc/errors.js";
import { type Connection, type ConnectionReceiver, ReceiverSlot } from "./connection.js";

const OPEN = 1;

export interface WsConnectionOptions {
  /** Close with 1002 after this many unreadable frames in a row (see Connection). Default: no limit. */
  readonly maxConsecutiveBadFrames?: number;
}

/** A Connection over a `ws` WebSocket, client or server side. */
export class WsConnection implements Connection {
  readonly socket: WebSocket;
  readonly maxConsecutiveBadFrames?: number;
  #slot = new ReceiverSlot();

  constructor(socket: WebSocket, options: WsConnectionOptions = {}) {
    this.socket = socket;
    this.maxConsecutiveBadFrames = options.maxConsecutiveBadFrames;
    socket.on("message", (data, isBinary) => {
      // OCPP-J sends text frames only; a binary frame is decoded as UTF-8 all the same rather than lost,
      // and the frame parser reports it if it is not a valid message.
      this.#slot.message(isBinary || typeof data !== "string" ? data.toString() : data);
    });
    socket.on("close", (code, reason) => this.#slot.close(code, reason.toString()));
    // Without a listener an 'error' event would crash the process; the close that follows reports it.
    socket.on("error", ignoreError);
    if (socket.readyState > OPEN) this.#slot.close(1006, "closed before use");
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  send(text: string): void {
    if (this.socket.readyState !== OPEN) throw new NotConnectedError();
    this.socket.send(text);
  }

  close(code = 1000, reason = ""): void {
    this.socket.close(code, reason);
  }

  listen(receiver: ConnectionReceiver): void {
    this.#slot.set(receiver);
  }
}

// Shared by every connection: a closure per socket would cost memory for a listener that does nothing.
function ignoreError(): void {}
