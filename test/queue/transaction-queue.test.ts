import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import {
  InvalidPayloadError,
  JournalStore,
  type LinkStateChange,
  MessageDroppedError,
  type QueueEntry,
  QueueFullError,
  ReconnectingConnection,
  type ReconnectOptions,
  silentLogger,
  TransactionQueue,
  type TransactionQueueOptions,
} from "ocppkit";
import { ChargePoint, call } from "ocppkit/v16";
import { TestCentralSystem } from "../support/central-system.js";
import { FaultProxy } from "../support/fault-proxy.js";
import { TrackingStore } from "../support/tracking-store.js";

type After = { after(fn: () => unknown): void };

async function setup(t: After, options: TransactionQueueOptions = {}, responseTimeoutMs = 10_000, link: ReconnectOptions = {}) {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const connection = new ReconnectingConnection(`${proxy.url}/ocpp/CP-1`, {
    retryBackOffWaitMinimumMs: 5,
    retryBackOffRandomRangeMs: 5,
    maxDelayMs: 20,
    pingIntervalMs: 0,
    ...link,
  });
  const charger = new ChargePoint("CP-1", connection, { responseTimeoutMs, logger: silentLogger });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  const queue = new TransactionQueue(charger, { retryIntervalMs: 5, logger: silentLogger, ...options });
  t.after(() => queue.close());
  /** Cuts the link and keeps it down until the returned function is called. */
  const outage = async () => {
    proxy.refuse();
    const down = new Promise<void>((resolve) => {
      const listener = (change: LinkStateChange) => {
        if (change.state !== "disconnected") return;
        connection.off("state", listener);
        resolve();
      };
      connection.on("state", listener);
    });
    proxy.cut();
    await down;
    return () => proxy.refuse(false);
  };
  await connection.whenOpen();
  return { server, proxy, connection, charger, queue, outage };
}

const now = () => new Date().toISOString();
const start = () => new call.StartTransaction({ connectorId: 1, idTag: "TAG", meterStart: 0, timestamp: now() });
const meter = (transactionId: number, value: number) =>
  new call.MeterValues({ connectorId: 1, transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: String(value) }] }] });
const stop = (transactionId: number) => new call.StopTransaction({ transactionId, meterStop: 10, timestamp: now() });
const boot = () => new call.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X1" });
const meterValueOf = (payload: Record<string, unknown>) =>
  Number((payload.meterValue as { sampledValue: { value: string }[] }[])[0].sampledValue[0].value);

test("1,000 messages queued during an outage are delivered in order, with the offline transaction's real id", {
  timeout: 60_000,
}, async (t) => {
  // The 30-second outage, shortened to 1 s: the queue does not care how long the link was down.
  const store = new TrackingStore<QueueEntry>();
  const { server, queue, outage } = await setup(t, { registered: true, store });
  const restore = await outage();
  const started = await queue.call(start());
  const local = started.transactionId;
  assert.ok(local !== undefined && local < 0, "a StartTransaction gets a local reference");
  for (let i = 0; i < 998; i++) await queue.call(meter(local, i));
  await queue.call(stop(local));
  assert.equal(queue.size, 1000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.equal(server.received.length, 0);
  restore();
  await queue.drained();

  assert.equal(server.received.length, 1000);
  assert.equal(server.received[0].action, "StartTransaction");
  const id = (await started.response).transactionId;
  assert.equal(id, 100);
  const meters = server.received.slice(1, 999);
  assert.ok(meters.every((r) => r.action === "MeterValues" && r.payload.transactionId === id));
  assert.deepEqual(
    meters.map((r) => meterValueOf(r.payload)),
    Array.from({ length: 998 }, (_, i) => i),
  );
  assert.equal(server.received[999].action, "StopTransaction");
  assert.equal(server.received[999].payload.transactionId, id);
  assert.equal(new Set(server.received.map((r) => r.uniqueId)).size, 1000);
  assert.deepEqual([...store.live.values()], [], "the transaction's id mapping is forgotten with its StopTransaction");
});

test("a StartTransaction queued offline gives its local reference's messages the central system's id", { timeout: 20_000 }, async (t) => {
  const store = new TrackingStore<QueueEntry>();
  const { server, queue, outage } = await setup(t, { registered: true, store });
  const ids: { local: number; id: number }[] = [];
  queue.on("transactionId", (event) => ids.push(event));
  const restore = await outage();
  server.nextTransactionId = 4711;
  const started = await queue.call(start());
  const local = started.transactionId ?? 0;
  await queue.call(meter(local, 1));
  restore();
  assert.equal((await started.response).transactionId, 4711);
  // Queued after the id is known: rewritten at once.
  await queue.call(meter(local, 2));
  const stopped = await queue.call(stop(local));
  await stopped.response;
  assert.deepEqual(ids, [{ local, id: 4711 }]);
  assert.deepEqual(
    server.received.map((r) => [r.action, r.payload.transactionId]),
    [
      ["StartTransaction", undefined],
      ["MeterValues", 4711],
      ["MeterValues", 4711],
      ["StopTransaction", 4711],
    ],
  );
  // The StopTransaction was stored with the real id (queued after it was known): the mapping goes all the same.
  assert.deepEqual([...store.live.values()], []);
});

test("a transaction started online leaves nothing in the store once its StopTransaction is delivered or dropped", {
  timeout: 20_000,
}, async (t) => {
  const store = new TrackingStore<QueueEntry>();
  const { server, queue } = await setup(t, { registered: true, store, attempts: 2 });
  const first = await queue.call(start());
  assert.equal((await first.response).transactionId, 100);
  assert.equal(store.live.size, 1, "the alias of the running transaction");
  await (await queue.call(meter(first.transactionId ?? 0, 1))).response;
  await (await queue.call(stop(first.transactionId ?? 0))).response;
  assert.deepEqual([...store.live.values()], []);

  const second = await queue.call(start());
  await second.response;
  server.failNext.set("StopTransaction", 2);
  const dropped = await queue.call(stop(second.transactionId ?? 0));
  await assert.rejects(dropped.response, MessageDroppedError);
  assert.deepEqual([...store.live.values()], [], "a dropped StopTransaction retires the alias too");
});

test("a failing message is retried as new CALLs and dropped after `attempts`, then the next one goes", { timeout: 20_000 }, async (t) => {
  const { server, queue } = await setup(t, { registered: true, attempts: 3 });
  const drops: string[] = [];
  queue.on("dropped", (drop) => drops.push(`${drop.action}:${drop.error.failures}`));
  server.failNext.set("StopTransaction", 5);
  const stopped = await queue.call(stop(7));
  const after = await queue.call(meter(7, 1));
  await assert.rejects(stopped.response, (error: Error) => error instanceof MessageDroppedError && error.failures === 3);
  await after.response;
  assert.deepEqual(server.actions(), ["StopTransaction", "StopTransaction", "StopTransaction", "MeterValues"]);
  assert.equal(new Set(server.received.map((r) => r.uniqueId)).size, 4, "every retry has a new message id");
  assert.deepEqual(drops, ["StopTransaction:3"]);
});

test("a message that fails fewer than `attempts` times is delivered once it succeeds", { timeout: 20_000 }, async (t) => {
  const { server, queue } = await setup(t, { registered: true, attempts: 3 });
  let dropped = 0;
  queue.on("dropped", () => dropped++);
  server.failNext.set("MeterValues", 2);
  const queued = await queue.call(meter(7, 1));
  await queued.response;
  assert.equal(server.actions().length, 3);
  assert.equal(dropped, 0);
});

test("no answer within the response timeout on a link shown alive (pongs) counts as a failed attempt", { timeout: 20_000 }, async (t) => {
  const { server, queue } = await setup(t, { registered: true, attempts: 2 }, 50, { pingIntervalMs: 3_600_000, pongTimeoutMs: 5_000 });
  server.silent.add("MeterValues");
  const queued = await queue.call(meter(7, 1));
  await assert.rejects(queued.response, (error: Error) => error instanceof MessageDroppedError && /no response/.test(error.message));
  assert.equal(server.actions().length, 2);
});

test("a lost link is not a failed attempt: the message in flight is sent again on the next link", { timeout: 20_000 }, async (t) => {
  const { server, proxy, queue } = await setup(t, { registered: true, attempts: 1 });
  server.silent.add("StartTransaction");
  const started = await queue.call(start());
  await server.waitFor(() => server.received.length === 1);
  server.silent.clear();
  proxy.cut();
  await started.response;
  assert.deepEqual(
    server.received.map((r) => [r.action, r.link]),
    [
      ["StartTransaction", 1],
      ["StartTransaction", 2],
    ],
  );
});

test("a call that timed out on a black-holed link is not a failed attempt: it is sent again on the next link", {
  timeout: 20_000,
}, async (t) => {
  // The response timeout is shorter than the pong timeout: the call times out before the link is known dead.
  const { server, proxy, connection, queue } = await setup(t, { registered: true, attempts: 1 }, 100, {
    pingIntervalMs: 3_600_000,
    pongTimeoutMs: 400,
  });
  let dropped = 0;
  queue.on("dropped", () => dropped++);
  connection.on("state", (change) => {
    if (change.state === "disconnected") proxy.unstall();
  });
  proxy.stall();
  const queued = await queue.call(meter(7, 1));
  await queued.response;
  assert.equal(dropped, 0);
  assert.deepEqual(
    server.received.map((r) => [r.action, r.link]),
    [["MeterValues", 2]],
  );
});

test("nothing is delivered until BootNotification is Accepted; Pending and Rejected are retried", { timeout: 20_000 }, async (t) => {
  const { server, proxy, connection, queue } = await setup(t, { bootRetryMs: 5 });
  const statuses: string[] = [];
  queue.on("registration", ({ status }) => statuses.push(status));
  server.bootStatuses = ["Pending", "Rejected"];
  server.bootInterval = 0;
  const queued = await queue.call(start());
  const accepted = await queue.register(boot());
  assert.equal(accepted.status, "Accepted");
  await queued.response;
  assert.deepEqual(server.actions(), ["BootNotification", "BootNotification", "BootNotification", "StartTransaction"]);
  assert.deepEqual(statuses, ["Pending", "Rejected", "Accepted"]);
  assert.equal(new Set(server.received.map((r) => r.uniqueId)).size, 4);

  // A reconnect does not register again.
  proxy.cut();
  await new Promise<void>((resolve) => connection.once("state", () => resolve()));
  await connection.whenOpen();
  const more = await queue.call(meter(100, 1));
  await more.response;
  assert.deepEqual(server.actions().slice(3), ["StartTransaction", "MeterValues"]);
  assert.equal(server.received.at(-1)?.link, 2);
});

test("a full queue refuses non-critical messages and still takes a StopTransaction", { timeout: 20_000 }, async (t) => {
  const { queue } = await setup(t, { maxSize: 2 });
  await queue.call(meter(1, 1));
  await queue.call(meter(1, 2));
  await assert.rejects(queue.call(meter(1, 3)), QueueFullError);
  await assert.rejects(
    queue.call(new call.SecurityEventNotification({ type: "TamperDetectionActivated", timestamp: now() })),
    QueueFullError,
  );
  await queue.call(stop(1));
  await queue.call(start());
  assert.equal(queue.size, 4);
});

test("other messages overtake a queue that is waiting to retry", { timeout: 20_000 }, async (t) => {
  const { server, charger, queue } = await setup(t, { registered: true, retryIntervalMs: 60_000 });
  server.failNext.set("MeterValues", 1);
  await queue.call(meter(1, 1));
  await server.waitFor(() => server.received.length === 1);
  assert.ok(await charger.call(new call.Heartbeat()));
  assert.deepEqual(server.actions(), ["MeterValues", "Heartbeat"]);
  assert.equal(queue.size, 1);
});

test("what call() refuses is not stored: invalid payloads, and messages that are not transaction-related", {
  timeout: 20_000,
}, async (t) => {
  const { queue } = await setup(t);
  await assert.rejects(queue.call(new call.StopTransaction({ meterStop: 1, timestamp: now() } as never)), InvalidPayloadError);
  await assert.rejects(queue.call(new call.Heartbeat()), /not a transaction-related message/);
  await assert.rejects(
    queue.call(new call.MeterValues({ connectorId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: "1" }] }] })),
    /not a transaction-related message/,
  );
  assert.equal(queue.size, 0);
});

test("messages kept in a journal are delivered by the next run, before new ones", { timeout: 20_000 }, async (t) => {
  const directory = await mkdtemp(join(tmpdir(), "ocppkit-queue-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const first = await setup(t);
  const queue1 = await TransactionQueue.open(first.charger, { directory, logger: silentLogger });
  const started = await queue1.call(start());
  const local = started.transactionId ?? 0;
  await queue1.call(meter(local, 1));
  await queue1.close();

  const second = await setup(t);
  const queue2 = await TransactionQueue.open(second.charger, { directory, logger: silentLogger, registered: true });
  t.after(() => queue2.close());
  assert.equal(queue2.size, 2);
  await queue2.call(stop(local));
  await queue2.drained();
  assert.deepEqual(
    second.server.received.map((r) => [r.action, r.payload.transactionId]),
    [
      ["StartTransaction", undefined],
      ["MeterValues", 100],
      ["StopTransaction", 100],
    ],
  );
  assert.equal(first.server.received.length, 0);
  await queue2.close();
  const reopened = await JournalStore.open(directory);
  t.after(() => reopened.close());
  assert.deepEqual(reopened.records, [], "nothing left in the journal, the id mapping included");
});

test("for any pattern of failures, each message is tried min(failures + 1, attempts) times in a row, in order", {
  timeout: 60_000,
}, async (t) => {
  const { server, charger, queue: unused } = await setup(t, { registered: true });
  await unused.close();
  const failures = new Map<number, number>();
  server.fail = (r) => {
    if (r.action !== "MeterValues") return false;
    const n = meterValueOf(r.payload);
    const left = failures.get(n) ?? 0;
    failures.set(n, left - 1);
    return left > 0;
  };
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 12 }), async (pattern) => {
      server.received.length = 0;
      failures.clear();
      for (const [n, count] of pattern.entries()) failures.set(n, count);
      const queue = new TransactionQueue(charger, { registered: true, attempts: 3, retryIntervalMs: 1, logger: silentLogger });
      const dropped: number[] = [];
      queue.on("dropped", (drop) => dropped.push(meterValueOf(drop.payload)));
      try {
        for (let n = 0; n < pattern.length; n++) await queue.call(meter(1, n));
        await queue.drained();
      } finally {
        await queue.close();
      }
      const expected = pattern.flatMap((count, n) => Array(Math.min(count + 1, 3)).fill(n));
      assert.deepEqual(
        server.received.map((r) => meterValueOf(r.payload)),
        expected,
      );
      assert.deepEqual(
        dropped,
        pattern.flatMap((count, n) => (count >= 3 ? [n] : [])),
      );
    }),
    { numRuns: 25 },
  );
});

test("onDurable runs once the message is stored and before the central system receives it, with the start's local reference", {
  timeout: 20_000,
}, async (t) => {
  const { server, queue } = await setup(t, { registered: true });
  const seen: { seq: number; transactionId?: number; receivedDuring: string[] }[] = [];
  const started = await queue.call(start(), {
    onDurable: async (queued) => {
      // However long the note takes, the message waits for it (call() resolves after it).
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen.push({ ...queued, receivedDuring: server.received.map((r) => r.action) });
    },
  });
  assert.deepEqual(seen, [{ seq: started.seq, transactionId: started.transactionId, receivedDuring: [] }]);
  await started.response;
  assert.deepEqual(
    server.received.map((r) => r.action),
    ["StartTransaction"],
  );
  // A hook that throws is logged; the message is delivered all the same.
  const stopped = await queue.call(stop(started.transactionId ?? 0), {
    onDurable: () => {
      throw new Error("disk full");
    },
  });
  await stopped.response;
  assert.deepEqual(
    server.received.map((r) => r.action),
    ["StartTransaction", "StopTransaction"],
  );
});
