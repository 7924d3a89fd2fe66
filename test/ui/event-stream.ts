/**
 * A page's live stream read as the browser's EventSource reads it: GET /events, server-sent events
 * parsed into StreamMessages, kept in order for the tests to wait on.
 */
import type { StreamMessage } from "ocppkit/ui";

export class EventStream {
  readonly messages: StreamMessage[] = [];
  readonly #abort = new AbortController();
  #waiters = new Set<() => void>();
  #ended: string | undefined;

  private constructor() {}

  /** Opens `${pageUrl}events` and resolves once the first message (the snapshot) arrived. */
  static async open(pageUrl: string): Promise<EventStream> {
    const stream = new EventStream();
    const response = await fetch(`${pageUrl}events`, { signal: stream.#abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`GET ${pageUrl}events answered ${response.status}`);
    stream.#read(response.body).catch((error: unknown) => stream.#end(String(error)));
    await stream.waitFor("the snapshot", (message) => message.kind === "snapshot");
    return stream;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const kind = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (kind && data !== undefined) this.messages.push({ kind, data: JSON.parse(data) } as StreamMessage);
        end = buffered.indexOf("\n\n");
      }
      for (const wake of this.#waiters) wake();
    }
    this.#end("the stream ended");
  }

  #end(reason: string): void {
    this.#ended ??= reason;
    for (const wake of this.#waiters) wake();
  }

  /** The first message matching `test` (already received or to come), or throws after `timeoutMs`. */
  waitFor<K extends StreamMessage["kind"]>(
    what: string,
    test: (message: StreamMessage) => message is Extract<StreamMessage, { kind: K }>,
    timeoutMs?: number,
  ): Promise<Extract<StreamMessage, { kind: K }>>;
  waitFor(what: string, test: (message: StreamMessage) => boolean, timeoutMs?: number): Promise<StreamMessage>;
  waitFor(what: string, test: (message: StreamMessage) => boolean, timeoutMs = 30_000): Promise<StreamMessage> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < this.messages.length; seen++) {
          if (!test(this.messages[seen])) continue;
          done();
          resolve(this.messages[seen]);
          return;
        }
        if (this.#ended && !this.#abort.signal.aborted) {
          done();
          reject(new Error(`waiting for ${what}: ${this.#ended}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} on the page's stream within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  close(): void {
    this.#abort.abort();
  }
}
