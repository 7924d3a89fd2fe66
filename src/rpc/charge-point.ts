import type { Connection, ConnectionReceiver } from "../transport/connection.js";
import { type ConnectionLike, toConnection } from "../transport/to-connection.js";
import {
  CallTimeoutError,
  ConnectionClosedError,
  FormatViolationError,
  InternalError,
  InvalidPayloadError,
  InvalidResponseError,
  NotConnectedError,
  NotImplementedError,
  NotRegisteredError,
  NotSupportedError,
  OcppError,
  ProtocolError,
  RpcFrameworkError,
  SecurityError,
} from "./errors.js";
import { FloodGuard, isAnswer, type QueuedMessage } from "./flood-guard.js";
import { defaultFloodPolicy, FloodPolicy, type FloodPolicyOptions, type FloodReport } from "./flood-policy.js";
import {
  type CallErrorFrame,
  type CallResultErrorFrame,
  type CallResultFrame,
  decodeFrame,
  encodeCall,
  encodeCallResult,
  type Frame,
  type FrameFault,
  isFault,
  type Payload,
} from "./frame.js";
import { defaultLogger, type Logger } from "./logger.js";
import { newMessageId } from "./message-id.js";
import { MessageType } from "./message-type.js";
import { type ActionSpec, actionOf, type OcppProtocol } from "./protocol.js";
import {
  type AfterOptions,
  addAfterRoute,
  addOnRoute,
  type Handler,
  invokeHandler,
  type OnOptions,
  type OnRoute,
  type Route,
  routeTable,
} from "./routing.js";
import { unrefTimer } from "./unref-timer.js";
import { validatePayload } from "./validation.js";
import { errorFromWire, frameError, unknownMessageTypeError, unreadableFrameError, unreadableMessageId, wireCode } from "./wire-codes.js";

export interface ChargePointOptions {
  /** How long `call()` waits for the CALLRESULT or CALLERROR. Default 30 000 ms. */
  readonly responseTimeoutMs?: number;
  /** Where frames and problems are reported. Default: problems to stderr (see OCPPKIT_LOG). */
  readonly logger?: Logger;
  /**
   * How many pipelined CALLs (and, optionally, messages per second) the peer may send before it is
   * throttled and then closed with 1008. Default: the connection's policy (a server sets its own on the
   * connections it accepts), else the FloodPolicyOptions defaults.
   */
  readonly flood?: FloodPolicyOptions;
}

export interface CallOptions {
  /** On a CALLERROR: resolve `undefined` (true, the default) or throw the matching OcppError (false). */
  readonly suppress?: boolean;
  /** Message id to use instead of a fresh UUID (at most 36 characters). */
  readonly uniqueId?: string;
  /** Send without checking the request, and accept the response without checking it. */
  readonly skipSchemaValidation?: boolean;
  /**
   * While there is no link (a ReconnectingConnection between sockets), wait for one instead of failing
   * at once with NotConnectedError: the call fails with NotConnectedError only if it could not be sent
   * within `responseTimeoutMs` of `call()`. Once sent, the usual response timeout applies.
   */
  readonly waitForConnection?: boolean;
  /**
   * The central system asked for this message (a call made while handling its TriggerMessage): it passes
   * a closed registration gate unless registration was Rejected (1.6 section 4.2: while Pending, the
   * charge point sends requests only when instructed with a TriggerMessage.req).
   */
  readonly triggered?: boolean;
}

/**
 * Closes the engine to everything but registration (OCPP 1.6 section 4.2): set by
 * `TransactionQueue.register()` until a BootNotification is Accepted. The engine knows no action names;
 * the gate names the one that still goes out.
 */
export interface RegistrationGate {
  /** The action let out (BootNotification of the version). */
  readonly bootAction: string;
  /**
   * "Registering" (no answer yet) and "Pending" hold every other call except triggered ones;
   * "Rejected" holds triggered ones too, and incoming CALLs get no answer at all.
   */
  readonly status: "Registering" | "Pending" | "Rejected";
  /**
   * While Rejected, answer each incoming CALL with CALLERROR SecurityError (OCPP 2.0.1 B03.FR.08)
   * instead of not at all (1.6 section 4.2, the default). The version's QueuePolicy decides.
   */
  readonly answerWhileRejected?: boolean;
}

/** A payload built from a generated `call.*` class; the tag names its action at the type level only. */
export interface CallPayload<A extends string = string> {
  readonly "~action": A;
}

/** The CALLRESULT class of each action, by action name. */
export type ResultMap = object;

/** What `call(payload)` resolves with: the CALLRESULT class of the payload's action. */
export type ResultOf<R extends object, P> = P extends CallPayload<infer A> ? (A extends keyof R ? R[A] : object) : object;

/** One call() from the moment it is made until its promise settles. */
class PendingCall {
  readonly id: string;
  readonly action: string;
  readonly text: string;
  readonly spec: ActionSpec;
  readonly suppress: boolean;
  readonly skipValidation: boolean;
  /** Until when it may wait for a link (epoch ms); 0 when it fails at once without one. */
  readonly waitUntil: number;
  resolve!: (value: object | undefined) => void;
  reject!: (error: Error) => void;
  readonly promise: Promise<object | undefined>;

  constructor(id: string, action: string, text: string, spec: ActionSpec, suppress: boolean, skipValidation: boolean, waitUntil: number) {
    this.id = id;
    this.action = action;
    this.text = text;
    this.spec = spec;
    this.suppress = suppress;
    this.skipValidation = skipValidation;
    this.waitUntil = waitUntil;
    executorTarget = this;
    this.promise = new Promise(takeResolvers);
  }
}

// The promise executor of every call, shared: a closure per call would cost a function and its scope on
// every message. The Promise constructor runs it synchronously, so the call it serves is the one just set.
let executorTarget: PendingCall;
function takeResolvers(resolve: (value: object | undefined) => void, reject: (error: Error) => void): void {
  executorTarget.resolve = resolve;
  executorTarget.reject = reject;
}

const cleanCloseCodes = new Set([1000, 1001, 1005]);

/**
 * Starts a ChargePoint whose end is observed elsewhere (a server's disconnect event): as `start()`,
 * without making the promise nobody awaits. For the server module; set by the class below.
 */
export let startDetached: (chargePoint: ChargePoint<object>) => void;

// The empty list every ChargePoint starts with (see #queue); never pushed to.
const none: never[] = [];

interface StartSettlers {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface HeldCall {
  readonly call: PendingCall;
  readonly until: number;
}

/** What a ChargePoint keeps only once needed (see ChargePoint#rare). */
class RareState {
  started: Promise<void> | undefined = undefined;
  settleStarted: StartSettlers | undefined = undefined;
  settledWaiters: (() => void)[] = none;
  gate: RegistrationGate | undefined = undefined;
  held: HeldCall[] = none;
  heldTimer: NodeJS.Timeout | undefined = undefined;
  /** The peer's CALLs that came before the BootNotification's answer, with answerWhileRejected: judged by that answer. */
  callsWhileRegistering: [id: string, action: string, payload: Payload][] = none;
}

/**
 * One OCPP-J peer: sends CALLs with `call()` and answers the peer's CALLs with the handlers routed by
 * `@on` / `@after` (or `route` / `routeAfter`). The same class serves both roles: a charger talking
 * to its central system, and a central system talking to one connected charger.
 *
 * Use a version's subclass (`ChargePoint` from "ocppkit/v16"), which plugs in that version's actions,
 * payload classes and schemas through the static `protocol`.
 */
export abstract class ChargePoint<R extends object = ResultMap> {
  /** Set by each version's subclass. */
  static readonly protocol?: OcppProtocol;

  /** Names the CALLRESULT classes by action, at the type level only (lets helpers such as TransactionQueue infer them). */
  declare readonly "~results"?: R;
  /** Charge point identity (the last path segment of its URL). */
  readonly id: string;
  readonly connection: Connection;
  readonly responseTimeoutMs: number;
  readonly protocol: OcppProtocol;
  protected readonly logger: Logger;

  // Calls waiting to be sent; OCPP-J 1.6 section 4.1.1 allows one outstanding CALL at a time.
  // The three lists start as one shared empty array and get their own on the first push: most
  // connections of a server never queue, hold or wait, and an array each is memory on every connection.
  #queue: PendingCall[] = none;
  #queueHead = 0;
  #inFlight: PendingCall | undefined;
  // One timer serves every call: it is re-armed lazily for the deadline of whichever call is in
  // flight when it fires, so a call costs no timer of its own.
  #deadline = 0;
  #timer: NodeJS.Timeout | undefined;
  // start()'s promise is made only when someone asks for it: a server observes each connection's end
  // through its disconnect event, and a promise with its two resolving functions on every one of
  // thousands of connections is memory for nothing (see startDetached).
  #listening = false;
  // How the connection ended: undefined while open, null for a clean close, else the error start() rejects with.
  #ended: ConnectionClosedError | null | undefined;
  #closed = false;
  // Consecutive frames that could not be read as OCPP-J; the connection's maxConsecutiveBadFrames caps it.
  #badFrames = 0;
  // Incoming CALLs whose async handler has not answered yet, and who waits for them to finish.
  #answering = 0;
  // start()'s promise, settled() waiters and the registration gate with its held calls: state most
  // connections of a server never need, kept in one object made on first use (a field each would be
  // memory on every connection). The accessors below read it as if each were a field of its own.
  #rare: RareState | undefined;
  readonly #floodPolicy: FloodPolicy;
  // Made the first time the peer's CALL is not alone (see #admit): a well-behaved peer never needs one.
  #flood: FloodGuard | undefined;
  // Until then: the read from the socket (its byte count) that the last incoming CALL came in.
  #lastRead: number | undefined;

  get #started(): Promise<void> | undefined {
    return this.#rare?.started;
  }

  set #started(started: Promise<void> | undefined) {
    if (started !== undefined || this.#rare) this.#rareState().started = started;
  }

  get #settleStarted(): StartSettlers | undefined {
    return this.#rare?.settleStarted;
  }

  set #settleStarted(settlers: StartSettlers | undefined) {
    if (settlers !== undefined || this.#rare) this.#rareState().settleStarted = settlers;
  }

  get #settledWaiters(): (() => void)[] {
    return this.#rare?.settledWaiters ?? none;
  }

  set #settledWaiters(waiters: (() => void)[]) {
    if (waiters !== none || this.#rare) this.#rareState().settledWaiters = waiters;
  }

  // Calls held by the registration gate, before the send queue: a held call in the queue would block the
  // BootNotification behind it. Deadlines grow in call order, so one timer for the head serves them all.
  get #gate(): RegistrationGate | undefined {
    return this.#rare?.gate;
  }

  set #gate(gate: RegistrationGate | undefined) {
    if (gate !== undefined || this.#rare) this.#rareState().gate = gate;
  }

  get #held(): HeldCall[] {
    return this.#rare?.held ?? none;
  }

  set #held(held: HeldCall[]) {
    if (held !== none || this.#rare) this.#rareState().held = held;
  }

  get #heldTimer(): NodeJS.Timeout | undefined {
    return this.#rare?.heldTimer;
  }

  set #heldTimer(timer: NodeJS.Timeout | undefined) {
    if (timer !== undefined || this.#rare) this.#rareState().heldTimer = timer;
  }

  #rareState(): RareState {
    this.#rare ??= new RareState();
    return this.#rare;
  }

  constructor(id: string, connection: ConnectionLike, options: ChargePointOptions = {}) {
    const protocol = (new.target as typeof ChargePoint).protocol;
    if (!protocol) throw new TypeError("Extend a version's ChargePoint (e.g. from 'ocppkit/v16'), not the core class");
    this.id = id;
    this.protocol = protocol;
    this.connection = toConnection(connection);
    this.responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
    this.logger = options.logger ?? defaultLogger();
    this.#floodPolicy = options.flood ? new FloodPolicy(options.flood) : (this.connection.floodPolicy ?? defaultFloodPolicy);
    routeTable(this);
  }

  /** The OCPP version this instance speaks ("1.6", ...): the reference's `_ocpp_version`. */
  get ocppVersion(): string {
    return this.protocol.ocppVersion;
  }

  /**
   * Receives and dispatches the peer's messages until the connection closes for good. Resolves on a
   * clean close (1000, 1001, or no code), rejects with ConnectionClosedError otherwise. No single bad
   * message ends it, and neither does a lost link of a ReconnectingConnection: it keeps running across
   * reconnects until `close()` (or the connection gives up). Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.#listen();
    if (!this.#started) {
      const ended = this.#ended;
      if (ended === undefined) {
        this.#started = new Promise<void>((resolve, reject) => {
          this.#settleStarted = { resolve, reject };
        });
      } else {
        this.#started = ended ? Promise.reject(ended) : Promise.resolve();
      }
    }
    return this.#started;
  }

  static {
    startDetached = (chargePoint) => {
      // A subclass that overrides start() gets it called, as before.
      if (chargePoint.start !== ChargePoint.prototype.start) chargePoint.start().catch(() => {});
      else chargePoint.#listen();
    };
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.connection.listen(new ChargePoint.#Receiver<R>(this));
  }

  #ending(code: number, reason: string): void {
    if (this.#ended !== undefined) return;
    const ended = cleanCloseCodes.has(code) ? null : new ConnectionClosedError(code, reason);
    this.#ended = ended;
    const settle = this.#settleStarted;
    this.#settleStarted = undefined;
    if (ended) settle?.reject(ended);
    else settle?.resolve();
  }

  // The receiver as a class rather than an object of four closures: it lives as long as the connection,
  // and a server holding thousands of connections saves about 300 bytes on each.
  static readonly #Receiver = class Receiver<R extends object> implements ConnectionReceiver {
    readonly #chargePoint: ChargePoint<R>;

    constructor(chargePoint: ChargePoint<R>) {
      this.#chargePoint = chargePoint;
    }

    message(text: string): void {
      this.#chargePoint.#receive(text);
    }

    open(): void {
      this.#chargePoint.#onOpen();
    }

    drop(code: number, reason: string): void {
      this.#chargePoint.#onDrop(code, reason);
    }

    close(code: number, reason: string): void {
      this.#chargePoint.#onClose(code, reason);
      this.#chargePoint.#ending(code, reason);
    }
  };

  // The flood guard's view of the engine; a class inside this one, so it reaches the private members.
  static readonly #Guard = class Guard<R extends object> extends FloodGuard {
    readonly #chargePoint: ChargePoint<R>;

    constructor(chargePoint: ChargePoint<R>) {
      super(chargePoint.#floodPolicy, chargePoint.connection, chargePoint.id, chargePoint.#lastRead);
      this.#chargePoint = chargePoint;
    }

    protected get inProgress(): number {
      return this.#chargePoint.#answering;
    }

    protected run(message: QueuedMessage): void {
      this.#chargePoint.#runQueued(message);
    }

    protected notify(report: FloodReport): void {
      this.#chargePoint.#onFlood(report);
    }
  };

  /**
   * Resolves once every incoming CALL received so far has been answered: handlers still running
   * finish first. A server uses it to let replies go out before closing for shutdown. CALLs of a
   * pipelining peer still waiting their turn (see FloodPolicyOptions) are not waited for.
   */
  settled(): Promise<void> {
    if (this.#answering === 0) return Promise.resolve();
    if (this.#settledWaiters === none) this.#settledWaiters = [];
    const waiters = this.#settledWaiters;
    return new Promise((resolve) => waiters.push(resolve));
  }

  /** True once the connection has closed for good (a lost link of a reconnecting connection is not that). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the connection (default 1000, normal closure). */
  close(code = 1000, reason = ""): void {
    this.connection.close(code, reason);
  }

  /**
   * Sends a CALL and resolves with the CALLRESULT as an instance of the action's `callResult` class.
   * The payload is checked against its schema first (an invalid one is not sent: InvalidPayloadError).
   * Calls are sent one at a time in the order made. On a CALLERROR it resolves `undefined`, or throws
   * the matching OcppError with `suppress: false`. No answer in time: CallTimeoutError.
   */
  call<P extends CallPayload>(payload: P, options: CallOptions & { readonly suppress: false }): Promise<ResultOf<R, P>>;
  call<P extends CallPayload>(payload: P, options?: CallOptions): Promise<ResultOf<R, P> | undefined>;
  call(payload: CallPayload, options: CallOptions = {}): Promise<unknown> {
    const action = actionOf(payload);
    const spec = action === undefined ? undefined : this.protocol.actions.get(action);
    if (!action || !spec) {
      return Promise.reject(new TypeError(`call() takes a payload built from a call.* class of OCPP ${this.protocol.ocppVersion}`));
    }
    if (!spec.response) return Promise.reject(new TypeError(`${action} has no response: send it with send(), not call()`));
    const skipValidation = options.skipSchemaValidation === true;
    if (!skipValidation) {
      const problem = validatePayload(spec.request, payload);
      if (problem) return Promise.reject(new InvalidPayloadError(action, "request", problem));
    }
    if (this.#closed) return Promise.reject(new NotConnectedError(`Cannot send ${action}: the connection is closed`));
    const wait = options.waitForConnection === true;
    if (!wait && !this.connection.isOpen) return Promise.reject(new NotConnectedError(`Cannot send ${action}: not connected`));
    // The global Web Crypto (Node 20+) rather than an import of node:crypto, which would load the whole
    // crypto module at start-up for a function first needed at the first call.
    const id = options.uniqueId ?? newMessageId();
    if (id.length > 36) return Promise.reject(new TypeError("uniqueId must be at most 36 characters (OCPP-J 1.6 section 4.1.4)"));
    const text = encodeCall(MessageType.Call, id, action, payload);
    const waitUntil = wait ? Date.now() + this.responseTimeoutMs : 0;
    const pending = new PendingCall(id, action, text, spec, options.suppress !== false, skipValidation, waitUntil);
    const gate = this.#gate;
    if (gate && action !== gate.bootAction && !(options.triggered === true && gate.status !== "Rejected")) {
      if (this.#held === none) this.#held = [];
      this.#held.push({ call: pending, until: Date.now() + this.responseTimeoutMs });
      if (!this.#heldTimer) this.#armHeld();
    } else if (!this.#inFlight && this.#queueHead === this.#queue.length && this.connection.isOpen) {
      // Nothing ahead of it and a link to send on (the usual case): it goes out now, without a queue
      // array made and dropped for it.
      this.#sendNow(pending);
    } else {
      if (this.#queue === none) this.#queue = [];
      this.#queue.push(pending);
      if (!this.#inFlight) this.#sendNext();
    }
    return pending.promise;
  }

  /**
   * Closes (or, with undefined, opens) the registration gate. While closed, calls other than
   * `gate.bootAction` (and triggered ones unless Rejected) wait, in order, until it opens, each for at
   * most `responseTimeoutMs` from `call()` (then NotRegisteredError). TransactionQueue.register() drives it.
   */
  setRegistrationGate(gate: RegistrationGate | undefined): void {
    this.#gate = gate;
    const waiting = this.#rare?.callsWhileRegistering ?? none;
    if (waiting.length > 0 && gate?.status !== "Registering") {
      (this.#rare as RareState).callsWhileRegistering = none;
      for (const [id, action, payload] of waiting) this.#onCall(id, action, payload);
    }
    if (gate || this.#held.length === 0) return;
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
    if (this.#queue === none) this.#queue = [];
    for (const { call } of this.#held) this.#queue.push(call);
    this.#held = none;
    if (!this.#inFlight) this.#sendNext();
  }

  #armHeld(): void {
    const head = this.#held[0];
    if (!head) return;
    this.#heldTimer = setTimeout(() => this.#expireHeld(), Math.max(0, head.until - Date.now()));
    unrefTimer(this.#heldTimer);
  }

  #expireHeld(): void {
    this.#heldTimer = undefined;
    const now = Date.now();
    let expired = 0;
    while (expired < this.#held.length && this.#held[expired].until <= now) expired++;
    for (const { call } of this.#held.splice(0, expired)) {
      call.reject(
        new NotRegisteredError(
          `${call.action} was not sent: not registered (BootNotification not Accepted) within ${this.responseTimeoutMs} ms`,
        ),
      );
    }
    this.#armHeld();
  }

  /**
   * Sends an unconfirmed message (SEND, message type 6; OCPP 2.1 part 4 section 4.2.4) and returns its
   * message id. It goes out at once, also while a CALL is outstanding (section 4.1.1 allows that), and
   * nothing answers it. Only versions that define SEND expose it, and only for SEND-only actions.
   * Throws InvalidPayloadError for a payload that fails its schema, NotConnectedError without a link,
   * NotRegisteredError while the registration gate is closed.
   */
  protected send(payload: CallPayload, options: Pick<CallOptions, "uniqueId" | "skipSchemaValidation"> = {}): string {
    const action = actionOf(payload);
    const spec = action === undefined ? undefined : this.protocol.actions.get(action);
    if (!this.protocol.messageTypes.has(MessageType.Send)) throw new TypeError(`OCPP ${this.protocol.ocppVersion} has no SEND messages`);
    if (!action || !spec) throw new TypeError(`send() takes a payload built from a call.* class of OCPP ${this.protocol.ocppVersion}`);
    if (spec.response) throw new TypeError(`${action} is answered: send it with call(), not send()`);
    if (options.skipSchemaValidation !== true) {
      const problem = validatePayload(spec.request, payload);
      if (problem) throw new InvalidPayloadError(action, "request", problem);
    }
    const id = options.uniqueId ?? newMessageId();
    if (id.length > 36) throw new TypeError("uniqueId must be at most 36 characters (OCPP 2.1 part 4 section 4.1.4)");
    if (this.#closed || !this.connection.isOpen) throw new NotConnectedError(`Cannot send ${action}: not connected`);
    // A SEND cannot wait for the registration gate (nothing answers it to tell when it went out): refused.
    if (this.#gate) throw new NotRegisteredError(`Cannot send ${action}: not registered (BootNotification not Accepted)`);
    this.#write(encodeCall(MessageType.Send, id, action, payload));
    return id;
  }

  /** Routes incoming CALLs of `action` to `handler` (the function form of `@on`). */
  route(action: string, handler: Handler, options?: OnOptions): this {
    addOnRoute(this, action, handler, options);
    return this;
  }

  /** Runs `handler` after the response to a CALL of `action` was sent (the function form of `@after`). */
  routeAfter(action: string, handler: Handler, options?: AfterOptions): this {
    addAfterRoute(this, action, handler, options);
    return this;
  }

  #sendNext(): void {
    while (this.#queueHead < this.#queue.length) {
      if (!this.connection.isOpen && this.#queue[this.#queueHead].waitUntil > 0) {
        if (!this.#timer) this.#armOffline();
        return;
      }
      const next = this.#queue[this.#queueHead++];
      if (this.#queueHead === this.#queue.length) {
        this.#queue = none;
        this.#queueHead = 0;
      }
      if (this.#sendNow(next)) return;
    }
  }

  /** Writes the call and makes it the one in flight; false (and the call rejected) when it could not be written. */
  #sendNow(call: PendingCall): boolean {
    try {
      this.#write(call.text);
    } catch (error) {
      call.reject(
        error instanceof NotConnectedError ? error : new NotConnectedError(`Cannot send ${call.action}: ${(error as Error).message}`),
      );
      return false;
    }
    this.#inFlight = call;
    this.#deadline = Date.now() + this.responseTimeoutMs;
    if (!this.#timer) this.#arm(this.responseTimeoutMs);
    return true;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#onTimer(), delay);
    unrefTimer(this.#timer);
  }

  #onTimer(): void {
    this.#timer = undefined;
    const pending = this.#inFlight;
    if (!pending) {
      if (!this.connection.isOpen) this.#expireWaiting();
      return;
    }
    const left = this.#deadline - Date.now();
    if (left > 0) {
      this.#arm(left);
      return;
    }
    this.#inFlight = undefined;
    pending.reject(new CallTimeoutError(pending.action, pending.id, this.responseTimeoutMs));
    this.#sendNext();
  }

  /** While offline, the one timer serves the earliest deadline of the calls waiting for a link. */
  #armOffline(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const until = this.#queue[i].waitUntil;
      if (until > 0 && until < earliest) earliest = until;
    }
    if (earliest !== Number.POSITIVE_INFINITY) this.#arm(Math.max(0, earliest - Date.now()));
  }

  #expireWaiting(): void {
    const now = Date.now();
    const kept: PendingCall[] = [];
    const expired: PendingCall[] = [];
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const call = this.#queue[i];
      (call.waitUntil > now ? kept : expired).push(call);
    }
    this.#queue = kept;
    this.#queueHead = 0;
    for (const call of expired) {
      call.reject(new NotConnectedError(`${call.action} was not sent: no connection within ${this.responseTimeoutMs} ms`));
    }
    this.#armOffline();
  }

  /** A new link of a reconnecting connection: calls that waited for it go out. */
  #onOpen(): void {
    if (this.#inFlight || this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sendNext();
  }

  /**
   * The link was lost but the connection reconnects. The call in flight can get no answer any more: it
   * fails now rather than at its timeout. Queued calls fail too unless they asked to wait for a link.
   */
  #onDrop(code: number, reason: string): void {
    const why = `the link dropped (${code}${reason ? ` ${reason}` : ""})`;
    // The peer's CALLs on the lost link can no longer be answered on it; the next link starts afresh.
    this.#disposeFlood(why);
    const pending = this.#inFlight;
    this.#inFlight = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const kept: PendingCall[] = [];
    const failed: PendingCall[] = [];
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const call = this.#queue[i];
      (call.waitUntil > 0 ? kept : failed).push(call);
    }
    this.#queue = kept;
    this.#queueHead = 0;
    if (pending)
      pending.reject(new NotConnectedError(`${pending.action} got no response: ${why}; the peer may or may not have received it`));
    for (const call of failed) call.reject(new NotConnectedError(`${call.action} was not sent: ${why}`));
    this.#expireWaiting();
  }

  /** The in-flight call got its answer: let the next one go. */
  #settle(): void {
    this.#inFlight = undefined;
    if (this.#queueHead < this.#queue.length) this.#sendNext();
  }

  #write(text: string): void {
    this.connection.send(text);
    this.logger.frame?.(this.id, "out", text);
  }

  #receive(text: string): void {
    this.logger.frame?.(this.id, "in", text);
    const flood = this.#flood;
    // Answers to our own CALLs never wait behind the peer's CALLs: a peer flooding us must not hold up
    // what we send (our one outstanding CALL, OCPP-J 1.6 section 4.1.1).
    if (flood?.holding && !isAnswer(text)) {
      flood.hold(text);
      return;
    }
    const decoded = decodeFrame(text, this.protocol.messageTypes);
    if (isFault(decoded)) {
      // A malformed CALL gets its CALLERROR in turn like any CALL: it costs the same to answer.
      if (decoded.messageType === MessageType.Call && !this.#admit(text, true)) return;
      this.#onBadFrame(decoded, text);
      return;
    }
    this.#badFrames = 0;
    const type = decoded[0];
    if ((type === MessageType.Call || type === MessageType.Send) && !this.#admit(decoded, type === MessageType.Call)) return;
    this.dispatch(decoded);
  }

  /** May this CALL or SEND run now (see FloodGuard)? False: it waits its turn. */
  #admit(message: QueuedMessage, isCall: boolean): boolean {
    if (this.#flood === undefined) {
      // The path of every well-behaved peer, with no object of its own: a CALL that came in a read of its
      // own while nothing else is in progress (OCPP-J 1.6 section 4.1.1: sent after the earlier ones were
      // answered) runs at once; so does a SEND (never answered, never pipelined) when there is no rate limit.
      if (this.#floodPolicy.rateLimit === undefined) {
        if (!isCall) return true;
        const bytesRead = this.connection.link?.bytesRead;
        if (this.#answering === 0 && (bytesRead === undefined || bytesRead !== this.#lastRead)) {
          this.#lastRead = bytesRead;
          return true;
        }
      }
      this.#flood = new ChargePoint.#Guard<R>(this);
    }
    return this.#flood.admit(message, isCall);
  }

  #runQueued(message: QueuedMessage): void {
    if (typeof message !== "string") {
      this.dispatch(message);
      return;
    }
    const decoded = decodeFrame(message, this.protocol.messageTypes);
    if (isFault(decoded)) this.#onBadFrame(decoded, message);
    else this.dispatch(decoded);
  }

  #onFlood(report: FloodReport): void {
    const context = { chargePointId: this.id, reason: report.reason, throttles: report.throttles };
    if (report.closed) this.logger.warn?.("Closed the connection with 1008: the peer kept flooding", context);
    else if (report.throttles === 1) this.logger.warn?.("Throttled the peer: its messages wait their turn", context);
    this.#floodPolicy.report?.(report, this as unknown as ChargePoint<object>);
  }

  #disposeFlood(why: string): void {
    const dropped = this.#flood?.dispose() ?? 0;
    this.#flood = undefined;
    this.#lastRead = undefined;
    if (dropped > 0) this.logger.warn?.(`Dropped messages that were waiting their turn: ${why}`, { chargePointId: this.id, dropped });
  }

  #onBadFrame(fault: FrameFault, text: string): void {
    this.#onFault(fault, text);
    const limit = this.connection.maxConsecutiveBadFrames;
    // A peer that only sends garbage is closed with 1002 (protocol error, RFC 6455 section 7.4.1)
    // rather than answered forever; the limit belongs to the connection, so the engine stays neutral.
    if (limit !== undefined && ++this.#badFrames >= limit && this.connection.isOpen) {
      this.logger.warn?.("Closing the connection after too many malformed messages in a row", { chargePointId: this.id, limit });
      this.connection.close(1002, "Too many malformed messages");
    }
  }

  /** Handles one decoded frame. Version classes extend it for the message types they add. */
  protected dispatch(frame: Frame): void {
    switch (frame[0]) {
      case MessageType.Call:
        this.#onCall(frame[1], frame[2], frame[3]);
        return;
      case MessageType.CallResult:
        this.#onCallResult(frame);
        return;
      case MessageType.CallError:
        this.#onCallError(frame);
        return;
      case MessageType.CallResultError:
        this.#onCallResultError(frame);
        return;
      case MessageType.Send:
        this.#onSend(frame[1], frame[2], frame[3]);
        return;
      default:
        this.logger.warn?.("Ignored a message of a type this version does not handle", { chargePointId: this.id, messageType: frame[0] });
    }
  }

  #onFault(fault: FrameFault, text: string): void {
    const context = { chargePointId: this.id, reason: fault.reason, frame: text.length > 200 ? `${text.slice(0, 200)}...` : text };
    if (fault.problem === "unknownType") {
      this.onUnknownMessageType(fault, context);
      return;
    }
    // Only a CALL gets a CALLERROR back; a broken answer to our own CALL fails that call instead.
    const answersOurCall = fault.id !== undefined && this.#inFlight?.id === fault.id && fault.messageType !== MessageType.Call;
    if (answersOurCall && this.#inFlight) {
      const pending = this.#inFlight;
      this.#settle();
      const problem = new ProtocolError(fault.reason);
      if (fault.messageType === MessageType.CallResult) this.#answerCallResult(pending.id, problem);
      pending.reject(new InvalidResponseError(pending.action, pending.id, problem));
      return;
    }
    if (this.#gate?.status === "Rejected" && !this.#gate.answerWhileRejected) {
      // 1.6 section 4.2: while Rejected nothing is answered, not even a malformed CALL.
      this.logger.warn?.("Dropped a malformed message unanswered: registration was Rejected", context);
      return;
    }
    const unreadable = fault.id === undefined ? unreadableFrameError(this.protocol.dialect, fault.reason) : undefined;
    if (unreadable) {
      this.logger.warn?.("Answered an unreadable message with a CALLERROR", context);
      this.#sendError(unreadableMessageId, unreadable);
      return;
    }
    if (fault.id === undefined || (fault.messageType !== undefined && fault.messageType !== MessageType.Call)) {
      this.logger.warn?.("Dropped a message that cannot be answered", context);
      return;
    }
    this.logger.warn?.("Answered a malformed message with a CALLERROR", context);
    const error =
      fault.problem === "badPayload"
        ? new FormatViolationError(fault.reason)
        : frameError(fault.problem === "incomplete" ? "incomplete" : "notJson", this.protocol.dialect, fault.reason);
    this.#sendError(fault.id, error);
  }

  /**
   * Called for a message type number the version does not define: answered with MessageTypeNotSupported
   * where the version's dialect says so (2.0.1, 2.1), else ignored and logged (1.6); see wire-codes.ts.
   */
  protected onUnknownMessageType(fault: FrameFault, context: Record<string, unknown>): void {
    const error = unknownMessageTypeError(this.protocol.dialect, fault.reason);
    if (!error || fault.id === undefined) {
      this.logger.warn?.("Ignored a message with an unknown message type", context);
      return;
    }
    this.logger.warn?.("Answered a message with an unknown message type with MessageTypeNotSupported", context);
    this.#sendError(fault.id.length <= 36 ? fault.id : unreadableMessageId, error);
  }

  #onCallResult(frame: CallResultFrame): void {
    const pending = this.#inFlight;
    if (!pending || pending.id !== frame[1]) {
      this.logger.warn?.("Ignored a CALLRESULT with an unknown message id", { chargePointId: this.id, uniqueId: frame[1] });
      return;
    }
    this.#settle();
    const payload = frame[2];
    if (!pending.skipValidation) {
      const problem = pending.spec.response ? validatePayload(pending.spec.response, payload) : undefined;
      if (problem) {
        this.onInvalidCallResult(pending.id, pending.action, problem);
        pending.reject(new InvalidResponseError(pending.action, pending.id, problem));
        return;
      }
    }
    const Result = pending.spec.Result as (new (payload: unknown) => object) | undefined;
    pending.resolve(Result ? new Result(payload) : payload);
  }

  /**
   * A CALLRESULT failed its schema (the pending call() rejects with InvalidResponseError). Versions with
   * CALLRESULTERROR (2.1) answer it with one carrying the CALLRESULT's id (2.1 part 4 sections 4.1.4 and
   * 4.2.3); earlier versions only log.
   */
  protected onInvalidCallResult(uniqueId: string, action: string, problem: OcppError): void {
    this.logger.warn?.("Received an invalid CALLRESULT", {
      chargePointId: this.id,
      action,
      uniqueId,
      code: problem.code,
      description: problem.description,
    });
    this.#answerCallResult(uniqueId, problem);
  }

  #answerCallResult(uniqueId: string, problem: OcppError): void {
    if (!this.protocol.messageTypes.has(MessageType.CallResultError)) return;
    const code = wireCode(problem.code, this.protocol.dialect);
    this.#trySend(JSON.stringify([MessageType.CallResultError, uniqueId, code, problem.description, problem.details]), "CALLRESULTERROR");
  }

  /**
   * The peer could not process a CALLRESULT we sent (2.1 part 4 section 4.2.3): `uniqueId` is that of the
   * CALL we answered. Nothing is owed back; by default it is logged. Override to act on it.
   */
  protected onCallResultError(error: OcppError, uniqueId: string): void {
    this.logger.warn?.("The peer could not process our CALLRESULT (CALLRESULTERROR)", {
      chargePointId: this.id,
      uniqueId,
      code: error.code,
      description: error.description,
    });
  }

  #onCallResultError(frame: CallResultErrorFrame): void {
    this.onCallResultError(errorFromWire(frame[2], frame[3], frame[4]), frame[1]);
  }

  /**
   * An incoming SEND (2.1 part 4 section 4.2.4): routed to the action's `@on` handler, whose return value
   * is ignored. Nothing is ever sent back, not even for an unknown action or an invalid payload ("The
   * receiver SHALL NOT respond to a SEND message"), so those are logged and dropped.
   */
  #onSend(id: string, action: string, payload: Payload): void {
    const context = { chargePointId: this.id, uniqueId: id, action };
    const spec = this.protocol.actions.get(action);
    if (!spec || spec.response) {
      this.logger.warn?.(`Dropped a SEND: ${spec ? "the action is a CALL, not a SEND" : "unknown action"}`, context);
      return;
    }
    const on = routeTable(this).get(action)?.on;
    if (!on) {
      this.logger.warn?.("Dropped a SEND: no handler", context);
      return;
    }
    if (!on.skipSchemaValidation) {
      const problem = validatePayload(spec.request, payload);
      if (problem) {
        this.logger.warn?.("Dropped an invalid SEND", { ...context, code: problem.code, description: problem.description });
        return;
      }
    }
    const failed = (error: unknown) =>
      this.logger.error?.(`The ${action} handler threw on a SEND`, {
        ...context,
        error: error instanceof Error ? error.message : String(error),
      });
    try {
      const result = invokeHandler(on, this, payload, id);
      if (isPromiseLike(result)) result.then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }

  #onCallError(frame: CallErrorFrame): void {
    const pending = this.#inFlight;
    if (!pending || pending.id !== frame[1]) {
      this.logger.warn?.("Ignored a CALLERROR with an unknown message id", { chargePointId: this.id, uniqueId: frame[1] });
      return;
    }
    this.#settle();
    const error = errorFromWire(frame[2], frame[3], frame[4]);
    if (pending.suppress) {
      this.logger.warn?.(`${pending.action} got a CALLERROR`, {
        chargePointId: this.id,
        uniqueId: pending.id,
        code: frame[2],
        description: frame[3],
      });
      pending.resolve(undefined);
    } else {
      pending.reject(error);
    }
  }

  /** Whether the gate lets the peer's CALL through now; if not, it is held, refused or dropped here. */
  #admitWhileRegistering(gate: RegistrationGate, id: string, action: string, payload: Payload): boolean {
    if (gate.answerWhileRejected && gate.status === "Registering") {
      // A CALL read together with the BootNotification's answer (one socket read) comes before the
      // registration has seen that answer: it is judged once it has (setRegistrationGate).
      const state = this.#rareState();
      if (state.callsWhileRegistering === none) state.callsWhileRegistering = [];
      state.callsWhileRegistering.push([id, action, payload]);
      return false;
    }
    if (gate.status !== "Rejected") return true;
    if (gate.answerWhileRejected) {
      // 2.0.1 B03.FR.08: while Rejected, a CSMS-initiated message is answered with SecurityError.
      this.#sendError(
        id,
        new SecurityError(`Not registered: the BootNotification was Rejected; ${action} is refused until it is Accepted`),
      );
    } else {
      // 1.6 section 4.2: "While Rejected, the Charge Point SHALL NOT respond to any Central System initiated message."
      this.logger.warn?.("Dropped a CALL unanswered: registration was Rejected", { chargePointId: this.id, uniqueId: id, action });
    }
    return false;
  }

  #onCall(id: string, action: string, payload: Payload): void {
    // Without a registration gate (no queue) a CALL goes straight to its route: one check on the hot path.
    const gate = this.#gate;
    if (gate !== undefined && !this.#admitWhileRegistering(gate, id, action, payload)) return;
    const spec = this.protocol.actions.get(action);
    if (!spec) {
      this.#sendError(id, new NotImplementedError(`${action} is not an OCPP ${this.protocol.ocppVersion} action`));
      return;
    }
    if (!spec.response) {
      this.#sendError(id, new RpcFrameworkError(`${action} is sent as SEND (message type 6), not as a CALL`));
      return;
    }
    const route = routeTable(this).get(action);
    const on = route?.on;
    if (!on) {
      this.#sendError(id, new NotSupportedError(`No handler for ${action}`));
      return;
    }
    if (!on.skipSchemaValidation) {
      const problem = validatePayload(spec.request, payload);
      if (problem) {
        this.#sendError(id, problem);
        return;
      }
    }
    let result: unknown;
    try {
      result = invokeHandler(on, this, payload, id);
    } catch (error) {
      this.#sendError(id, this.#handlerError(action, id, error));
      return;
    }
    if (isPromiseLike(result)) {
      this.#answering++;
      result.then(
        (value) => {
          try {
            this.#answer(id, action, spec, route, on, payload, value);
          } finally {
            this.#answered();
          }
        },
        (error: unknown) => {
          try {
            this.#sendError(id, this.#handlerError(action, id, error));
          } finally {
            this.#answered();
          }
        },
      );
    } else {
      this.#answer(id, action, spec, route, on, payload, result);
    }
  }

  #answered(): void {
    this.#answering--;
    this.#flood?.answered();
    if (this.#answering > 0 || this.#settledWaiters.length === 0) return;
    const waiters = this.#settledWaiters;
    this.#settledWaiters = none;
    for (const resolve of waiters) resolve();
  }

  #answer(id: string, action: string, spec: ActionSpec, route: Route, on: OnRoute, payload: Payload, result: unknown): void {
    if (!on.skipSchemaValidation && spec.response) {
      const problem = validatePayload(spec.response, result);
      if (problem) {
        this.logger.error?.(`The ${action} handler returned an invalid response; the peer gets InternalError`, {
          chargePointId: this.id,
          uniqueId: id,
          code: problem.code,
          description: problem.description,
        });
        this.#sendError(id, new InternalError(`Invalid ${action} response`));
        return;
      }
    }
    if (!this.#trySend(encodeCallResult(id, result), action)) return;
    const after = route.after;
    if (!after) return;
    try {
      const done = invokeHandler(after, this, payload, id);
      if (isPromiseLike(done)) done.then(undefined, (error: unknown) => this.#afterFailed(action, id, error));
    } catch (error) {
      this.#afterFailed(action, id, error);
    }
  }

  #afterFailed(action: string, id: string, error: unknown): void {
    this.logger.error?.(`The @after handler of ${action} threw`, { chargePointId: this.id, uniqueId: id, error: String(error) });
  }

  #handlerError(action: string, id: string, error: unknown): OcppError {
    if (error instanceof OcppError) return error;
    // The peer learns only that it failed: a stack trace is nobody's business on the wire.
    this.logger.error?.(`The ${action} handler threw; the peer gets InternalError`, {
      chargePointId: this.id,
      uniqueId: id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return new InternalError(`${action} handler failed`);
  }

  #sendError(id: string, error: OcppError): void {
    this.#trySend(
      JSON.stringify([MessageType.CallError, id, wireCode(error.code, this.protocol.dialect), error.description, error.details]),
      "CALLERROR",
    );
  }

  #trySend(text: string, what: string): boolean {
    try {
      this.#write(text);
      return true;
    } catch (error) {
      this.logger.warn?.(`Could not send the ${what} answer: the connection is closed`, { chargePointId: this.id, error: String(error) });
      return false;
    }
  }

  #onClose(code: number, reason: string): void {
    this.#closed = true;
    const why = `the connection closed (${code}${reason ? ` ${reason}` : ""})`;
    this.#disposeFlood(why);
    const pending = this.#inFlight;
    this.#inFlight = undefined;
    if (pending) pending.reject(new NotConnectedError(`${pending.action} got no response: ${why}`));
    const waiting = this.#queue.slice(this.#queueHead);
    this.#queue = none;
    this.#queueHead = 0;
    for (const call of waiting) call.reject(new NotConnectedError(`${call.action} was not sent: ${why}`));
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const held = this.#held;
    this.#held = none;
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
    for (const { call } of held) call.reject(new NotConnectedError(`${call.action} was not sent: ${why}`));
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === "function";
