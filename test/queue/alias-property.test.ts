import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { JournalStore, ReconnectingConnection, silentLogger, TransactionQueue } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v16";
import { TestCentralSystem } from "../support/central-system.js";

type Op =
  | { readonly kind: "start" }
  | { readonly kind: "meter" | "stop"; readonly pick: number }
  | { readonly kind: "fail"; readonly action: "StartTransaction" | "MeterValues" | "StopTransaction"; readonly times: number }
  | { readonly kind: "deliver" }
  | { readonly kind: "restart" };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: "start" } as const),
  fc.record({ kind: fc.constantFrom("meter" as const, "stop" as const), pick: fc.nat(9) }),
  fc.record({
    kind: fc.constant("fail" as const),
    action: fc.constantFrom("StartTransaction" as const, "MeterValues" as const, "StopTransaction" as const),
    times: fc.integer({ min: 1, max: 3 }),
  }),
  fc.constant({ kind: "deliver" } as const),
  fc.constant({ kind: "restart" } as const),
);

const now = () => new Date().toISOString();

test("any sequence of queue operations, deliveries, drops and restarts ends with an empty store once every message is delivered or dropped", {
  timeout: 120_000,
}, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const connection = new ReconnectingConnection(server.url(), { retryBackOffWaitMinimumMs: 5, pingIntervalMs: 0 });
  const charger = new ChargePoint("CP-1", connection, { responseTimeoutMs: 10_000, logger: silentLogger });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  await connection.whenOpen();
  const root = await mkdtemp(join(tmpdir(), "ocppkit-alias-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  let run = 0;

  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      const directory = join(root, String(run++));
      server.failNext.clear();
      const open = () =>
        TransactionQueue.open(charger, { directory, registered: true, attempts: 2, retryIntervalMs: 1, logger: silentLogger });
      let queue = await open();
      // Local references of the transactions started and not yet stopped: each gets a StopTransaction in the end.
      const running: number[] = [];
      try {
        for (const step of ops) {
          if (step.kind === "start") {
            const queued = await queue.call(new call.StartTransaction({ connectorId: 1, idTag: "TAG", meterStart: 0, timestamp: now() }));
            running.push(queued.transactionId ?? 0);
          } else if (step.kind === "fail") {
            server.failNext.set(step.action, step.times);
          } else if (step.kind === "deliver") {
            await queue.drained();
          } else if (step.kind === "restart") {
            await queue.close();
            queue = await open();
          } else if (running.length > 0) {
            const index = step.pick % running.length;
            const transactionId = running[index];
            if (step.kind === "meter") {
              const sampledValue = [{ value: "1" }];
              await queue.call(new call.MeterValues({ connectorId: 1, transactionId, meterValue: [{ timestamp: now(), sampledValue }] }));
            } else {
              running.splice(index, 1);
              await queue.call(new call.StopTransaction({ transactionId, meterStop: 1, timestamp: now() }));
            }
          }
        }
        for (const transactionId of running.splice(0)) {
          await queue.call(new call.StopTransaction({ transactionId, meterStop: 1, timestamp: now() }));
        }
        await queue.drained();
      } finally {
        await queue.close();
      }
      const store = await JournalStore.open(directory);
      try {
        assert.deepEqual(store.records, []);
      } finally {
        await store.close();
      }
    }),
    { numRuns: 40 },
  );
});
