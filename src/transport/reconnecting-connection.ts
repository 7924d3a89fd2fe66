import { EventEmitter } from "node:events";
import { NotConnectedError } from "../rpc/errors.js";
import { ConnectError, type ConnectOptions, connect } from "./connect.js";
import { type Connection, type ConnectionReceiver, type LinkControl, ReceiverSlot } from "./connection.js";
import type { WsConnection } from "./ws-connection.js";

/**
 * The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms, so a
 * huge WebSocketPingInterval or RetryBackOff* value set by a central system would become a tight loop.
 */
const maxTimerMs = 2_147_483_647;

export interface ReconnectOptions extends ConnectOptions {
  /**
   * OCPP 2.0.1 part 4 section 5.3 `RetryBackOffWaitMinimum`, in ms: the back-off before the first
   * attempt after every lost link. Default 1 000 ms.
   */
  readonly retryBackOffWaitMinimumMs?: number;
  /**
   * `RetryBackOffRandomRange`, in ms: a new random wait from 0 to this is added to every back-off, so a
   * fleet does not come back in the same millisecond after a central system restart. Default 2 000 ms.
   */
  readonly retryBackOffRandomRangeMs?: number;
  /**
   * `RetryBackOffRepeatTimes`: how many times a failed attempt doubles the back-off; after that it
   * stays the same. Default 5 (1 s, 2 s, ... 32 s, then 32 s, each plus the random part).
   */
  readonly retryBackOffRepeatTimes?: number;
  /** @deprecated The name before 0.2 of `retryBackOffWaitMinimumMs`. */
  readonly minDelayMs?: number;
  /** Longest back-off before its random part, whatever `retryBackOffRepeatTimes` says. Default: no cap. */
  readonly maxDelayMs?: number;
  /** Give up (close for good) after this many consecutive failed attempts. Default: never. */
  readonly maxAttempts?: number;
  /**
   * Keepalive: send a WebSocket ping this often (OCPP 1.6 `WebSocketPingInterval`, 2.0.1
   * `OCPPCommCtrlr.WebSocketPingInterval`, in ms here). 0 turns client pings off, probes included.
   * Default 30 000 ms: see `pongTimeoutMs`.
   */
  readonly pingIntervalMs?: number;
  /**
   * How long a ping waits for its pong (or any frame) before the link is taken for dead and replaced.
   * Pings also go out, as probes, when a message sent got nothing back within this time, so a dead link
   * under traffic is noticed in about twice this, and an idle one within `pingIntervalMs` plus this.
   * Default 10 000 ms, capped at half the ping interval.
   *
   * Why 30 s and 10 s: cellular carrier NATs drop TCP mappings idle for a few minutes, so 30 s keeps them
   * with margin at about 20 MB a month of pings; a pong on a weak cellular link can take several
   * seconds, so 10 s rarely mistakes a slow link for a dead one.
   */
  readonly pongTimeoutMs?: number;
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
      /** Why the attempt failed (absent when an open link was lost); `error.retryable` says if trying again can help. */
      readonly error?: ConnectError;
    }
  | { readonly state: "closed"; readonly code: number; readonly reason: string };

export interface ReconnectingConnectionEvents {
  state: [LinkStateChange];
}

/**
 * A client Connection that outlives its sockets: when the link is lost (closed by either side, failed
 * keepalive, refused attempt) it opens a new one after the back-off of OCPP 2.0.1 part 4 section 5.3
 * (used for every version), for ever unless `maxAttempts` says otherwise. Only `close()` (or giving
 * up) ends it, so one ChargePoint keeps working across any number of links.
 *
 * Once a subprotocol has been negotiated, later attempts offer only that one: a charger must not
 * change OCPP version behind its ChargePoint's back.
 */
/** Where the attempts go: the URL and what identifies each side (a station's network connection profile). */
export type Endpoint = { readonly url: string } & Pick<ConnectOptions, "auth" | "ca" | "cert" | "key" | "tls">;

export class ReconnectingConnection extends EventEmitter<ReconnectingConnectionEvents> implements Connection {
  #url: string;
  #options: ReconnectOptions;
  #protocols: string[];
  #protocol = "";
  #slot = new ReceiverSlot();
  #link: WsConnection | undefined;
  #state: LinkState = LinkState.Connecting;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #final: { code: number; reason: string } | undefined;
  #pingIntervalMs: number;
  #pongTimeoutMs: number;
  #pingTimer: NodeJS.Timeout | undefined;
  // performance.now() when the current link last showed it is alive (a frame or a pong arrived).
  #heardAt = 0;
  // A ping waiting for its pong, and a sent message waiting for anything to come back.
  #probeTimer: NodeJS.Timeout | undefined;
  #sendWatch: NodeJS.Timeout | undefined;
  #aliveWaiters: { readonly link: WsConnection; readonly resolve: (alive: boolean) => void }[] = [];

  /** Starts connecting at once (on the next microtask, so listeners added now see every event). */
  constructor(url: string | URL, options: ReconnectOptions = {}) {
    super();
    this.#url = String(url);
    this.#options = options;
    this.#protocols = [...(options.protocols ?? ["ocpp1.6"])];
    this.#pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    queueMicrotask(() => this.#attempt());
  }

  /** Where the next attempt goes. */
  get url(): string {
    return this.#url;
  }

  /** The URL and credentials the next attempt uses. */
  get endpoint(): Endpoint {
    const { auth, ca, cert, key, tls } = this.#options;
    return { url: this.#url, auth, ca, cert, key, tls };
  }

  /**
   * The attempts to come go to `endpoint` (its URL, Basic auth, TLS trust and client certificate replace
   * the current ones; keepalive, back-off and subprotocol stay): an OCPP 2.0.1 station switching to
   * another network connection profile (B09, B10). The open link, if any, stays until it closes.
   */
  retarget(endpoint: Endpoint): void {
    const { url, auth, ca, cert, key, tls } = endpoint;
    this.#url = String(url);
    this.#options = { ...this.#options, auth, ca, cert, key, tls };
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

  get pingIntervalMs(): number {
    return this.#pingIntervalMs;
  }

  /** The pong timeout in effect: `pongTimeoutMs`, at most half the ping interval. */
  get pongTimeoutMs(): number {
    const timeout = this.#pingIntervalMs > 0 ? Math.min(this.#pongTimeoutMs, this.#pingIntervalMs / 2) : this.#pongTimeoutMs;
    return Math.min(maxTimerMs, timeout);
  }

  /**
   * Changes the keepalive at run time, the current link included (a central system setting
   * `WebSocketPingInterval`). 0 turns client pings off.
   */
  setKeepalive(pingIntervalMs: number, pongTimeoutMs = this.#pongTimeoutMs): void {
    if (!(pingIntervalMs >= 0) || !(pongTimeoutMs > 0)) throw new RangeError("pingIntervalMs must be >= 0 and pongTimeoutMs > 0");
    this.#pingIntervalMs = pingIntervalMs;
    this.#pongTimeoutMs = pongTimeoutMs;
    const link = this.#link;
    if (link) this.#startKeepalive(link);
  }

  /** Changes the back-off for the attempts to come (2.x: the central system set a RetryBackOff* variable). */
  setBackOff(backOff: Pick<ReconnectOptions, "retryBackOffWaitMinimumMs" | "retryBackOffRandomRangeMs" | "retryBackOffRepeatTimes">): void {
    for (const value of Object.values(backOff)) {
      if (value !== undefined && !(value >= 0)) throw new RangeError("back-off values must be >= 0");
    }
    this.#options = { ...this.#options, ...backOff };
  }

  send(text: string): void {
    const link = this.#link;
    if (!link?.isOpen) throw new NotConnectedError("Not connected: the link is down, reconnecting");
    link.send(text);
    this.#watchSend(link);
  }

  /**
   * Resolves true once the link shows it was alive after `since` (a `performance.now()` time): a frame
   * or a pong arrived after it. Resolves false when the link is lost first, or is down now. A ping goes
   * out to ask, so the answer comes within the pong timeout. With pings off it cannot tell and resolves
   * true at once (a call that timed out then counts as a failed attempt, as without this method).
   */
  aliveSince(since: number): Promise<boolean> {
    const link = this.#link;
    if (!link?.isOpen) return Promise.resolve(false);
    if (this.#heardAt >= since || !(this.#pingIntervalMs > 0)) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.#aliveWaiters.push({ link, resolve });
      this.#probe(link);
    });
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
    connect(this.#url, { ...this.#options, protocols: this.#protocols }).then(
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
        this.#retry(1006, error.message, error instanceof ConnectError ? error : new ConnectError(error.message));
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
    // Section 5.3: the back-off starts again from RetryBackOffWaitMinimum after every lost link.
    this.#failures = 0;
    // Nothing heard on this link yet: the handshake came before any message sent on it.
    this.#heardAt = Number.NEGATIVE_INFINITY;
    if (!this.#protocol) {
      this.#protocol = link.protocol;
      if (link.protocol) this.#protocols = [link.protocol];
    }
    link.listen({
      message: (text) => {
        this.#heard(link);
        this.#slot.message(text);
      },
      close: (code, reason) => this.#onLinkClosed(link, code, reason),
    });
    link.socket.on("pong", () => this.#heard(link));
    this.#startKeepalive(link);
    if (!link.isOpen) return;
    this.#setState({ state: LinkState.Open, protocol: link.protocol });
    this.#slot.open();
  }

  #onLinkClosed(link: WsConnection, code: number, reason: string): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#stopKeepalive();
    for (const waiter of this.#aliveWaiters.splice(0)) waiter.resolve(false);
    if (this.#final) {
      this.#finish(code, reason);
      return;
    }
    this.#slot.drop(code, reason);
    this.#retry(code, reason || "link lost");
  }

  /**
   * Section 5.3: RetryBackOffWaitMinimum, doubled after each failed attempt at most
   * RetryBackOffRepeatTimes times, plus a new random value up to RetryBackOffRandomRange each time.
   */
  backOffMs(failures: number): number {
    const o = this.#options;
    const minimum = o.retryBackOffWaitMinimumMs ?? o.minDelayMs ?? 1_000;
    const range = o.retryBackOffRandomRangeMs ?? 2_000;
    const repeat = o.retryBackOffRepeatTimes ?? 5;
    const base = Math.min(o.maxDelayMs ?? Number.POSITIVE_INFINITY, minimum * 2 ** Math.min(failures, repeat));
    return Math.min(maxTimerMs, Math.round(base + range * Math.random()));
  }

  #retry(code: number, reason: string, error?: ConnectError): void {
    const delay = this.backOffMs(this.#failures);
    this.#setState({
      state: LinkState.Disconnected,
      code,
      reason,
      failures: this.#failures,
      retryInMs: delay,
      ...(error ? { error } : {}),
    });
    this.#retryTimer = setTimeout(() => this.#attempt(), delay);
  }

  #heard(link: WsConnection): void {
    if (this.#link !== link) return;
    this.#heardAt = performance.now();
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    for (const waiter of this.#aliveWaiters.splice(0)) waiter.resolve(true);
  }

  #startKeepalive(link: WsConnection): void {
    this.#stopKeepalive();
    if (!(this.#pingIntervalMs > 0)) {
      // With pings off nobody would answer a waiter: it cannot tell, so it takes the link for alive.
      for (const waiter of this.#aliveWaiters.splice(0)) waiter.resolve(true);
      return;
    }
    this.#pingTimer = setInterval(() => this.#probe(link), Math.min(maxTimerMs, this.#pingIntervalMs));
    this.#pingTimer.unref();
  }

  #stopKeepalive(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#probeTimer);
    clearTimeout(this.#sendWatch);
    this.#pingTimer = undefined;
    this.#probeTimer = undefined;
    this.#sendWatch = undefined;
  }

  /** A message went out: if nothing at all comes back within the pong timeout, ask with a ping. */
  #watchSend(link: WsConnection): void {
    if (this.#sendWatch || this.#probeTimer || !(this.#pingIntervalMs > 0)) return;
    const sentAt = performance.now();
    this.#sendWatch = setTimeout(() => {
      this.#sendWatch = undefined;
      if (this.#link === link && this.#heardAt < sentAt) this.#probe(link);
    }, this.pongTimeoutMs);
    this.#sendWatch.unref();
  }

  /**
   * Pings and gives the pong `pongTimeoutMs` (RFC 6455 section 5.5.2: a pong answers every ping). None,
   * nor any frame: the link is dead (a NAT dropped it, the radio is gone); it is terminated rather than
   * left to TCP, which takes minutes on a black-holed path.
   */
  #probe(link: WsConnection): void {
    if (this.#probeTimer || this.#link !== link) return;
    const sentAt = performance.now();
    try {
      link.socket.ping();
    } catch {
      link.socket.terminate();
      return;
    }
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined;
      // Decided after this turn's I/O, so a pong that arrived while the process was busy counts.
      setImmediate(() => {
        if (this.#link === link && this.#heardAt < sentAt) link.socket.terminate();
      });
    }, this.pongTimeoutMs);
    this.#probeTimer.unref();
  }

  #finish(code: number, reason: string): void {
    if (this.#state === LinkState.Closed) return;
    clearTimeout(this.#retryTimer);
    this.#stopKeepalive();
    this.#setState({ state: LinkState.Closed, code, reason });
    this.#slot.close(code, reason);
  }
}
