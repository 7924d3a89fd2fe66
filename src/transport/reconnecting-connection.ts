import { EventEmitter } from "node:events";
import { NotConnectedError } from "../rpc/errors.js";
import { type ConnectOptions, connect } from "./connect.js";
import { type Connection, type ConnectionReceiver, type LinkControl, ReceiverSlot } from "./connection.js";
import type { WsConnection } from "./ws-connection.js";

export interface ReconnectOptions extends ConnectOptions {
  /** Delay before the first reconnect attempt, before jitter. Default 1 000 ms. */
  readonly minDelayMs?: number;
  /** Longest delay between attempts, before jitter. Default 60 000 ms. */
  readonly maxDelayMs?: number;
  /** Each failed attempt multiplies the delay by this. Default 2. */
  readonly factor?: number;
  /**
   * Share of each delay that is random, 0 to 1: the wait is `delay × (1 − jitter × random)`. Default 0.5.
   * Spreads the reconnects of a fleet of chargers after a central system restart.
   */
  readonly jitter?: number;
  /** Give up (close for good) after this many consecutive failed attempts. Default: never. */
  readonly maxAttempts?: number;
  /**
   * Keepalive: send a WebSocket ping this often; a pong must arrive before the next ping, or the link is
   * taken for dead and replaced (OCPP 1.6 `WebSocketPingInterval`, in ms here). 0 turns it off.
   * Default 60 000 ms.
   */
  readonly pingIntervalMs?: number;
}

/** Where a ReconnectingConnection is: see the `state` event. */
export const LinkState = {
  /** An attempt to open a WebSocket is under way. */
  Connecting: "connecting",
  /** A link is open: messages flow. */
  Open: "open",
  /** The link is lost or an attempt failed; the next attempt waits for its backoff delay. */
  Disconnected: "disconnected",
  /** Closed for good, by `close()` or after `maxAttempts` failures. Nothing follows. */
  Closed: "closed",
} as const;
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

/** What the `state` event reports. */
export type LinkStateChange =
  | { readonly state: "connecting"; readonly attempt: number }
  | { readonly state: "open"; readonly protocol: string }
  | {
      readonly state: "disconnected";
      /** WebSocket close code of the lost link, or 1006 for a failed attempt. */
      readonly code: number;
      readonly reason: string;
      /** Consecutive failed attempts so far (0 right after an open link was lost). */
      readonly failures: number;
      readonly retryInMs: number;
    }
  | { readonly state: "closed"; readonly code: number; readonly reason: string };

export interface ReconnectingConnectionEvents {
  state: [LinkStateChange];
}

/**
 * A client Connection that outlives its sockets: when the link is lost (closed by either side, failed
 * keepalive, refused attempt) it opens a new one after an exponential backoff with jitter, for ever
 * unless `maxAttempts` says otherwise. Only `close()` (or giving up) ends it, so one ChargePoint keeps
 * working across any number of links.
 *
 * Once a subprotocol has been negotiated, later attempts offer only that one: a charger must not
 * change OCPP version behind its ChargePoint's back.
 */
export class ReconnectingConnection extends EventEmitter<ReconnectingConnectionEvents> implements Connection {
  readonly url: string;
  #options: ReconnectOptions;
  #protocols: string[];
  #protocol = "";
  #slot = new ReceiverSlot();
  #link: WsConnection | undefined;
  #state: LinkState = LinkState.Connecting;
  #failures = 0;
  #step = 0;
  #openedAt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  #final: { code: number; reason: string } | undefined;

  /** Starts connecting at once (on the next microtask, so listeners added now see every event). */
  constructor(url: string | URL, options: ReconnectOptions = {}) {
    super();
    this.url = String(url);
    this.#options = options;
    this.#protocols = [...(options.protocols ?? ["ocpp1.6"])];
    queueMicrotask(() => this.#attempt());
  }

  /** The subprotocol negotiated on the first link, kept across reconnects; "" before the first link. */
  get protocol(): string {
    return this.#protocol;
  }

  get isOpen(): boolean {
    return this.#link?.isOpen === true;
  }

  /** The current socket, for throttling a flooding central system; closing it only replaces the link. */
  get link(): LinkControl | undefined {
    return this.#link;
  }

  get state(): LinkState {
    return this.#state;
  }

  send(text: string): void {
    const link = this.#link;
    if (!link?.isOpen) throw new NotConnectedError("Not connected: the link is down, reconnecting");
    link.send(text);
  }

  /** Closes for good: the open link (if any) is closed with `code`, no further attempt is made. */
  close(code = 1000, reason = ""): void {
    if (this.#final) return;
    this.#final = { code, reason };
    clearTimeout(this.#retryTimer);
    const link = this.#link;
    if (link?.isOpen) {
      // The final close is reported when the socket has closed, like a plain connection does.
      link.close(code, reason);
      return;
    }
    this.#finish(code, reason);
  }

  listen(receiver: ConnectionReceiver): void {
    this.#slot.set(receiver);
  }

  /** Resolves when a link is open (at once if one is); rejects if the connection closes for good first. */
  whenOpen(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    if (this.#state === LinkState.Closed) return Promise.reject(new NotConnectedError("The connection is closed"));
    return new Promise((resolve, reject) => {
      const listener = (change: LinkStateChange) => {
        if (change.state === "open") resolve();
        else if (change.state === "closed") reject(new NotConnectedError(`The connection closed: ${change.reason}`));
        else return;
        this.off("state", listener);
      };
      this.on("state", listener);
    });
  }

  #setState(change: LinkStateChange): void {
    this.#state = change.state;
    this.emit("state", change);
  }

  #attempt(): void {
    if (this.#final) return;
    this.#setState({ state: LinkState.Connecting, attempt: this.#failures + 1 });
    connect(this.url, { ...this.#options, protocols: this.#protocols }).then(
      (link) => this.#onLink(link),
      (error: Error) => {
        if (this.#final) {
          this.#finish(this.#final.code, this.#final.reason);
          return;
        }
        this.#failures++;
        const max = this.#options.maxAttempts ?? Number.POSITIVE_INFINITY;
        if (this.#failures >= max) {
          this.#final = { code: 1006, reason: `gave up after ${this.#failures} failed attempts: ${error.message}` };
          this.#finish(this.#final.code, this.#final.reason);
          return;
        }
        this.#retry(1006, error.message);
      },
    );
  }

  #onLink(link: WsConnection): void {
    if (this.#final) {
      link.close(this.#final.code, this.#final.reason);
      this.#finish(this.#final.code, this.#final.reason);
      return;
    }
    this.#link = link;
    this.#failures = 0;
    this.#openedAt = Date.now();
    if (!this.#protocol) {
      this.#protocol = link.protocol;
      if (link.protocol) this.#protocols = [link.protocol];
    }
    link.listen({
      message: (text) => this.#slot.message(text),
      close: (code, reason) => this.#onLinkClosed(link, code, reason),
    });
    link.socket.on("pong", () => {
      this.#awaitingPong = false;
    });
    this.#startKeepalive(link);
    if (!link.isOpen) return;
    this.#setState({ state: LinkState.Open, protocol: link.protocol });
    this.#slot.open();
  }

  #onLinkClosed(link: WsConnection, code: number, reason: string): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    if (this.#final) {
      this.#finish(code, reason);
      return;
    }
    // A link that held for a while resets the backoff; one that dies at once (a central system that
    // accepts and then drops us) keeps growing it, so a flapping peer is not hammered.
    if (Date.now() - this.#openedAt >= (this.#options.maxDelayMs ?? 60_000)) this.#step = 0;
    this.#slot.drop(code, reason);
    this.#retry(code, reason || "link lost");
  }

  #retry(code: number, reason: string): void {
    const min = this.#options.minDelayMs ?? 1_000;
    const max = this.#options.maxDelayMs ?? 60_000;
    const factor = this.#options.factor ?? 2;
    const jitter = Math.min(1, Math.max(0, this.#options.jitter ?? 0.5));
    const base = Math.min(max, min * factor ** this.#step);
    this.#step++;
    const delay = Math.round(base * (1 - jitter * Math.random()));
    this.#setState({ state: LinkState.Disconnected, code, reason, failures: this.#failures, retryInMs: delay });
    this.#retryTimer = setTimeout(() => this.#attempt(), delay);
  }

  #startKeepalive(link: WsConnection): void {
    const interval = this.#options.pingIntervalMs ?? 60_000;
    if (!(interval > 0)) return;
    this.#awaitingPong = false;
    this.#pingTimer = setInterval(() => {
      if (this.#awaitingPong) {
        // RFC 6455 section 5.5.2: a pong answers every ping. None since the last one: the link is dead
        // (a NAT dropped it, the radio is gone); terminate rather than wait for TCP to notice. Decided
        // after this turn's I/O (setImmediate), so a pong that arrived while the process was busy counts.
        setImmediate(() => {
          if (this.#awaitingPong && this.#link === link) link.socket.terminate();
        });
        return;
      }
      this.#awaitingPong = true;
      try {
        link.socket.ping();
      } catch {
        link.socket.terminate();
      }
    }, interval);
    this.#pingTimer.unref();
  }

  #finish(code: number, reason: string): void {
    if (this.#state === LinkState.Closed) return;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    this.#setState({ state: LinkState.Closed, code, reason });
    this.#slot.close(code, reason);
  }
}
