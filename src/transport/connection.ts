import type { FloodPolicy } from "../rpc/flood-policy.js";

/** Receives what a Connection delivers. */
export interface ConnectionReceiver {
  /** One text message, in arrival order. */
  message(text: string): void;
  /** The connection closed for good (called once). */
  close(code: number, reason: string): void;
  /**
   * A connection that outlives its socket (ReconnectingConnection) reports each new link here: sending
   * works again. Plain connections never call it.
   */
  open?(): void;
  /**
   * The link was lost but the connection is not finished: it reconnects, and `open()` follows when it
   * is back. Anything in flight on the lost link got no answer. Plain connections never call it.
   */
  drop?(code: number, reason: string): void;
}

/**
 * The small interface a ChargePoint talks through: text in, text out, close. Adapters exist for a
 * `ws` WebSocket (client or server side) and a WHATWG WebSocket; anything else can implement it.
 */
export interface Connection {
  /** The negotiated WebSocket subprotocol ("ocpp1.6", ...), or "" when none. */
  readonly protocol: string;
  /** True while messages can be sent. */
  readonly isOpen: boolean;
  /**
   * After this many messages in a row that are not readable OCPP-J frames, the ChargePoint closes the
   * connection with 1002. Unset: no limit. A server sets it on the connections it accepts.
   */
  readonly maxConsecutiveBadFrames?: number;
  /**
   * How many pipelined CALLs (and, optionally, messages per second) the peer may send before it is
   * throttled, then closed with 1008. A server sets it on the connections it accepts; unset, the
   * ChargePoint's own `flood` option or the defaults apply.
   */
  readonly floodPolicy?: FloodPolicy;
  /** The socket below, for throttling a flooding peer; absent when the adapter cannot pause its socket. */
  readonly link?: LinkControl;
  /** Sends one text message. Throws when the connection is not open. */
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /**
   * Resolves true once the link shows it was alive after `since` (a `performance.now()` time: a frame
   * or a pong arrived after it), false when the link is lost first. Only a connection that can tell
   * (ReconnectingConnection) has it; TransactionQueue uses it to tell a lost link from a central system
   * that did not answer.
   */
  aliveSince?(since: number): Promise<boolean>;
  /**
   * Installs the receiver. Messages that arrived before are held and delivered first, so nothing
   * is lost between connecting and `start()`.
   */
  listen(receiver: ConnectionReceiver): void;
}

/** Flow control of the socket a Connection reads from (the current one, for a reconnecting connection). */
export interface LinkControl {
  /**
   * Bytes read from the socket so far, when known. Two messages delivered while it stays the same came
   * in one read, so the peer sent the second before it could have seen our answer to the first.
   */
  readonly bytesRead: number | undefined;
  /** Bytes handed to the socket and not sent yet (the peer has not received them). */
  readonly bufferedAmount: number;
  /**
   * Stops reading from the socket: TCP flow control then slows the peer down. What was read already is
   * handed on a few messages per event-loop turn rather than in one piece, where the adapter can.
   */
  pause(): void;
  resume(): void;
  /** Closes this socket (a reconnecting connection then opens another one). */
  close(code?: number, reason?: string): void;
  /** Cuts this socket at once, without the closing handshake. */
  terminate(): void;
  /**
   * Holds what is sent until `uncork()`, which writes it to the socket in one go: the answers to a
   * throttled peer's slice of CALLs cost one write rather than one each. Optional; nestable.
   */
  cork?(): void;
  uncork?(): void;
}

/**
 * Holds messages (and a close) until a receiver is installed. Link changes (`open`, `drop`) are not
 * held: a receiver installed later reads `isOpen` instead.
 */
const noneHeld: string[] = [];

export class ReceiverSlot implements ConnectionReceiver {
  #receiver: ConnectionReceiver | undefined;
  // One shared empty list until a message arrives before the receiver (rare): not an array per connection.
  #held: string[] = noneHeld;
  #closed: [number, string] | undefined;

  set(receiver: ConnectionReceiver): void {
    if (this.#receiver) throw new Error("This connection already has a receiver");
    this.#receiver = receiver;
    const held = this.#held;
    this.#held = noneHeld;
    for (const text of held) receiver.message(text);
    if (this.#closed) receiver.close(...this.#closed);
  }

  message(text: string): void {
    if (this.#receiver) this.#receiver.message(text);
    else {
      if (this.#held === noneHeld) this.#held = [];
      this.#held.push(text);
    }
  }

  open(): void {
    this.#receiver?.open?.();
  }

  drop(code: number, reason: string): void {
    this.#receiver?.drop?.(code, reason);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = [code, reason];
    this.#receiver?.close(code, reason);
  }
}
