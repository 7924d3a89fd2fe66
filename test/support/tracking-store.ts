import type { QueueRecord, QueueStore } from "ocppkit";

/** A QueueStore in memory that shows what it holds: the tests check that nothing is left behind. */
export class TrackingStore<T = unknown> implements QueueStore<T> {
  readonly records: readonly QueueRecord<T>[] = [];
  readonly live = new Map<number, T>();
  #next = 1;

  append(data: T): Promise<number> {
    const seq = this.#next++;
    this.live.set(seq, structuredClone(data));
    return Promise.resolve(seq);
  }

  update(seq: number, data: T): Promise<void> {
    if (this.live.has(seq)) this.live.set(seq, structuredClone(data));
    return Promise.resolve();
  }

  remove(seq: number): Promise<void> {
    this.live.delete(seq);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
