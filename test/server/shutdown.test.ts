import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { ConnectError, connect, on, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { Action, ChargePoint, call, callResult } from "ocppkit/v16";
import { openRaw } from "./helpers.js";

/** Holds every Heartbeat until released, so a reply is still being worked on when shutdown starts. */
class SlowBackend extends ChargePoint {
  static entered: () => void = () => {};
  static gate: Promise<void> = Promise.resolve();

  @on(Action.Heartbeat)
  async onHeartbeat() {
    SlowBackend.entered();
    await SlowBackend.gate;
    return new callResult.Heartbeat({ currentTime: "2026-01-01T00:00:00.000Z" });
  }
}

test("close() stops accepting, lets a running handler reply, closes every connection with 1001 and resolves", async (t) => {
  let release = () => {};
  SlowBackend.gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const entered = new Promise<void>((resolve) => {
    SlowBackend.entered = resolve;
  });
  const server = new CentralSystem({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new SlowBackend(id, connection, { logger: silentLogger }),
    logger: silentLogger,
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  const url = server.url;
  const connected = once(server, "connect");
  const charger = new ChargePoint("CP-1", await connect(`${url}/CP-1`), { logger: silentLogger });
  const running = charger.start().then(
    () => "clean",
    (error: Error) => error.message,
  );
  const other = await openRaw(t, `${url}/CP-2`);
  await connected;
  const events: string[] = [];
  other.closed.then(({ code }) => events.push(`other closed ${code}`));
  const reply = charger.call(new call.Heartbeat(), { suppress: false }).then((answer) => {
    events.push("reply");
    return answer;
  });
  await entered;

  let closed = false;
  const closing = server.close().then(() => {
    closed = true;
  });
  await assert.rejects(connect(`${url}/CP-3`, { handshakeTimeoutMs: 2000 }), ConnectError, "new connections are refused");
  assert.equal(closed, false, "close() waits for the running handler");
  events.push("release");
  release();

  assert.equal((await reply).currentTime, "2026-01-01T00:00:00.000Z");
  await closing;
  assert.equal(await running, "clean", "the charger saw a clean close (1001)");
  assert.equal((await other.closed).code, 1001);
  assert.equal(events.indexOf("release") < events.indexOf("reply"), true);
  assert.equal(server.size, 0);
  assert.equal(server.address(), undefined, "no longer listening");
});

test("close() gives up on a handler that never finishes after timeoutMs and closes anyway", async (t) => {
  SlowBackend.gate = new Promise<void>(() => {});
  const entered = new Promise<void>((resolve) => {
    SlowBackend.entered = resolve;
  });
  const server = new CentralSystem({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new SlowBackend(id, connection, { logger: silentLogger }),
    logger: silentLogger,
  });
  await server.listen(0, "127.0.0.1");
  const { socket, closed } = await openRaw(t, `${server.url}/CP-1`);
  socket.send(JSON.stringify([2, "stuck", "Heartbeat", {}]));
  await entered;
  await server.close({ timeoutMs: 100, code: 1012, reason: "restarting" });
  const { code, reason } = await closed;
  assert.equal(code, 1012);
  assert.equal(reason, "restarting");
});
