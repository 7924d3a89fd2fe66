import type { Connection, LinkControl } from "../transport/connection.js";
import { type TakesTurns, takeTurn } from "./fair-turns.js";
import { type FloodPolicy, FloodReason, type FloodReport } from "./flood-policy.js";
import type { Frame } from "./frame.js";
import { MessageType } from "./message-type.js";

/**
 * A message waiting its turn: a decoded CALL or SEND, or a text not decoded yet. Once a connection is
 * throttled, what it sends is held as text and decoded when its turn comes, so a flood costs one look at
 * the message type per message until then.
 */
export type QueuedMessage = Frame | string;

/** How long a connection closed for flooding has to read its 1008 before the socket is cut. */
const closeGraceMs = 1000;

/**
 * Messages held for a connection whose socket cannot be paused (a WHATWG WebSocket): the peer is not
 * slowed down, so past this many it is closed rather than held without bound. A paused socket stops
 * at what was read before the pause (one read, a few thousand small messages at most).
 */
const unpausedHoldLimit = 1000;

/**
 * Answers waiting in our send buffer have not been received yet, so the CALLs they answer still count
 * as unanswered (OCPP-J 1.6 section 4.1.1: a CALL "has been responded to when a CALLERROR or CALLRESULT
 * message has been received"): a throttled peer gets no more answered while this much is unsent, which
 * also bounds what a peer that does not read its answers can make us hold.
 */
const unsentAnswersLimit = 64 * 1024;
/** How often a connection whose answers are backed up looks again (no 'drain' event reaches it). */
const unsentRetryMs = 5;

const closeReasons: Record<FloodReason, string> = {
  // RFC 6455 section 7.4.1: 1008 is "policy violation"; the reason fits the 123 bytes of a close frame.
  pipelining: "Too many pipelined CALLs (OCPP-J section 4.1.1: wait for each answer)",
  rateLimit: "Too many messages per second",
};

/**
 * Applies a FloodPolicy to one connection's incoming CALLs and SENDs: decides whether each may run at
 * once, holds the others in arrival order while the socket is paused, and runs them a slice per
 * turn (fair-turns.ts: one per millisecond at most). The engine makes one for a connection the first time a CALL of it is
 * not alone (or at its first message when there is a rate limit): a charger that only ever sends one CALL
 * at a time never needs one, and an idle server's connections hold none.
 *
 * What counts as pipelined (OCPP-J 1.6 section 4.1.1, 2.0.1 part 4 section 4.1.1: a peer sends a CALL
 * only once its earlier ones were answered): a CALL that arrives while earlier ones from the peer are
 * still being handled, or that came in the same read from the socket as earlier ones, which the peer
 * therefore sent before it could have read their answers. A peer that waits for each answer produces
 * neither, however fast it is, so it always takes the first branch of `admit()`.
 */
export abstract class FloodGuard implements TakesTurns {
  readonly #policy: FloodPolicy;
  readonly #connection: Connection;
  readonly #chargePointId: string;
  // Which read the last admitted CALL came in (the socket's byte count then), and how many CALLs ran from it.
  #lastRead: number | undefined;
  #readCalls = 0;
  // The last CALL came alone; a second one in a row ends a run of pipelining throttles.
  #sequential = false;
  #pipeliningThrottles = 0;
  #rateThrottles = 0;
  #tokens = 0;
  #refilledAt = 0;
  #backlog: (QueuedMessage | undefined)[] = [];
  #head = 0;
  #paused: LinkControl | undefined;
  // In the turn queue or waiting for the retry timer (rate limit, unsent answers): one of either at a time.
  #waiting = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `lastRead`: the read the engine's last CALL came in, which ran (so it counts as one from that read). */
  constructor(policy: FloodPolicy, connection: Connection, chargePointId: string, lastRead: number | undefined) {
    this.#policy = policy;
    this.#connection = connection;
    this.#chargePointId = chargePointId;
    this.#lastRead = lastRead;
    this.#readCalls = lastRead === undefined ? 0 : 1;
    if (policy.rateLimit) {
      this.#tokens = policy.rateLimit.burst;
      this.#refilledAt = performance.now();
    }
  }

  /** Incoming CALLs whose handler has not answered yet. */
  protected abstract get inProgress(): number;
  /** Handles a message whose turn has come. */
  protected abstract run(message: QueuedMessage): void;
  /** A throttle, or the close that ends a run of them. */
  protected abstract notify(report: FloodReport): void;

  /**
   * True: handle `message` now. False: it waits its turn (or is dropped, once the policy closed the
   * connection). `isCall` is false for a SEND, which nothing answers.
   */
  admit(message: QueuedMessage, isCall: boolean): boolean {
    if (this.#closed) return false;
    if (this.#head < this.#backlog.length) {
      this.#backlog.push(message);
      return false;
    }
    if (isCall) {
      const bytesRead = this.#connection.link?.bytesRead;
      if (bytesRead === undefined || bytesRead !== this.#lastRead) {
        this.#lastRead = bytesRead;
        this.#readCalls = 0;
      }
      const pipelined = Math.max(this.inProgress, this.#readCalls);
      if (pipelined >= this.#policy.maxPipelinedCalls || (pipelined > 0 && this.#answersBackedUp())) {
        this.#throttle(message, FloodReason.Pipelining);
        return false;
      }
      if (pipelined === 0) {
        if (this.#sequential) this.#pipeliningThrottles = 0;
        this.#sequential = true;
      } else {
        this.#sequential = false;
      }
      this.#readCalls++;
    }
    if (this.#policy.rateLimit && !this.#takeToken()) {
      this.#throttle(message, FloodReason.RateLimit);
      return false;
    }
    return true;
  }

  /** The engine answered a CALL that was in progress: one that waits for that may go. */
  answered(): void {
    if (this.#closed) return;
    if (this.#head < this.#backlog.length) this.#wake();
    else this.#resumeIfIdle();
  }

  /** True while messages wait their turn (or after the policy closed the connection): hold new ones too. */
  get holding(): boolean {
    return this.#closed || this.#head < this.#backlog.length;
  }

  /** Holds a message (as text) behind the ones waiting; dropped once the policy closed the connection. */
  hold(text: string): void {
    if (this.#closed) return;
    this.#backlog.push(text);
    if (!this.#paused && this.#backlog.length - this.#head > unpausedHoldLimit)
      this.#close(FloodReason.Pipelining, this.#pipeliningThrottles);
  }

  /** The link or connection is gone: stops, and says how many messages were still waiting. */
  dispose(): number {
    const dropped = this.#closed ? 0 : this.#backlog.length - this.#head;
    this.#stop();
    return dropped;
  }

  /** One slice of the backlog: at most `maxPipelinedCalls` messages, while the bound and the rate allow. */
  turn(): void {
    this.#waiting = false;
    if (this.#closed) return;
    const bound = this.#policy.maxPipelinedCalls;
    if (this.#answersBackedUp()) {
      this.#retryIn(unsentRetryMs);
      return;
    }
    // The answers of the slice go out in one write: a write to a socket costs more than answering a
    // Heartbeat (BENCHMARKS.md), and the peer reads them together anyway.
    const link = this.#connection.link;
    link?.cork?.();
    let more: boolean;
    try {
      more = this.#slice(bound);
    } finally {
      link?.uncork?.();
    }
    if (!more) return;
    if (this.#head < this.#backlog.length) {
      this.#wake();
      return;
    }
    this.#backlog = [];
    this.#head = 0;
    this.#resumeIfIdle();
  }

  /** Runs up to `bound` messages of the backlog; false when it stopped to wait (or the connection closed). */
  #slice(bound: number): boolean {
    let budget = bound;
    while (this.#head < this.#backlog.length && budget > 0) {
      const message = this.#backlog[this.#head] as QueuedMessage;
      const isCall = typeof message === "string" ? !isSend(message) : message[0] === MessageType.Call;
      // `answered()` wakes it again once a handler has finished.
      if (isCall && this.inProgress >= bound) return false;
      if (this.#policy.rateLimit && !this.#takeToken()) {
        const rate = this.#policy.rateLimit;
        this.#retryIn(Math.ceil(((1 - this.#tokens) * 1000) / rate.messagesPerSecond));
        return false;
      }
      this.#backlog[this.#head++] = undefined;
      budget--;
      this.run(message);
      if (this.#closed) return false;
    }
    return true;
  }

  #throttle(message: QueuedMessage, reason: FloodReason): void {
    this.#backlog.push(message);
    this.#sequential = false;
    const throttles = reason === FloodReason.Pipelining ? ++this.#pipeliningThrottles : ++this.#rateThrottles;
    const link = this.#connection.link;
    if (link && !this.#paused) {
      link.pause();
      this.#paused = link;
    }
    if (throttles >= this.#policy.closeAfterThrottles) {
      this.#close(reason, throttles);
      return;
    }
    this.#wake();
    this.notify({ chargePointId: this.#chargePointId, reason, throttles, closed: false });
  }

  #close(reason: FloodReason, throttles: number): void {
    const link = this.#connection.link;
    this.#stop();
    // The link only: a reconnecting charger opens a new one, and a server connection is its link. It
    // stays paused, so the flood behind is never read; the peer's closing frame is behind it too, so
    // instead of waiting for it (the closing handshake) the socket is cut once ours had time to arrive.
    (link ?? this.#connection).close(1008, closeReasons[reason]);
    if (link) setTimeout(cut, closeGraceMs, link).unref();
    this.notify({ chargePointId: this.#chargePointId, reason, throttles, closed: true });
  }

  #wake(): void {
    if (this.#waiting || this.#closed) return;
    this.#waiting = true;
    takeTurn(this);
  }

  #resumeIfIdle(): void {
    if (!this.#paused || this.inProgress >= this.#policy.maxPipelinedCalls) return;
    const link = this.#paused;
    this.#paused = undefined;
    link.resume();
  }

  /** Token bucket: refilled by the time passed since the last message, up to `burst`. */
  #takeToken(): boolean {
    const rate = this.#policy.rateLimit as NonNullable<FloodPolicy["rateLimit"]>;
    const now = performance.now();
    let tokens = this.#tokens + ((now - this.#refilledAt) * rate.messagesPerSecond) / 1000;
    this.#refilledAt = now;
    if (tokens >= rate.burst) {
      tokens = rate.burst;
      this.#rateThrottles = 0;
    }
    if (tokens < 1) {
      this.#tokens = tokens;
      return false;
    }
    this.#tokens = tokens - 1;
    return true;
  }

  #answersBackedUp(): boolean {
    const unsent = this.#connection.link?.bufferedAmount;
    return unsent !== undefined && unsent > unsentAnswersLimit;
  }

  /** Waits for the rate limit's next token, or for the send buffer to empty, before the next turn. */
  #retryIn(ms: number): void {
    this.#waiting = true;
    this.#timer = setTimeout(FloodGuard.#retry, ms, this);
    this.#timer.unref();
  }

  static #retry(guard: FloodGuard): void {
    guard.#timer = undefined;
    guard.#waiting = false;
    guard.#wake();
  }

  #stop(): void {
    this.#closed = true;
    this.#backlog = [];
    this.#head = 0;
    this.#paused = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function cut(link: LinkControl): void {
  link.terminate();
}

/**
 * Whether a held text is a SEND (message type 6), which nothing answers: read from the text without
 * parsing it, like `isAnswer`. Anything else is taken for a CALL (a malformed text gets a CALLERROR).
 */
function isSend(text: string): boolean {
  return messageTypeDigit(text) === 0x36;
}

/**
 * Whether a text is a CALLRESULT, CALLERROR or CALLRESULTERROR (3, 4, 5): an answer to our own CALL,
 * which never waits behind the peer's CALLs. Looks at the first digit only; a text that is not what it
 * seems fails in the frame decoder as it would have anyway.
 */
export function isAnswer(text: string): boolean {
  const digit = messageTypeDigit(text);
  return digit >= 0x33 && digit <= 0x35;
}

/** The character code of the first digit after the opening bracket (skipping JSON whitespace), or -1. */
function messageTypeDigit(text: string): number {
  let i = 0;
  let code = text.charCodeAt(i);
  while (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) code = text.charCodeAt(++i);
  if (code !== 0x5b) return -1;
  code = text.charCodeAt(++i);
  while (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) code = text.charCodeAt(++i);
  return code;
}
