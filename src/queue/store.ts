/**
 * Where the transaction message queue keeps its messages. A record is durable once the promise of
 * the call that wrote it resolves: after a crash, `open()` of the same store returns every record
 * appended and not removed, with its latest data, in append order.
 */
export interface QueueRecord<T = unknown> {
  /** Increasing, never reused within one store (also not after a restart). */
  readonly seq: number;
  readonly data: T;
}

export interface QueueStore<T = unknown> {
  /** Records that survived from earlier runs (or [] for a new store), in append order. */
  readonly records: readonly QueueRecord<T>[];
  /** Adds a record at the end; resolves with its seq once it is durable. */
  append(data: T): Promise<number>;
  /** Replaces the data of a record (e.g. a rewritten transactionId, an attempt count). */
  update(seq: number, data: T): Promise<void>;
  /** Removes a delivered (or dropped) record. */
  remove(seq: number): Promise<void>;
  close(): Promise<void>;
}

/** A store that lives as long as the process: the default when no directory is given. */
export class MemoryStore<T = unknown> implements QueueStore<T> {
  readonly records: readonly QueueRecord<T>[] = [];
  #next = 1;

  append(_data: T): Promise<number> {
    return Promise.resolve(this.#next++);
  }

  update(_seq: number, _data: T): Promise<void> {
    return Promise.resolve();
  }

  remove(_seq: number): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
