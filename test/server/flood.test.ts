/**
 * Fair share (issue 12): a charger that pipelines CALLs (OCPP-J 1.6 section 4.1.1 says it should not,
 * 2.0.1 part 4 section 4.1.1 that it SHALL NOT) or goes over the rate limit waits its turn, and one that
 * keeps at it is closed with 1008, while well-behaved chargers beside it notice nothing. Real sockets;
 * every assertion is on counts and order, none on time.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { type TestContext, test } from "node:test";
import { connect, type FloodReport, silentLogger, type WsConnection } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { Action, ChargePoint, call } from "ocppkit/v16";
import { ChargePoint as ChargePoint21 } from "ocppkit/v21";
import type { WebSocket } from "ws";
import { countLoopTurns } from "../support/loop-turns.js";
import { type Options, openRaw, startCentralSystem } from "./helpers.js";

const heartbeat = (id: string) => `[2,"${id}","Heartbeat",{}]`;

/** Per charger: a running count of Heartbeats answered, returned as the seconds of currentTime. */
function sequencedHeartbeats() {
  const counts = new Map<string, number>();
  return (id: string) => {
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    return { currentTime: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() };
  };
}

interface Watch {
  readonly throttles: FloodReport[];
  readonly floods: FloodReport[];
}

async function server(t: TestContext, options: Options, heartbeatHandler: (id: string) => unknown) {
  const centralSystem = await startCentralSystem(t, {
    createChargePoint: ({ id, connection }) =>
      new ChargePoint(id, connection, { logger: silentLogger }).route(Action.Heartbeat, () => heartbeatHandler(id)),
    ...options,
  });
  const watch: Watch = { throttles: [], floods: [] };
  centralSystem.on("throttle", (_chargePoint, report) => watch.throttles.push(report));
  centralSystem.on("flood", (_chargePoint, report) => watch.floods.push(report));
  return { centralSystem, watch };
}

/** Opens `count` well-behaved chargers (ocppkit ChargePoints, one CALL at a time). */
async function wellBehaved(t: TestContext, url: string, count: number) {
  const chargers = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const charger = new ChargePoint(`GOOD-${i}`, await connect(`${url}/GOOD-${i}`), { logger: silentLogger });
      charger.start().catch(() => {});
      t.after(() => charger.close());
      return charger;
    }),
  );
  return chargers;
}

/** Each charger makes `calls` Heartbeats one after the other; resolves with each one's answer seconds, in order. */
function runSequential(chargers: readonly ChargePoint[], calls: number): Promise<number[][]> {
  return Promise.all(
    chargers.map(async (charger) => {
      const seconds: number[] = [];
      for (let i = 0; i < calls; i++) {
        const answer = await charger.call(new call.Heartbeat(), { suppress: false });
        seconds.push((Date.parse(answer.currentTime) - Date.UTC(2026, 0, 1)) / 1000);
      }
      return seconds;
    }),
  );
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Collects the message ids a raw socket gets answers for. */
function answersOf(socket: WebSocket): string[] {
  const ids: string[] = [];
  socket.on("message", (data) => ids.push((JSON.parse(String(data)) as [number, string])[1]));
  return ids;
}

async function until(condition: () => boolean, what: string, rounds = 6000): Promise<void> {
  for (let i = 0; i < rounds && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), `gave up waiting: ${what}`);
}

test("a pipelining charger never has more than maxPipelinedCalls CALLs in progress; well-behaved chargers beside it get every answer in order", async (t) => {
  const inProgress = new Map<string, number>();
  const most = new Map<string, number>();
  const next = sequencedHeartbeats();
  const { centralSystem, watch } = await server(t, { flood: { closeAfterThrottles: Number.POSITIVE_INFINITY } }, async (id) => {
    const now = (inProgress.get(id) ?? 0) + 1;
    inProgress.set(id, now);
    most.set(id, Math.max(most.get(id) ?? 0, now));
    // An asynchronous handler: CALLs stay in progress across event-loop turns, so a pipelining peer could pile them up.
    await new Promise((resolve) => setImmediate(resolve));
    inProgress.set(id, (inProgress.get(id) ?? 1) - 1);
    return next(id);
  });
  const good = await wellBehaved(t, centralSystem.url, 5);
  const flooder = await openRaw(t, `${centralSystem.url}/FLOODER`);
  const answered = answersOf(flooder.socket);
  const flood = 3000;
  for (let i = 0; i < flood; i++) flooder.socket.send(heartbeat(`f${i}`));
  const sequences = await runSequential(good, 40);

  for (const seconds of sequences) assert.deepEqual(seconds, oneToN(40), "every answer, in order, none an error");
  await until(() => answered.length === flood, "every pipelined CALL answered");
  assert.equal(new Set(answered).size, flood, "each pipelined CALL answered once: none lost");
  assert.equal(most.get("FLOODER"), 4, "the flooder's CALLs in progress reached the default bound of 4 and never more");
  for (let i = 0; i < 5; i++) assert.equal(most.get(`GOOD-${i}`), 1);
  assert.ok(watch.throttles.length > 0 && watch.throttles.every((report) => report.chargePointId === "FLOODER"));
  assert.equal(watch.floods.length, 0, "closeAfterThrottles: Infinity throttles without closing");
});

test("with a synchronous handler a pipelining charger's CALLs run a few at a time, never back to back", async (t) => {
  // A "run": handler calls with no return to the event loop between them (a microtask ends it).
  let run = 0;
  let inRun = false;
  const perRun = new Map<number, number>();
  const next = sequencedHeartbeats();
  const { centralSystem } = await server(t, { flood: { maxPipelinedCalls: 3, closeAfterThrottles: Number.POSITIVE_INFINITY } }, (id) => {
    if (id === "FLOODER") {
      if (!inRun) {
        inRun = true;
        run++;
        queueMicrotask(() => {
          inRun = false;
        });
      }
      perRun.set(run, (perRun.get(run) ?? 0) + 1);
    }
    return next(id);
  });
  const good = await wellBehaved(t, centralSystem.url, 3);
  const flooder = await openRaw(t, `${centralSystem.url}/FLOODER`);
  const answered = answersOf(flooder.socket);
  const flood = 5000;
  for (let i = 0; i < flood; i++) flooder.socket.send(heartbeat(`f${i}`));
  const sequences = await runSequential(good, 30);
  for (const seconds of sequences) assert.deepEqual(seconds, oneToN(30));
  await until(() => answered.length === flood, "every pipelined CALL answered");
  assert.deepEqual(
    answered,
    oneToN(flood).map((n) => `f${n - 1}`),
    "answered in the order sent",
  );
  // One slice from the backlog, and when that empties it and the socket resumes, the first CALLs of the
  // next read (the rest of it is held): twice maxPipelinedCalls at most.
  const most = Math.max(...perRun.values());
  assert.ok(most <= 6, `at most 2 x maxPipelinedCalls of the flooder's CALLs at a time, got ${most}`);
  assert.ok(perRun.size >= flood / 6, "so it took at least flood / 6 separate runs");
});

test("a throttled charger's messages already read are handed on a few dozen per event-loop turn, not a whole read at once", async (t) => {
  // A read from the socket holds up to 64 KiB: thousands of pipelined CALLs. Handed on back to back, they
  // would keep every other connection waiting until the last one is held.
  const turns = countLoopTurns();
  t.after(() => turns.stop());
  const next = sequencedHeartbeats();
  const centralSystem = await startCentralSystem(t, {
    flood: { closeAfterThrottles: Number.POSITIVE_INFINITY },
    createChargePoint: ({ id, connection }) =>
      new ChargePoint(id, connection, {
        logger: { frame: (_id, direction) => direction === "in" && id === "FLOODER" && turns.mark() },
      }).route(Action.Heartbeat, () => next(id)),
  });
  const flooder = await openRaw(t, `${centralSystem.url}/FLOODER`);
  const answered = answersOf(flooder.socket);
  const flood = 3000;
  for (let i = 0; i < flood; i++) flooder.socket.send(heartbeat(`f${i}`));
  await until(() => answered.length === flood, "every pipelined CALL answered");
  assert.deepEqual(
    answered,
    oneToN(flood).map((n) => `f${n - 1}`),
    "answered in the order sent",
  );
  // Per turn: the first CALLs of a fresh read up to the bound (4) and the one that throttles, plus 32
  // handed on from the read in hand (ws-connection.ts); a whole read would be a couple of thousand.
  assert.ok(turns.most <= 40, `at most a few dozen of the flooder's frames received in one turn, got ${turns.most}`);
  assert.ok(turns.turnsWithEvents >= flood / 40);
});

test("a throttled charger's answers go out a slice per write to the socket, not one write each", async (t) => {
  const next = sequencedHeartbeats();
  const { centralSystem } = await server(t, { flood: { closeAfterThrottles: Number.POSITIVE_INFINITY } }, next);
  const flooder = await openRaw(t, `${centralSystem.url}/FLOODER`);
  const answered = answersOf(flooder.socket);
  // The TCP socket below the server's WebSocket (ws keeps it as `_socket`): its writes are counted.
  const connection = centralSystem.get("FLOODER")?.connection as WsConnection;
  const tcp = (connection.socket as unknown as { _socket: Record<"_write" | "_writev", (...args: unknown[]) => void> })._socket;
  let writes = 0;
  for (const method of ["_write", "_writev"] as const) {
    const original = tcp[method].bind(tcp);
    tcp[method] = (...args: unknown[]) => {
      writes++;
      original(...args);
    };
  }
  const flood = 2000;
  for (let i = 0; i < flood; i++) flooder.socket.send(heartbeat(`f${i}`));
  await until(() => answered.length === flood, "every pipelined CALL answered");
  // Slices of maxPipelinedCalls (4) answers, each slice one write; the first CALLs of each read run at once.
  assert.ok(writes <= flood / 2, `${writes} writes for ${flood} answers`);
});

test("a pipelining charger that does not read its answers gets no more answered while 64 KiB of them are unsent", async (t) => {
  const big = "x".repeat(16 * 1024);
  let handled = 0;
  const centralSystem = await startCentralSystem(t, {
    flood: { closeAfterThrottles: Number.POSITIVE_INFINITY },
    createChargePoint: ({ id, connection }) =>
      new ChargePoint(id, connection, { logger: silentLogger }).route(Action.DataTransfer, () => {
        handled++;
        return { status: "Accepted", data: big };
      }),
  });
  const raw = await openRaw(t, `${centralSystem.url}/DEAF`);
  const answered = answersOf(raw.socket);
  raw.socket.pause();
  const flood = 4000;
  let mostUnsent = 0;
  const sample = () => {
    const unsent = (centralSystem.get("DEAF")?.connection as WsConnection | undefined)?.bufferedAmount ?? 0;
    mostUnsent = Math.max(mostUnsent, unsent);
  };
  for (let i = 0; i < flood; i++) {
    raw.socket.send(`[2,"d${i}","DataTransfer",{"vendorId":"x"}]`);
    if (i % 100 === 0) {
      sample();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  for (let i = 0; i < 100; i++) {
    sample();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // 64 MiB of answers do not fit in the sockets' buffers: the server stopped with most of them unanswered.
  assert.ok(handled < flood, `handled ${handled} of ${flood} while the charger read nothing`);
  // The limit, plus what one slice (or one read's CALLs within the bound) adds before it is looked at again.
  assert.ok(mostUnsent <= 64 * 1024 + 5 * (big.length + 100), `at most 64 KiB and one slice unsent, got ${mostUnsent}`);
  raw.socket.resume();
  await until(() => answered.length === flood, "every CALL answered once the charger reads");
  assert.equal(new Set(answered).size, flood);
});

test("a charger that keeps pipelining is closed with 1008 and reported with its id; the others carry on", async (t) => {
  const next = sequencedHeartbeats();
  const { centralSystem, watch } = await server(t, {}, next);
  const [good] = await wellBehaved(t, centralSystem.url, 1);
  const disconnected = once(centralSystem, "disconnect");
  const flooder = await openRaw(t, `${centralSystem.url}/FLOODER`);
  let sent = 0;
  // Pipelines as long as it is open (bounded): every read the server makes holds many CALLs.
  for (let batch = 0; batch < 2000 && flooder.socket.readyState === flooder.socket.OPEN; batch++) {
    for (let i = 0; i < 100; i++) flooder.socket.send(heartbeat(`f${sent++}`));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const closed = await flooder.closed;
  assert.equal(closed.code, 1008);
  assert.match(closed.reason, /pipelined/);
  assert.equal(watch.floods.length, 1);
  assert.deepEqual(watch.floods[0], { chargePointId: "FLOODER", reason: "pipelining", throttles: 10, closed: true });
  assert.deepEqual(
    watch.throttles.slice(-9).map((report) => report.throttles),
    oneToN(9),
    "nine throttles in a row reported before the tenth closes it",
  );
  const [gone] = await disconnected;
  assert.equal(gone.id, "FLOODER");
  const [seconds] = await runSequential([good], 3);
  assert.deepEqual(seconds, [1, 2, 3]);
  assert.equal(centralSystem.has("GOOD-0"), true);
});

test("a charger that sends one CALL at a time is never throttled, however fast", async (t) => {
  const next = sequencedHeartbeats();
  const { centralSystem, watch } = await server(t, { flood: { maxPipelinedCalls: 1, closeAfterThrottles: 1 } }, next);
  const chargers = await wellBehaved(t, centralSystem.url, 3);
  const sequences = await runSequential(chargers, 300);
  for (const seconds of sequences) assert.deepEqual(seconds, oneToN(300));
  assert.deepEqual(watch.throttles, []);
  assert.deepEqual(watch.floods, []);
});

test("the rate limit holds messages over it back and answers them all, in order", async (t) => {
  const next = sequencedHeartbeats();
  const { centralSystem, watch } = await server(
    t,
    { flood: { maxPipelinedCalls: Number.POSITIVE_INFINITY, rateLimit: { messagesPerSecond: 50, burst: 3 } } },
    next,
  );
  const raw = await openRaw(t, `${centralSystem.url}/FAST`);
  const answered = answersOf(raw.socket);
  for (let i = 0; i < 12; i++) raw.socket.send(heartbeat(`r${i}`));
  await until(() => answered.length === 12, "all 12 answered");
  assert.deepEqual(
    answered,
    oneToN(12).map((n) => `r${n - 1}`),
  );
  assert.ok(watch.throttles.length >= 1, "held back at least once");
  assert.ok(watch.throttles.every((report) => report.reason === "rateLimit" && report.chargePointId === "FAST"));
  assert.deepEqual(watch.floods, []);
});

test("a charger that stays over the rate limit is closed with 1008, even sending one CALL at a time", async (t) => {
  const next = sequencedHeartbeats();
  const { centralSystem, watch } = await server(
    t,
    { flood: { rateLimit: { messagesPerSecond: 20, burst: 2 }, closeAfterThrottles: 3 } },
    next,
  );
  const raw = await openRaw(t, `${centralSystem.url}/EAGER`);
  let n = 0;
  // Sequential, but asks again the moment each answer arrives: far above 20 per second.
  raw.socket.on("message", () => {
    if (n < 1000 && raw.socket.readyState === raw.socket.OPEN) raw.socket.send(heartbeat(`e${n++}`));
  });
  raw.socket.send(heartbeat(`e${n++}`));
  const closed = await raw.closed;
  assert.equal(closed.code, 1008);
  assert.match(closed.reason, /per second/);
  assert.deepEqual(watch.floods, [{ chargePointId: "EAGER", reason: "rateLimit", throttles: 3, closed: true }]);
  assert.deepEqual(
    watch.throttles.map((report) => report.reason),
    ["rateLimit", "rateLimit"],
  );
});

test("2.1 SENDs never count as pipelined CALLs, but the rate limit counts them", async (t) => {
  const stream = (i: number) =>
    `[6,"s${i}","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"2026-11-24T10:00:00.000Z","data":[{"t":${i},"v":"1"}]}]`;
  for (const rateLimit of [undefined, { messagesPerSecond: 100, burst: 5 }]) {
    const received: number[] = [];
    const centralSystem = new CentralSystem<ChargePoint21>({
      protocols: ["ocpp2.1"],
      logger: silentLogger,
      flood: { rateLimit, closeAfterThrottles: Number.POSITIVE_INFINITY },
      createChargePoint: ({ id, connection }) =>
        new ChargePoint21(id, connection, { logger: silentLogger }).route(
          "NotifyPeriodicEventStream",
          (payload: { data: { t: number }[] }) => {
            received.push(payload.data[0].t);
          },
        ),
    });
    await centralSystem.listen(0, "127.0.0.1");
    t.after(() => centralSystem.close({ timeoutMs: 500 }));
    const reasons: string[] = [];
    centralSystem.on("throttle", (_chargePoint, report) => reasons.push(report.reason));
    const raw = await openRaw(t, `${centralSystem.url}/STREAMER`, ["ocpp2.1"]);
    for (let i = 0; i < 30; i++) raw.socket.send(stream(i));
    await until(() => received.length === 30, "all 30 SENDs handled");
    assert.deepEqual(
      received,
      oneToN(30).map((n) => n - 1),
      "handled once each, in order",
    );
    if (rateLimit) assert.ok(reasons.length > 0 && reasons.every((reason) => reason === "rateLimit"));
    else assert.deepEqual(reasons, [], "30 SENDs in one read are not pipelined CALLs");
  }
});

test("flood options are checked", () => {
  assert.throws(
    () => new ChargePoint("X", { protocol: "", isOpen: false, send() {}, close() {}, listen() {} }, { flood: { maxPipelinedCalls: 0 } }),
    {
      name: "RangeError",
      message: /maxPipelinedCalls must be a whole number of at least 1/,
    },
  );
  assert.throws(
    () =>
      new ChargePoint(
        "X",
        { protocol: "", isOpen: false, send() {}, close() {}, listen() {} },
        { flood: { rateLimit: { messagesPerSecond: -1 } } },
      ),
    /rateLimit.messagesPerSecond must be a positive number/,
  );
});
