import { EventEmitter } from "node:events";
import type { CallPayload, ChargePoint, ResultMap, ResultOf } from "../rpc/charge-point.js";
import { CallTimeoutError, InvalidPayloadError, InvalidResponseError, NotConnectedError, OcppError } from "../rpc/errors.js";
import type { Payload } from "../rpc/frame.js";
import { defaultLogger, type Logger } from "../rpc/logger.js";
import { actionOf } from "../rpc/protocol.js";
import { validatePayload } from "../rpc/validation.js";
import { JournalStore } from "./journal.js";
import { type QueuePolicy, queuePolicyFor } from "./policy.js";
import { MessageDroppedError, QueueFullError } from "./queue-errors.js";
import { MemoryStore, type QueueStore } from "./store.js";

/** What the queue keeps in its store: a message to deliver, or a 1.6 transaction id learned for a local reference. */
export type QueueEntry =
  | {
      readonly kind: "call";
      readonly action: string;
      readonly payload: Payload;
      readonly failures: number;
      /** The 1.6 local reference a message carried before call() rewrote it to the central system's id. */
      readonly local?: number;
    }
  | { readonly kind: "alias"; readonly local: number; readonly id: number };

export interface TransactionQueueOptions {
  /** Where messages are kept. Default: in memory (lost with the process). See `TransactionQueue.open` for a journal. */
  readonly store?: QueueStore<QueueEntry>;
  /** Which messages are queued. Default: the built-in policy of the charger's OCPP version. */
  readonly policy?: QueuePolicy;
  /** Tries per message before it is dropped (`TransactionMessageAttempts`). Default 3. */
  readonly attempts?: number;
  /** Wait before retry n is `retryIntervalMs × n` (`TransactionMessageRetryInterval`, in ms). Default 60 000. */
  readonly retryIntervalMs?: number;
  /** Most messages held; beyond it only critical ones (StartTransaction, StopTransaction) are admitted. Default 10 000. */
  readonly maxSize?: number;
  /**
   * True when the charger is already registered (the application sent BootNotification itself); by
   * default nothing is delivered until `register()` got Accepted.
   */
  readonly registered?: boolean;
  /** Wait before the next BootNotification when the central system gives interval 0, or did not answer. Default 60 000 ms. */
  readonly bootRetryMs?: number;
  readonly logger?: Logger;
}

/** Options of `call()`. */
export interface QueueCallOptions {
  /**
   * Runs once the message is durable and before it can be sent (`call()` resolves after it): a charger
   * notes that the message is queued (a transaction's start), so a crash cannot fall between the central
   * system receiving it and the note. A failure is logged; the message stays queued.
   */
  readonly onDurable?: (queued: { readonly seq: number; readonly transactionId?: number }) => unknown;
}

/** What `call()` resolves with once the message is durable. */
export interface Queued<T> {
  /** The message's place in the store. */
  readonly seq: number;
  /**
   * For a 1.6 StartTransaction: a local reference (a negative integer) to put in the transactionId of
   * the MeterValues and StopTransaction of this transaction. They are sent with the central system's id.
   */
  readonly transactionId?: number;
  /** The CALLRESULT; rejects with MessageDroppedError when the message is given up. */
  readonly response: Promise<T>;
}

export interface QueueDelivery {
  readonly seq: number;
  readonly action: string;
  /** As sent (with the real transaction id). */
  readonly payload: Payload;
  readonly response: object;
}

export interface QueueDrop {
  readonly seq: number;
  readonly action: string;
  readonly payload: Payload;
  readonly error: MessageDroppedError;
}

export interface TransactionQueueEvents {
  /** A message is durable in the queue; `position` is its place in line (1: the next to go). */
  queued: [{ readonly seq: number; readonly action: string; readonly payload: Payload; readonly position: number }];
  /** An attempt failed (CALLERROR, no answer on a live link); the message goes again after `retryInMs`. */
  retry: [{ readonly seq: number; readonly action: string; readonly failures: number; readonly retryInMs: number; readonly error: Error }];
  /** No message is waiting any more: everything queued was delivered or dropped. */
  drained: [];
  /** A message was answered with a CALLRESULT and left the queue (also those restored from an earlier run). */
  delivered: [QueueDelivery];
  /** A message was given up (also logged as a warning). */
  dropped: [QueueDrop];
  /** The central system's id for a 1.6 local transaction reference. */
  transactionId: [{ readonly local: number; readonly id: number }];
  /** The answer to each BootNotification sent by `register()`. */
  registration: [{ readonly status: string; readonly interval: number }];
}

interface Item {
  seq: number;
  entry: Extract<QueueEntry, { kind: "call" }>;
  readonly durable: Promise<number>;
  readonly resolve?: (value: object) => void;
  readonly reject?: (error: Error) => void;
}

/**
 * The durable queue for transaction-related messages (OCPP 1.6 section 3.7, 2.0.1 E/TransactionEvent):
 * `call()` persists a message before it returns, and the queue delivers its messages in order, one at a
 * time, retrying failures and surviving lost links and restarts. Messages the policy does not queue go
 * through `charger.call()` directly and may overtake it, as the spec allows.
 *
 * Until a BootNotification is Accepted (`register()`), nothing is delivered (1.6 section 4.2), and
 * while `register()` runs the charger's direct calls wait too (see `ChargePoint.setRegistrationGate`).
 */
export class TransactionQueue<R extends object = ResultMap> extends EventEmitter<TransactionQueueEvents> {
  readonly charger: ChargePoint<R>;
  readonly store: QueueStore<QueueEntry>;
  readonly policy: QueuePolicy;
  readonly attempts: number;
  readonly retryIntervalMs: number;
  readonly maxSize: number;
  readonly #bootRetryMs: number;
  readonly #logger: Logger;
  #ownsStore: boolean;
  #items: Item[] = [];
  #head = 0;
  // 1.6 local transaction reference -> [central system's id, seq of the alias record]
  #aliases = new Map<number, [number, number]>();
  #registered: boolean;
  #running = false;
  #closed = false;
  #sleeping = new Map<NodeJS.Timeout, () => void>();
  #idle: (() => void)[] = [];

  constructor(charger: ChargePoint<R>, options: TransactionQueueOptions = {}) {
    super();
    this.charger = charger;
    this.store = options.store ?? new MemoryStore<QueueEntry>();
    this.#ownsStore = options.store === undefined;
    this.policy = options.policy ?? queuePolicyFor(charger.ocppVersion);
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.retryIntervalMs = options.retryIntervalMs ?? 60_000;
    this.maxSize = options.maxSize ?? 10_000;
    this.#registered = options.registered === true;
    this.#bootRetryMs = options.bootRetryMs ?? 60_000;
    this.#logger = options.logger ?? defaultLogger();
    const stale: number[] = [];
    for (const { seq, data } of this.store.records) {
      if (data.kind === "call") {
        this.#items.push({ seq, entry: data, durable: Promise.resolve(seq) });
        continue;
      }
      // Two aliases for one local reference: a StartTransaction sent again after a restart got a new id,
      // and the run stopped before the old alias was removed. The later one is the one in use.
      const previous = this.#aliases.get(data.local);
      if (previous) stale.push(previous[1]);
      this.#aliases.set(data.local, [data.id, seq]);
    }
    for (const seq of stale) {
      this.store.remove(seq).catch((error: unknown) => {
        this.#logger.warn?.("Could not remove a stale transaction id mapping", { chargePointId: charger.id, seq, error: String(error) });
      });
    }
    this.#pump();
  }

  /**
   * A queue kept in an fsync'd journal in `directory` (created if needed; see JournalStore), with the
   * messages of an earlier run restored and delivered first. Without `directory`, in memory.
   */
  static async open<R extends object>(
    charger: ChargePoint<R>,
    options: Omit<TransactionQueueOptions, "store"> & { readonly directory?: string } = {},
  ): Promise<TransactionQueue<R>> {
    if (options.directory === undefined) return new TransactionQueue(charger, options);
    const store = await JournalStore.open<QueueEntry>(options.directory, { logger: options.logger });
    const queue = new TransactionQueue(charger, { ...options, store });
    queue.#ownsStore = true;
    return queue;
  }

  /** Messages waiting to be delivered (the one in flight included). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  get registered(): boolean {
    return this.#registered;
  }

  /**
   * Queues a transaction-related message and resolves once it is durable in the store, with its
   * CALLRESULT to come in `response`. Rejects (nothing stored) with InvalidPayloadError when the payload
   * fails its schema, QueueFullError when the queue is full and the message is not critical, and
   * TypeError for a message the policy does not queue (send that one with `charger.call()`).
   */
  async call<P extends CallPayload>(payload: P, options: QueueCallOptions = {}): Promise<Queued<ResultOf<R, P>>> {
    if (this.#closed) throw new NotConnectedError("The transaction queue is closed");
    const action = actionOf(payload);
    const spec = action === undefined ? undefined : this.charger.protocol.actions.get(action);
    if (!action || !spec) throw new TypeError(`call() takes a payload built from a call.* class of OCPP ${this.charger.ocppVersion}`);
    let data: Payload = { ...(payload as unknown as Payload) };
    if (!this.policy.queues(action, data)) {
      throw new TypeError(`${action} is not a transaction-related message: send it with charger.call()`);
    }
    const problem = validatePayload(spec.request, data);
    if (problem) throw new InvalidPayloadError(action, "request", problem);
    if (this.size >= this.maxSize && !this.policy.critical(action, data)) throw new QueueFullError(action, this.maxSize);
    const rules = this.policy.transactionIds;
    const ref = rules?.idOf(action, data);
    const known = ref === undefined ? undefined : this.#aliases.get(ref);
    if (rules && known) data = rules.withId(action, data, known[0]);

    const entry = { kind: "call", action, payload: data, failures: 0, ...(known ? { local: ref } : {}) } as const;
    let resolve!: (value: object) => void;
    let reject!: (error: Error) => void;
    const response = new Promise<object>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // Nobody is obliged to wait for the answer: a drop must not become an unhandled rejection.
    response.catch(() => {});
    const isStart = rules?.startAction === action;
    // In the list at once, so messages keep the order of call() even if stores resolve out of order;
    // the pump waits for `durable` (and the onDurable hook) before sending.
    const durable = this.store.append(entry).then(async (seq) => {
      try {
        await options.onDurable?.({ seq, transactionId: isStart ? -seq : undefined });
      } catch (error) {
        this.#logger.warn?.(`${action}: the onDurable hook failed`, { chargePointId: this.charger.id, seq, error: String(error) });
      }
      return seq;
    });
    const item: Item = { seq: 0, entry, durable, resolve, reject };
    this.#items.push(item);
    try {
      item.seq = await durable;
    } catch (error) {
      this.#items.splice(this.#items.indexOf(item, this.#head), 1);
      throw error;
    }
    this.emit("queued", { seq: item.seq, action, payload: data, position: this.#items.lastIndexOf(item) - this.#head + 1 });
    this.#pump();
    return { seq: item.seq, transactionId: isStart ? -item.seq : undefined, response: response as Promise<ResultOf<R, P>> };
  }

  /**
   * Registers with the central system: sends `boot` (a BootNotification payload) until it is Accepted,
   * waiting the returned interval after Pending or Rejected (1.6 section 4.2), then lets the queue deliver.
   * Resolves with the Accepted response. Every try is a new CALL. A reconnect does not call it again:
   * call it at boot, and again only when the central system asks (TriggerMessage).
   */
  async register<P extends CallPayload>(boot: P): Promise<ResultOf<R, P>> {
    // 1.6 section 4.2: until Accepted, no other request goes out, direct calls of the application included.
    // The gate takes the action name from the boot payload, so no version is imported here.
    const bootAction = String(actionOf(boot));
    const answerWhileRejected = this.policy.answerWhileRejected === true;
    this.charger.setRegistrationGate({ bootAction, status: "Registering", answerWhileRejected });
    for (;;) {
      if (this.#closed || this.charger.closed) throw new NotConnectedError("Cannot register: closed");
      let response: { status?: unknown; interval?: unknown } | undefined;
      try {
        response = (await this.charger.call(boot, { suppress: false, waitForConnection: true })) as typeof response;
      } catch (error) {
        if (error instanceof InvalidPayloadError || error instanceof TypeError) {
          // Registration never started: holding everything behind a boot that cannot be sent helps nobody.
          this.charger.setRegistrationGate(undefined);
          throw error;
        }
        if (this.#closed || this.charger.closed) throw new NotConnectedError("Cannot register: closed");
        this.#logger.warn?.("BootNotification failed; retrying", { chargePointId: this.charger.id, error: String(error) });
        if (!(error instanceof NotConnectedError)) await this.#sleep(this.#bootRetryMs);
        continue;
      }
      const status = String(response?.status);
      const interval = typeof response?.interval === "number" ? response.interval : 0;
      this.emit("registration", { status, interval });
      if (status === "Accepted") {
        this.markRegistered();
        return response as ResultOf<R, P>;
      }
      this.#registered = false;
      // Pending lets the central system's CALLs be answered and triggered messages out; Rejected neither
      // (1.6), or answers them with SecurityError (2.0.1 B03.FR.08, the policy's answerWhileRejected).
      this.charger.setRegistrationGate({ bootAction, status: status === "Pending" ? "Pending" : "Rejected", answerWhileRejected });
      await this.#sleep(interval > 0 ? interval * 1000 : this.#bootRetryMs);
    }
  }

  /** Lets the queue deliver without `register()` (the application registered by other means). */
  markRegistered(): void {
    this.#registered = true;
    this.charger.setRegistrationGate(undefined);
    this.#pump();
  }

  /** Resolves when no message is waiting (at once if none is). */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops delivering (a message in flight still gets its answer, but is not removed) and closes the
   * store if the queue opened it. Queued messages stay in a journal for the next run.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAll();
    if (this.#ownsStore) await this.store.close();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeping.delete(timer);
        resolve();
      }, ms);
      this.#sleeping.set(timer, resolve);
    });
  }

  #wakeAll(): void {
    for (const [timer, resolve] of this.#sleeping) {
      clearTimeout(timer);
      resolve();
    }
    this.#sleeping.clear();
  }

  #pump(): void {
    if (this.#running || !this.#registered || this.#closed || this.size === 0) return;
    this.#running = true;
    this.#run().then(
      () => {
        this.#running = false;
        // A message queued while the loop was finishing.
        this.#pump();
      },
      (error: unknown) => {
        this.#running = false;
        this.#logger.error?.("The transaction queue stopped", { chargePointId: this.charger.id, error: String(error) });
      },
    );
  }

  async #run(): Promise<void> {
    while (this.#registered && !this.#closed && this.#head < this.#items.length) {
      const item = this.#items[this.#head];
      await item.durable;
      const done = await this.#deliver(item);
      if (this.#closed) return;
      if (!done) continue;
      this.#head++;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
        for (const resolve of this.#idle.splice(0)) resolve();
        this.emit("drained");
      }
    }
  }

  /** One attempt at the head message; true when it left the queue (delivered or dropped). */
  async #deliver(item: Item): Promise<boolean> {
    const { action } = item.entry;
    const payload = this.#resolved(item.entry);
    const sentAt = performance.now();
    let response: object;
    try {
      response = (await this.charger.call(this.#request(action, payload), { suppress: false, waitForConnection: true })) as object;
    } catch (error) {
      if (this.#closed) return false;
      if (error instanceof NotConnectedError) {
        // Offline is not a failure of the central system to process the message: no attempt counted.
        // The next try waits for the link inside call(); only a charger closed for good ends the loop.
        if (this.charger.closed) {
          this.#closed = true;
          this.#wakeAll();
        }
        return false;
      }
      if (error instanceof CallTimeoutError && !(await this.#shownAlive(sentAt))) {
        // No answer and no sign of life since it was sent: the link died under it (a black hole), and the
        // central system probably never got it. Not a failed attempt: sent again on the next link.
        this.#logger.warn?.(`${action} got no answer on a link that went dead; resending on the next link`, {
          chargePointId: this.charger.id,
          seq: item.seq,
        });
        return false;
      }
      const retryable = error instanceof CallTimeoutError || error instanceof OcppError || error instanceof InvalidResponseError;
      const failures = retryable ? item.entry.failures + 1 : this.attempts;
      if (failures >= this.attempts) {
        await this.#drop(item, payload, new MessageDroppedError(action, failures, error as Error));
        return true;
      }
      item.entry = { ...item.entry, failures };
      await this.store.update(item.seq, item.entry);
      this.#logger.warn?.(`${action} failed; retrying`, {
        chargePointId: this.charger.id,
        seq: item.seq,
        failures,
        retryInMs: this.retryIntervalMs * failures,
        error: String(error),
      });
      this.emit("retry", { seq: item.seq, action, failures, retryInMs: this.retryIntervalMs * failures, error: error as Error });
      // 1.6 section 3.7.1: wait the retry interval times the number of preceding transmissions.
      await this.#sleep(this.retryIntervalMs * failures);
      return false;
    }
    if (this.#closed) return false;
    await this.#delivered(item, payload, response);
    return true;
  }

  /** True when the link was shown alive after `since`; a connection that cannot tell counts as alive. */
  async #shownAlive(since: number): Promise<boolean> {
    const connection = this.charger.connection;
    if (!connection.aliveSince) return true;
    return connection.aliveSince(since);
  }

  /** A stored payload as call() takes it: an instance of the action's generated `call.*` class. */
  #request(action: string, payload: Payload): CallPayload {
    const Request = this.charger.protocol.actions.get(action)?.Request as (new (payload: Payload) => CallPayload) | undefined;
    if (!Request) throw new TypeError(`OCPP ${this.charger.ocppVersion} has no request class for ${action}`);
    return new Request(payload);
  }

  /** The payload as it goes out: a local transaction reference replaced by the central system's id. */
  #resolved(entry: Extract<QueueEntry, { kind: "call" }>): Payload {
    const rules = this.policy.transactionIds;
    const ref = rules?.idOf(entry.action, entry.payload);
    if (!rules || ref === undefined || ref >= 0) return entry.payload;
    const known = this.#aliases.get(ref);
    if (known) return rules.withId(entry.action, entry.payload, known[0]);
    // Its StartTransaction was dropped (or never queued here): the central system decides what to do with it.
    this.#logger.warn?.(`${entry.action} refers to a transaction whose id never arrived; sent with the local reference`, {
      chargePointId: this.charger.id,
      transactionId: ref,
    });
    return entry.payload;
  }

  async #delivered(item: Item, payload: Payload, response: object): Promise<void> {
    const rules = this.policy.transactionIds;
    const { action } = item.entry;
    if (rules?.startAction === action) {
      const id = rules.idFromResponse(response as Payload);
      if (id !== undefined) {
        const local = -item.seq;
        // Durable before the StartTransaction leaves the store: after a crash in between, the start is
        // sent again (a duplicate at the crash point) and its new answer replaces this one. The replaced
        // alias goes in the same journal batch (a crash keeps both or neither; open() keeps the later).
        const previous = this.#aliases.get(local);
        const [seq] = await Promise.all([
          this.store.append({ kind: "alias", local, id }),
          previous ? this.store.remove(previous[1]) : undefined,
        ]);
        this.#aliases.set(local, [id, seq]);
        this.emit("transactionId", { local, id });
      }
    }
    await this.#remove(item);
    item.resolve?.(response);
    this.emit("delivered", { seq: item.seq, action, payload, response });
  }

  /**
   * Removes a message that left the queue. A transaction's end (delivered or dropped) also retires its
   * local reference: nothing refers to it any more.
   * The aliases are keyed by local reference, which a StopTransaction queued after the id was known
   * no longer carries in its payload (call() rewrote it), hence `local`.
   */
  async #remove(item: Item): Promise<void> {
    const removed = [this.store.remove(item.seq)];
    const rules = this.policy.transactionIds;
    const { entry } = item;
    const ref = rules?.stopAction === entry.action ? (entry.local ?? rules.idOf(entry.action, entry.payload)) : undefined;
    const alias = ref === undefined ? undefined : this.#aliases.get(ref);
    if (ref !== undefined && alias) {
      this.#aliases.delete(ref);
      // In the same synchronous run, so a journal writes both removals in one batch: a crash keeps both
      // or neither (and the message goes out again with its alias).
      removed.push(this.store.remove(alias[1]));
    }
    await Promise.all(removed);
  }

  async #drop(item: Item, payload: Payload, error: MessageDroppedError): Promise<void> {
    await this.#remove(item);
    this.#logger.warn?.(error.message, { chargePointId: this.charger.id, seq: item.seq, payload });
    item.reject?.(error);
    this.emit("dropped", { seq: item.seq, action: item.entry.action, payload, error });
  }
}
