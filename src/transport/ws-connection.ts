import type { FloodPolicy } from "../rpc/flood-policy.js";
import type { LinkControl } from "./connection.js";
import { type SendingSocket, SocketConnection } from "./socket-connection.js";

/** The part of the TCP or TLS socket below the WebSocket that a WsConnection reads. */
export interface RawSocket {
  readonly bytesRead: number;
  cork?(): void;
  uncork?(): void;
}

/**
 * The part of a `ws` WebSocket (client or server side) the adapter uses. Described here rather than
 * imported from `ws`, so the published types need no `@types/ws`; a `ws` WebSocket fits it.
 */
export interface WsSocket extends SendingSocket {
  readonly CONNECTING: number;
  readonly bufferedAmount: number;
  on(event: "message", listener: (data: string | { toString(): string }, isBinary: boolean) => void): unknown;
  on(event: "close", listener: (code: number, reason: { toString(): string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "pong", listener: () => void): unknown;
  once(event: "upgrade", listener: (response: { readonly socket: RawSocket }) => void): unknown;
  ping(): void;
  pause(): void;
  resume(): void;
  terminate(): void;
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
  /**
   * A listener for the socket's 'close' event, called (with the socket as `this`) just before the
   * connection reports the close to its receiver. The same as adding it to the socket yourself, but one
   * listener per socket rather than two (a second one makes the socket keep a listener array): a server
   * keeps its session bookkeeping here.
   */
  readonly beforeClose?: (this: WsSocket, code: number, reason: { toString(): string }) => void;
}

/*
 * Listeners shared by every connection (ws calls them with the socket as `this`; set in the class's
 * static block, which reaches its private members), the socket's connection found in a WeakMap: a
 * closure per socket and event costs a function and its scope on each of thousands of connections, a
 * WeakMap entry a fraction of that.
 */
const connections = new WeakMap<WsSocket, WsConnection>();
let onMessage: (this: WsSocket, data: string | { toString(): string }, isBinary: boolean) => void;
let onClose: (this: WsSocket, code: number, reason: { toString(): string }) => void;

/** A Connection over a `ws` WebSocket, client or server side. */
export class WsConnection extends SocketConnection<WsSocket> implements LinkControl {
  readonly maxConsecutiveBadFrames?: number;
  readonly floodPolicy?: FloodPolicy;
  #rawSocket: RawSocket | undefined;
  readonly #beforeClose: WsConnectionOptions["beforeClose"];

  constructor(socket: WsSocket, options: WsConnectionOptions = {}) {
    super(socket);
    this.maxConsecutiveBadFrames = options.maxConsecutiveBadFrames;
    this.floodPolicy = options.floodPolicy;
    this.#rawSocket = options.rawSocket;
    this.#beforeClose = options.beforeClose;
    if (!this.#rawSocket && socket.readyState === socket.CONNECTING) {
      socket.once("upgrade", (response) => {
        this.#rawSocket = response.socket;
      });
    }
    if (connections.has(socket)) {
      // A second adapter on one socket (unusual): its own listeners, as the shared ones find one connection.
      const beforeClose = this.#beforeClose;
      socket.on("message", (data, isBinary) => this.deliver(textOf(data, isBinary)));
      socket.on("close", (code, reason) => {
        beforeClose?.call(socket, code, reason);
        this.deliverClose(code, reason.toString());
      });
    } else {
      connections.set(socket, this);
      socket.on("message", onMessage);
      socket.on("close", onClose);
    }
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
    deliverSlowly(this.socket, true);
  }

  resume(): void {
    deliverSlowly(this.socket, false);
    this.socket.resume();
  }

  terminate(): void {
    this.socket.terminate();
  }

  cork(): void {
    this.#rawSocket?.cork?.();
  }

  uncork(): void {
    this.#rawSocket?.uncork?.();
  }

  static {
    onMessage = function (this: WsSocket, data: string | { toString(): string }, isBinary: boolean): void {
      connections.get(this)?.deliver(textOf(data, isBinary));
    };
    onClose = function (this: WsSocket, code: number, reason: { toString(): string }): void {
      const connection = connections.get(this);
      if (!connection) return;
      connection.#beforeClose?.call(this, code, reason);
      connection.deliverClose(code, reason.toString());
    };
  }
}

/**
 * The part of `ws`'s frame parser (its Receiver, a private member of the WebSocket) that decides whether
 * each message of a read is emitted at once or on the next event-loop turn. Optional: a `ws` without it
 * (another version) keeps emitting a whole read at once, which only costs the other connections latency.
 */
interface ReceiverSwitch {
  readonly _receiver?: Receiver;
}
interface Receiver {
  _allowSynchronousEvents?: unknown;
  prependListener(event: "message", listener: () => void): unknown;
  removeListener(event: "message", listener: () => void): unknown;
}

/**
 * How many messages of a paused socket's read are emitted back to back before the next event-loop turn.
 * Measured on a 64 KiB read of Heartbeats (about 2,000 frames, BENCHMARKS.md): one per turn costs 2.5x the
 * CPU of emitting the read in one piece (a loop turn per message), 32 per turn about the same as in one
 * piece, and 32 small frames take well under 0.1 ms.
 */
const messagesPerTurn = 32;

// Receivers switched by deliverSlowly, with the messages emitted in the current turn.
const slowed = new WeakMap<Receiver, number>();

/**
 * Stops (or restarts) `ws` emitting all messages of one read from the socket back to back. `pause()`
 * only stops further reads; the read in hand, up to 64 KiB (thousands of small CALLs from a flooding
 * peer), would still be parsed and emitted in one piece, and every other connection waits for it (4-17 ms
 * under load, measured in BENCHMARKS.md). Emitted `messagesPerTurn` at a time instead, the other
 * sockets are read in between. Only a paused (throttled) socket is switched: a well-behaved peer's
 * messages keep being emitted at once, at no cost. A socket created with synchronous events off is left so.
 */
function deliverSlowly(socket: WsSocket, slowly: boolean): void {
  const receiver = (socket as ReceiverSwitch)._receiver;
  if (!receiver) return;
  if (slowly) {
    if (receiver._allowSynchronousEvents !== true || slowed.has(receiver)) return;
    // The next message already waits for the next turn: the throttle is where the peer went over.
    receiver._allowSynchronousEvents = false;
    slowed.set(receiver, 0);
    receiver.prependListener("message", countMessage);
  } else if (slowed.delete(receiver)) {
    receiver.removeListener("message", countMessage);
    receiver._allowSynchronousEvents = true;
  }
}

/** Runs before each message a slowed receiver emits: after `messagesPerTurn`, the next waits a turn. */
function countMessage(this: Receiver): void {
  const count = slowed.get(this);
  if (count === undefined) return;
  if (this._allowSynchronousEvents === false) {
    // The first message of a new turn.
    this._allowSynchronousEvents = true;
    slowed.set(this, 1);
  } else if (count + 1 >= messagesPerTurn) {
    this._allowSynchronousEvents = false;
    slowed.set(this, 0);
  } else {
    slowed.set(this, count + 1);
  }
}

// OCPP-J sends text frames only; a binary frame is decoded as UTF-8 all the same rather than lost, and
// the frame parser reports it if it is not a valid message.
function textOf(data: string | { toString(): string }, isBinary: boolean): string {
  return isBinary || typeof data !== "string" ? data.toString() : data;
}

// Shared by every connection: a closure per socket would cost memory for a listener that does nothing.
function ignoreError(): void {}
