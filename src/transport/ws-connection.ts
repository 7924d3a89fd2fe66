import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import type { FloodPolicy } from "../rpc/flood-policy.js";
import type { LinkControl } from "./connection.js";
import { SocketConnection } from "./socket-connection.js";

/** The part of the TCP or TLS socket below the WebSocket that a WsConnection reads. */
export interface RawSocket {
  readonly bytesRead: number;
}

export interface WsConnectionOptions {
  /** Close with 1002 after this many unreadable frames in a row (see Connection). Default: no limit. */
  readonly maxConsecutiveBadFrames?: number;
  /** The pipelining and rate policy for the peer (see Connection). Default: the ChargePoint's. */
  readonly floodPolicy?: FloodPolicy;
  /**
   * The TCP or TLS socket the WebSocket reads from (a server has it as `request.socket`): its byte count
   * tells which messages came in one read. A client WebSocket finds its own from the upgrade response.
   */
  readonly rawSocket?: RawSocket;
}

/** A Connection over a `ws` WebSocket, client or server side. */
export class WsConnection extends SocketConnection<WebSocket> implements LinkControl {
  readonly maxConsecutiveBadFrames?: number;
  readonly floodPolicy?: FloodPolicy;
  #rawSocket: RawSocket | undefined;

  constructor(socket: WebSocket, options: WsConnectionOptions = {}) {
    super(socket);
    this.maxConsecutiveBadFrames = options.maxConsecutiveBadFrames;
    this.floodPolicy = options.floodPolicy;
    this.#rawSocket = options.rawSocket;
    if (!this.#rawSocket && socket.readyState === socket.CONNECTING) {
      socket.once("upgrade", (response: IncomingMessage) => {
        this.#rawSocket = response.socket;
      });
    }
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

  get link(): LinkControl {
    return this;
  }

  get bytesRead(): number | undefined {
    return this.#rawSocket?.bytesRead;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

// Shared by every connection: a closure per socket would cost memory for a listener that does nothing.
function ignoreError(): void {}
