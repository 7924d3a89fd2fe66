import { NotConnectedError } from "../rpc/errors.js";
import { type Connection, type ConnectionReceiver, ReceiverSlot } from "./connection.js";

/** What both socket APIs (`ws` and WHATWG) share, and all a Connection needs to send. */
export interface SendingSocket {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;

/**
 * The sending half of the socket adapters. Each adapter subscribes to its socket's own events and
 * passes what arrives to `slot`, which holds it until `listen()`.
 */
export class SocketConnection<S extends SendingSocket> implements Connection {
  readonly socket: S;
  protected readonly slot = new ReceiverSlot();

  constructor(socket: S) {
    this.socket = socket;
  }

  /** Reports a socket that closed before it was adapted, so `start()` still ends. */
  protected checkClosed(): void {
    if (this.socket.readyState > OPEN) this.slot.close(1006, "closed before use");
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
    this.slot.set(receiver);
  }
}
