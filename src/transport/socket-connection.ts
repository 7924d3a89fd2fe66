import { NotConnectedError } from "../rpc/errors.js";
import type { Connection, ConnectionReceiver } from "./connection.js";

/** What both socket APIs (`ws` and WHATWG) share, and all a Connection needs to send. */
export interface SendingSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;

/** What arrived before `listen()`: messages, then perhaps the close (rare: a server listens at once). */
class Early {
  held: string[] = [];
  closed: [number, string] | undefined;
}

// The receiver has heard the close: a second one (the socket's own after `checkClosed()`) is not reported.
const closedMark = Symbol("closed");

/**
 * The sending half of the socket adapters. Each adapter subscribes to its socket's own events and
 * passes what arrives to `deliver()` and `deliverClose()`, which hold it until `listen()`. The same as
 * ReceiverSlot, kept in this object's own fields: an object of its own per connection cost 48 bytes.
 */
export class SocketConnection<S extends SendingSocket> implements Connection {
  readonly socket: S;
  #receiver: ConnectionReceiver | undefined;
  // Undefined while nothing arrived before the receiver and nothing closed; then what arrived early, or
  // `closedMark` once the close was reported to the receiver.
  #state: Early | typeof closedMark | undefined;

  constructor(socket: S) {
    this.socket = socket;
  }

  /** Reports a socket that closed before it was adapted, so `start()` still ends. */
  protected checkClosed(): void {
    if (this.socket.readyState > OPEN) this.deliverClose(1006, "closed before use");
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
    if (this.#receiver) throw new Error("This connection already has a receiver");
    this.#receiver = receiver;
    const early = this.#state;
    if (!(early instanceof Early)) return;
    this.#state = early.closed ? closedMark : undefined;
    for (const text of early.held) receiver.message(text);
    if (early.closed) receiver.close(...early.closed);
  }

  /** One text message from the socket, in arrival order: to the receiver, or held until `listen()`. */
  protected deliver(text: string): void {
    if (this.#receiver) this.#receiver.message(text);
    else {
      this.#state ??= new Early();
      if (this.#state instanceof Early) this.#state.held.push(text);
    }
  }

  /** The socket closed: reported once, to the receiver or at `listen()`. */
  protected deliverClose(code: number, reason: string): void {
    if (this.#state === closedMark) return;
    if (this.#receiver) {
      this.#state = closedMark;
      this.#receiver.close(code, reason);
      return;
    }
    this.#state ??= new Early();
    if (this.#state instanceof Early) this.#state.closed ??= [code, reason];
  }
}
