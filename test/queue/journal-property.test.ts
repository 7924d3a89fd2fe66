import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { JournalStore, type QueueRecord } from "ocppkit";

type Call = { kind: "append"; data: unknown } | { kind: "update"; pick: number; data: unknown } | { kind: "remove"; pick: number };
/** A step is one call awaited on its own, a burst of calls made together (one group commit), or a reopen. */
type Step = { kind: "call"; call: Call } | { kind: "burst"; calls: Call[] } | { kind: "reopen" };

const data = fc.jsonValue({ maxDepth: 2 });
const call: fc.Arbitrary<Call> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("append" as const), data }) },
  fc.record({ kind: fc.constant("update" as const), pick: fc.nat(), data }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }) },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("call" as const), call }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("burst" as const), calls: fc.array(call, { maxLength: 12 }) }) },
  fc.record({ kind: fc.constant("reopen" as const) }),
);

/** The journal's promise in a few lines: records in append order, seqs counting up from 1 and never reused. */
class Model {
  readonly records = new Map<number, unknown>();
  next = 1;

  /** Applies a call and returns the seq it targets (a live one for update, any for remove), or undefined for a refused update. */
  apply(call: Call): number | undefined {
    const live = [...this.records.keys()];
    if (call.kind === "append") {
      this.records.set(this.next, roundTrip(call.data));
      return this.next++;
    }
    if (call.kind === "update") {
      if (live.length === 0) return undefined;
      const seq = live[call.pick % live.length]!;
      this.records.set(seq, roundTrip(call.data));
      return seq;
    }
    // Picks among the live seqs and one that is gone, to cover remove of an unknown seq.
    const seq = live[call.pick % (live.length + 1)] ?? this.next + 5;
    this.records.delete(seq);
    return seq;
  }

  list(): QueueRecord[] {
    return [...this.records].map(([seq, data]) => ({ seq, data }));
  }
}

/** What the journal gives back: the data as JSON read it (e.g. -0 comes back as 0). */
function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function perform(store: JournalStore, model: Model, call: Call): Promise<unknown> {
  const seq = model.apply(call);
  if (call.kind === "append") return store.append(call.data).then((got) => assert.equal(got, seq, "append returns the next seq"));
  if (seq === undefined) return Promise.resolve();
  return call.kind === "update" ? store.update(seq, call.data) : store.remove(seq);
}

test("any sequence of calls and reopens leaves the same records as an in-memory model", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "ocppkit-journal-property-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.constantFrom(1, 300, 1 << 20), async (steps, compactAtBytes) => {
      const dir = join(root, String(run++));
      const options = { compactAtBytes, logger: {} };
      const model = new Model();
      let store = await JournalStore.open(dir, options);
      try {
        for (const current of steps) {
          if (current.kind === "call") await perform(store, model, current.call);
          else if (current.kind === "burst") await Promise.all(current.calls.map((one) => perform(store, model, one)));
          else {
            await store.close();
            store = await JournalStore.open(dir, options);
            assert.deepEqual(store.records, model.list());
          }
        }
      } finally {
        await store.close();
      }
      const reopened = await JournalStore.open(dir, options);
      await reopened.close();
      assert.deepEqual(reopened.records, model.list());
    }),
    { numRuns: 60 },
  );
});
