/**
 * The charge point side of the fair-share policy: a central system that pipelines CALLs at a charger
 * (OCPP-J 1.6 section 4.1.1, 2.0.1 part 4 section 4.1.1) gets them answered a few at a time, while the
 * charger's own calls keep getting through; one that keeps at it loses the link (1008) and the charger
 * carries on over a new one. Real sockets; counts and order only.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { connect, type FloodReport, ReconnectingConnection, silentLogger, WebSocketConnection } from "ocppkit";
import { Action, ChargePoint, call } from "ocppkit/v16";
import { WebSocket } from "ws";
import { countLoopTurns } from "../support/loop-turns.js";
import { startServer } from "../support/peers.js";

const dataTransfer = (id: string) => `[2,"${id}","DataTransfer",{"vendorId":"flood"}]`;
const now = "2026-11-24T10:00:00.000Z";

/** A raw central system link: answers each Heartbeat at once and counts the answers to its own CALLs. */
function answeringHeartbeats(socket: WebSocket) {
  const answered: string[] = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as [number, string, string?];
    if (frame[0] === 2 && frame[2] === "Heartbeat") socket.send(JSON.stringify([3, frame[1], { currentTime: now }]));
    else if (frame[0] === 3) answered.push(frame[1]);
  });
  return answered;
}

test("a central system pipelining CALLs at a charger has at most maxPipelinedCalls in progress, and the charger's own calls still get through", async (t) => {
  const server = await startServer(t);
  const reports: FloodReport[] = [];
  let inProgress = 0;
  let most = 0;
  const charger = new ChargePoint("CP-1", await connect(`${server.url}/CP-1`), {
    logger: silentLogger,
    flood: { closeAfterThrottles: Number.POSITIVE_INFINITY, report: (report) => reports.push(report) },
  }).route(Action.DataTransfer, async () => {
    most = Math.max(most, ++inProgress);
    await new Promise((resolve) => setImmediate(resolve));
    inProgress--;
    return { status: "Accepted" };
  });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  const { socket } = await server.accepted();
  const answered = answeringHeartbeats(socket);
  const flood = 4000;
  for (let i = 0; i < flood; i++) socket.send(dataTransfer(`d${i}`));

  let ownAnswers = 0;
  for (let i = 0; i < 20; i++) {
    const answer = await charger.call(new call.Heartbeat(), { suppress: false });
    assert.equal(answer.currentTime, now);
    ownAnswers++;
  }
  assert.equal(ownAnswers, 20);
  for (let i = 0; i < 6000 && answered.length < flood; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(answered.length, flood, "every pipelined CALL answered, none lost");
  assert.equal(new Set(answered).size, flood);
  assert.equal(most, 4, "the default bound: 4 in progress at most");
  assert.ok(reports.length > 0 && reports.every((report) => report.chargePointId === "CP-1" && !report.closed));
});

test("a throttled central system's CALLs already read are handed on a few dozen per event-loop turn, and the charger's own calls get through meanwhile", async (t) => {
  const server = await startServer(t);
  const turns = countLoopTurns();
  t.after(() => turns.stop());
  const charger = new ChargePoint("CP-4", await connect(`${server.url}/CP-4`), {
    logger: { frame: (_id, direction, text) => direction === "in" && text.startsWith("[2,") && turns.mark() },
    flood: { closeAfterThrottles: Number.POSITIVE_INFINITY },
  }).route(Action.DataTransfer, () => ({ status: "Accepted" }));
  charger.start().catch(() => {});
  t.after(() => charger.close());
  const { socket } = await server.accepted();
  const answered = answeringHeartbeats(socket);
  const flood = 3000;
  for (let i = 0; i < flood; i++) socket.send(dataTransfer(`d${i}`));
  const answer = await charger.call(new call.Heartbeat(), { suppress: false });
  assert.equal(answer.currentTime, now);
  for (let i = 0; i < 6000 && answered.length < flood; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(
    answered,
    Array.from({ length: flood }, (_, i) => `d${i}`),
    "every pipelined CALL answered, in order",
  );
  // Per turn: the first CALLs of a fresh read up to the bound (4) and the one that throttles, plus 32
  // handed on from the read in hand (ws-connection.ts); never a whole read (thousands of CALLs) at once.
  assert.ok(turns.most <= 40, `at most a few dozen of the CALLs received in one turn, got ${turns.most}`);
  assert.ok(turns.turnsWithEvents >= flood / 40);
});

test("a central system that keeps pipelining loses the link with 1008; a reconnecting charger carries on over a new one", async (t) => {
  const server = await startServer(t);
  const reports: FloodReport[] = [];
  const connection = new ReconnectingConnection(`${server.url}/CP-2`, { minDelayMs: 10, maxDelayMs: 50, pingIntervalMs: 0 });
  const charger = new ChargePoint("CP-2", connection, {
    logger: silentLogger,
    flood: { closeAfterThrottles: 3, report: (report) => reports.push(report) },
  }).route(Action.DataTransfer, () => ({ status: "Accepted" }));
  charger.start().catch(() => {});
  t.after(() => charger.close());

  const first = await server.accepted();
  const firstClosed = once(first.socket, "close");
  // The first link floods for as long as it is open (bounded).
  for (let sent = 0, batch = 0; batch < 2000 && first.socket.readyState === first.socket.OPEN; batch++) {
    for (let i = 0; i < 100; i++) first.socket.send(dataTransfer(`d${sent++}`));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const [code] = await firstClosed;
  assert.equal(code, 1008, "the charger closed the flooding link with 1008");
  assert.deepEqual(reports.at(-1), { chargePointId: "CP-2", reason: "pipelining", throttles: 3, closed: true });

  // The second link behaves: the charger's own traffic flows again.
  const second = await server.accepted();
  answeringHeartbeats(second.socket);
  const answer = await charger.call(new call.Heartbeat(), { suppress: false, waitForConnection: true });
  assert.equal(answer.currentTime, now);
  assert.equal(charger.closed, false);
});

test("on a socket that cannot be paused (WHATWG), more than 1000 held messages close the connection", async (t) => {
  const server = await startServer(t);
  const reports: FloodReport[] = [];
  const socket = new WebSocket(`${server.url}/CP-3`, ["ocpp1.6"]);
  await once(socket, "open");
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  // ws's WHATWG-style API (addEventListener) through the WHATWG adapter, which cannot pause its socket.
  const charger = new ChargePoint("CP-3", new WebSocketConnection(socket), {
    logger: silentLogger,
    flood: { closeAfterThrottles: Number.POSITIVE_INFINITY, report: (report) => reports.push(report) },
  }).route(Action.DataTransfer, async () => {
    // Handlers that do not finish keep 4 CALLs in progress, so everything after them is held.
    await released;
    return { status: "Accepted" };
  });
  charger.start().catch(() => {});
  t.after(() => {
    release();
    charger.close();
  });
  const accepted = await server.accepted();
  const closed = once(accepted.socket, "close");
  for (let i = 0; i < 1100; i++) accepted.socket.send(dataTransfer(`d${i}`));
  const [code] = await closed;
  // A WHATWG client may not send 1008, so the adapter closes with 1000 (see WebSocketConnection).
  assert.equal(code, 1000);
  assert.deepEqual(reports.at(-1), { chargePointId: "CP-3", reason: "pipelining", throttles: 1, closed: true });
});
