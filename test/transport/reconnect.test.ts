import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import {
  ConnectionClosedError,
  type LinkStateChange,
  NotConnectedError,
  ReconnectingConnection,
  type ReconnectOptions,
  silentLogger,
} from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { ChargePoint, call } from "ocppkit/v16";
import { TestCentralSystem } from "../support/central-system.js";
import { FaultProxy } from "../support/fault-proxy.js";

const fast: ReconnectOptions = {
  retryBackOffWaitMinimumMs: 5,
  retryBackOffRandomRangeMs: 0,
  retryBackOffRepeatTimes: 3,
  pingIntervalMs: 0,
  handshakeTimeoutMs: 5_000,
};
const heartbeat = () => new call.Heartbeat();

/** A charger on a reconnecting connection, with every state change recorded; closed at the end. */
function charger(t: { after(fn: () => unknown): void }, url: string, options: ReconnectOptions = {}, responseTimeoutMs = 10_000) {
  const connection = new ReconnectingConnection(url, { ...fast, ...options });
  const states: LinkStateChange[] = [];
  connection.on("state", (change) => states.push(change));
  const cp = new ChargePoint("CP-1", connection, { responseTimeoutMs, logger: silentLogger });
  const running = cp.start();
  running.catch(() => {});
  t.after(() => cp.close());
  const opens = () => states.filter((s) => s.state === "open").length;
  const nextOpen = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (opens() < count) return;
        connection.off("state", check);
        resolve();
      };
      connection.on("state", check);
      check();
    });
  return { connection, cp, states, running, nextOpen };
}

test("the same ChargePoint keeps calling after the central system restarts", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const { cp, states, nextOpen } = charger(t, server.url());
  await nextOpen(1);
  assert.ok(await cp.call(heartbeat()));

  await server.stop();
  await server.restart();
  await nextOpen(2);
  const result = await cp.call(heartbeat());
  assert.ok(result?.currentTime);
  assert.equal(server.connections, 2);
  assert.deepEqual(
    server.received.map((r) => [r.action, r.link]),
    [
      ["Heartbeat", 1],
      ["Heartbeat", 2],
    ],
  );
  const kinds = states.map((s) => s.state);
  assert.deepEqual(kinds.slice(0, 3), ["connecting", "open", "disconnected"]);
  assert.equal(kinds.at(-1), "open");
});

test("a reconnect offers only the subprotocol negotiated on the first link", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { protocols: ["ocpp2.0.1", "ocpp1.6"] });
  await nextOpen(1);
  proxy.cut();
  await nextOpen(2);
  assert.equal(connection.protocol, "ocpp1.6");
  assert.deepEqual(server.offered, [["ocpp2.0.1", "ocpp1.6"], ["ocpp1.6"]]);
});

test("a call in flight when the link drops fails at once with NotConnectedError, not a timeout", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  server.silent.add("Heartbeat");
  // A 60 s response timeout: were the drop not noticed, the test would hit its own 20 s limit.
  const { cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, {}, 60_000);
  await nextOpen(1);
  const inFlight = cp.call(heartbeat());
  await server.waitFor(() => server.received.length === 1);
  proxy.cut();
  await assert.rejects(inFlight, (error: Error) => error instanceof NotConnectedError && /link dropped/.test(error.message));
  server.silent.clear();
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()), "the next call goes out on the new link");
});

test("a call while offline fails fast, and waits for the link with waitForConnection", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { retryBackOffWaitMinimumMs: 50 });
  await nextOpen(1);
  proxy.refuse();
  proxy.cut();
  await new Promise<void>((resolve) => connection.once("state", () => resolve()));
  assert.equal(connection.isOpen, false);
  await assert.rejects(cp.call(heartbeat()), NotConnectedError);

  const waiting = cp.call(heartbeat(), { waitForConnection: true });
  proxy.refuse(false);
  assert.ok(await waiting);
  assert.equal(server.received.filter((r) => r.action === "Heartbeat").length, 1);
});

test("a call waiting for the link fails with NotConnectedError when none comes within the response timeout", {
  timeout: 20_000,
}, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, {}, 100);
  await nextOpen(1);
  proxy.refuse();
  proxy.cut();
  await new Promise<void>((resolve) => connection.once("state", () => resolve()));
  await assert.rejects(cp.call(heartbeat(), { waitForConnection: true }), /no connection within 100 ms/);
});

test("a stalled link without pongs is taken for dead and replaced", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, cp, states, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 30 });
  await nextOpen(1);
  const dead = new Promise<void>((resolve) => {
    const listener = (change: LinkStateChange) => {
      if (change.state !== "disconnected") return;
      // Before the next attempt (the event comes before its timer is set): its handshake must get through.
      proxy.unstall();
      connection.off("state", listener);
      resolve();
    };
    connection.on("state", listener);
  });
  proxy.stall();
  await dead;
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()));
  assert.equal(server.connections, 2);
  assert.ok(states.some((s) => s.state === "disconnected" && s.code === 1006));
});

test("a healthy link answers its pings and stays up", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const { cp, states, nextOpen } = charger(t, server.url(), { pingIntervalMs: 100 });
  await nextOpen(1);
  for (let i = 0; i < 5; i++) {
    assert.ok(await cp.call(heartbeat()));
    await new Promise((resolve) => setTimeout(resolve, 80));
  }
  assert.equal(server.connections, 1);
  assert.ok(!states.some((s) => s.state === "disconnected"));
});

test("a frame cut in the middle is not delivered and the link is replaced", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, {}, 60_000);
  await nextOpen(1);
  proxy.cutNextServerFrameInHalf();
  await assert.rejects(cp.call(heartbeat()), NotConnectedError);
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()));
});

test("it gives up after maxAttempts failed attempts and start() rejects", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  proxy.refuse();
  const { states, running } = charger(t, `${proxy.url}/ocpp/CP-1`, { maxAttempts: 3 });
  await assert.rejects(
    running,
    (error: Error) => error instanceof ConnectionClosedError && /gave up after 3 failed attempts/.test(error.message),
  );
  assert.equal(proxy.accepted, 3);
  assert.equal(states.filter((s) => s.state === "connecting").length, 3);
  assert.equal(states.at(-1)?.state, "closed");
});

test("the back-off doubles after each failed attempt RetryBackOffRepeatTimes times, then stays (2.0.1 part 4 section 5.3)", {
  timeout: 20_000,
}, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  proxy.refuse();
  const { states, running } = charger(t, `${proxy.url}/ocpp/CP-1`, {
    retryBackOffWaitMinimumMs: 2,
    retryBackOffRepeatTimes: 3,
    maxAttempts: 7,
  });
  await assert.rejects(running, ConnectionClosedError);
  const delays = states.flatMap((s) => (s.state === "disconnected" ? [s.retryInMs] : []));
  assert.deepEqual(delays, [4, 8, 16, 16, 16, 16]);
});

test("every back-off adds a new random part of at most RetryBackOffRandomRange", () => {
  const connection = new ReconnectingConnection("ws://127.0.0.1:9/never", {
    retryBackOffWaitMinimumMs: 1_000,
    retryBackOffRandomRangeMs: 500,
    retryBackOffRepeatTimes: 2,
  });
  connection.close();
  const waits = Array.from({ length: 200 }, (_, i) => connection.backOffMs(i % 4));
  for (const [i, wait] of waits.entries()) {
    const base = 1_000 * 2 ** Math.min(i % 4, 2);
    assert.ok(wait >= base && wait <= base + 500, `attempt ${i % 4}: ${wait} ms`);
  }
  assert.ok(new Set(waits).size > 20, "the random part varies");
});

test("a back-off too long for Node's timers is capped at their limit instead of firing at once", () => {
  // A central system may set RetryBackOffWaitMinimum to any integer; past 2^31 - 1 ms a timer fires after 1 ms.
  const connection = new ReconnectingConnection("ws://127.0.0.1:9/never", {
    retryBackOffWaitMinimumMs: 9_000_000_000_000,
    retryBackOffRandomRangeMs: 0,
  });
  connection.close();
  for (const failures of [0, 3, 10]) assert.equal(connection.backOffMs(failures), 2_147_483_647);
});

test("after every lost link the first attempt waits RetryBackOffWaitMinimum again, however many attempts failed before", {
  timeout: 20_000,
}, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  proxy.refuse();
  const { connection, states, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { retryBackOffWaitMinimumMs: 3 });
  await new Promise<void>((resolve) => {
    const listener = (change: LinkStateChange) => {
      if (change.state !== "disconnected" || change.failures < 4) return;
      connection.off("state", listener);
      resolve();
    };
    connection.on("state", listener);
  });
  proxy.refuse(false);
  await nextOpen(1);
  const before = states.length;
  proxy.cut();
  await nextOpen(2);
  const lost = states.slice(before).find((s) => s.state === "disconnected");
  assert.deepEqual(lost && "retryInMs" in lost ? [lost.failures, lost.retryInMs] : undefined, [0, 3]);
});

test("close() ends start() cleanly and no attempt follows", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const { connection, cp, running, nextOpen } = charger(t, server.url());
  await nextOpen(1);
  cp.close();
  await running;
  assert.equal(connection.state, "closed");
  await assert.rejects(cp.call(heartbeat()), NotConnectedError);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(server.connections, 1);
});

test("a normal close by the central system is a lost link too: the charger comes back", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const { cp, states, nextOpen } = charger(t, server.url());
  await nextOpen(1);
  server.closeLinks(1000, "bye");
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()));
  assert.ok(states.some((s) => s.state === "disconnected" && s.code === 1000 && s.reason === "bye"));
});

test("close() between attempts ends start() at once and stops reconnecting", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  proxy.refuse();
  const { connection, cp, running } = charger(t, `${proxy.url}/ocpp/CP-1`, { retryBackOffWaitMinimumMs: 10_000 });
  await new Promise<void>((resolve) => connection.once("state", (change) => change.state === "connecting" && resolve()));
  await new Promise<void>((resolve) => connection.once("state", () => resolve()));
  assert.equal(connection.state, "disconnected");
  cp.close();
  await running;
  assert.equal(connection.state, "closed");
  assert.equal(proxy.accepted, 1);
  await assert.rejects(connection.whenOpen(), NotConnectedError);
});

test("a refused upgrade (HTTP 401) is retried, with the status in the reason", { timeout: 20_000 }, async (t) => {
  const http = createServer();
  http.on("upgrade", (_request, socket) => socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n"));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => http.close(resolve)));
  const { states, running } = charger(t, `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ocpp/CP-1`, { maxAttempts: 2 });
  await assert.rejects(running, /gave up after 2 failed attempts: .*HTTP 401/);
  const reasons = states.flatMap((s) => (s.state === "disconnected" ? [s.reason] : []));
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /HTTP 401/);
});

test("after a dead link, an ocppkit/server central system takes the charger's new connection at once", { timeout: 20_000 }, async (t) => {
  const central = new CentralSystem({
    protocols: ["ocpp1.6"],
    logger: silentLogger,
    pingIntervalMs: 60_000,
    createChargePoint: ({ id, connection }) =>
      new ChargePoint(id, connection, { logger: silentLogger }).route("Heartbeat", () => ({ currentTime: new Date().toISOString() })),
  });
  const { port } = await central.listen(0, "127.0.0.1");
  t.after(() => central.close({ timeoutMs: 100 }));
  let connects = 0;
  central.on("connect", () => connects++);
  const proxy = await FaultProxy.start(port);
  t.after(() => proxy.close());
  const { connection, cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 30 });
  await nextOpen(1);
  const first = central.get("CP-1");
  connection.on("state", (change) => change.state === "disconnected" && proxy.unstall());
  // The server's side of the stalled link still looks open to it (its own ping is a minute away).
  proxy.stall();
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()));
  assert.equal(connects, 2);
  assert.notEqual(central.get("CP-1"), first, "the new connection replaced the half-open one");
});

/** Resolves on the next lost link, unstalling the proxy first so the next handshake gets through. */
function nextLoss(connection: ReconnectingConnection, proxy: FaultProxy): Promise<void> {
  return new Promise<void>((resolve) => {
    const listener = (change: LinkStateChange) => {
      if (change.state !== "disconnected") return;
      proxy.unstall();
      connection.off("state", listener);
      resolve();
    };
    connection.on("state", listener);
  });
}

test("a call on a black-holed link is noticed within the pong timeout, not at the next ping interval", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  // An hour between pings: only the probe after an unanswered message can notice within the test's time.
  const { connection, cp, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 3_600_000, pongTimeoutMs: 100 }, 60_000);
  await nextOpen(1);
  assert.equal(connection.pongTimeoutMs, 100);
  const lost = nextLoss(connection, proxy);
  proxy.stall();
  // Lost with the link, not after the 60 s response timeout.
  await assert.rejects(cp.call(heartbeat()), NotConnectedError);
  await lost;
  await nextOpen(2);
  assert.ok(await cp.call(heartbeat()));
});

test("an idle black-holed link is dropped one pong timeout after a ping", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 200, pongTimeoutMs: 50 });
  await nextOpen(1);
  const lost = nextLoss(connection, proxy);
  proxy.stall();
  await lost;
  await nextOpen(2);
  assert.equal(server.connections, 2);
});

test("setKeepalive turns pings on for the open link (a central system changing WebSocketPingInterval)", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 0 });
  await nextOpen(1);
  const lost = nextLoss(connection, proxy);
  proxy.stall();
  connection.setKeepalive(100, 30);
  assert.equal(connection.pingIntervalMs, 100);
  await lost;
  await nextOpen(2);
  assert.throws(() => connection.setKeepalive(-1), RangeError);
});

test("aliveSince tells a live link (pong) from a dead one (lost first)", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  const { connection, nextOpen } = charger(t, `${proxy.url}/ocpp/CP-1`, { pingIntervalMs: 3_600_000, pongTimeoutMs: 100 });
  await nextOpen(1);
  assert.equal(await connection.aliveSince(performance.now()), true);
  const lost = nextLoss(connection, proxy);
  proxy.stall();
  assert.equal(await connection.aliveSince(performance.now()), false);
  await lost;
});

test("a failed attempt carries its ConnectError: network failures are retryable, an HTTP 404 is not", { timeout: 20_000 }, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const proxy = await FaultProxy.start(server.port);
  t.after(() => proxy.close());
  proxy.refuse();
  const refused = charger(t, `${proxy.url}/ocpp/CP-1`, { maxAttempts: 2 });
  await assert.rejects(refused.running, ConnectionClosedError);
  const failed = refused.states.find((s) => s.state === "disconnected");
  assert.equal(failed?.state === "disconnected" && failed.error?.retryable, true);

  const http = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => http.close(resolve)));
  const missing = charger(t, `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ocpp/CP-1`, { maxAttempts: 2 });
  await assert.rejects(missing.running, ConnectionClosedError);
  const notFound = missing.states.find((s) => s.state === "disconnected");
  assert.equal(notFound?.state === "disconnected" && notFound.error?.statusCode, 404);
  assert.equal(notFound?.state === "disconnected" && notFound.error?.retryable, false);
});
