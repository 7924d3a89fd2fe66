import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { test } from "node:test";
import { connect, on, silentLogger } from "ocppkit";
import { type Rejection, RejectReason } from "ocppkit/server";
import { Action, ChargePoint, call, callResult } from "ocppkit/v16";
import { type Options, openRaw, refusedStatus, startCentralSystem } from "./helpers.js";

class Backend extends ChargePoint {
  @on(Action.Heartbeat)
  onHeartbeat() {
    return new callResult.Heartbeat({ currentTime: new Date().toISOString() });
  }
}

const backend = (t: Parameters<typeof startCentralSystem>[0], options: Options = {}) =>
  startCentralSystem(t, { createChargePoint: ({ id, connection }) => new Backend(id, connection, { logger: silentLogger }), ...options });

async function goodCharger(t: Parameters<typeof startCentralSystem>[0], url: string) {
  const charger = new ChargePoint("GOOD", await connect(`${url}/GOOD`), { logger: silentLogger });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  return charger;
}

const heartbeat = (id: string) => JSON.stringify([2, id, "Heartbeat", {}]);

test("a message over the default 64 KiB closes that connection with 1009 while others keep working", async (t) => {
  const server = await backend(t);
  const good = await goodCharger(t, server.url);
  const fits = await openRaw(t, `${server.url}/FITS`);
  const answered = once(fits.socket, "message");
  fits.socket.send(JSON.stringify([2, "fits", "DataTransfer", { vendorId: "x", data: "y".repeat(64 * 1024 - 100) }]));
  assert.match(String((await answered)[0]), /^\[4,"fits"/, "a message just under the limit is read and answered");

  const big = await openRaw(t, `${server.url}/BIG`);
  big.socket.send(JSON.stringify([2, "big", "DataTransfer", { vendorId: "x", data: "y".repeat(64 * 1024) }]));
  assert.equal((await big.closed).code, 1009);
  const reply = await good.call(new call.Heartbeat(), { suppress: false });
  assert.ok(reply.currentTime);
  assert.equal(fits.socket.readyState, fits.socket.OPEN);
});

test("maxPayload sets the limit", async (t) => {
  const server = await backend(t, { maxPayload: 1000 });
  const big = await openRaw(t, `${server.url}/BIG`);
  big.socket.send(heartbeat("x".repeat(10)) + " ".repeat(1000));
  assert.equal((await big.closed).code, 1009);
});

test("after maxConsecutiveBadFrames malformed messages in a row the connection is closed with 1002", async (t) => {
  const server = await backend(t, { maxConsecutiveBadFrames: 3 });
  const { socket, closed } = await openRaw(t, `${server.url}/NOISY`);
  const replies: string[] = [];
  socket.on("message", (data) => replies.push(String(data)));
  socket.send("not json");
  socket.send('{"an":"object"}');
  // A valid frame in between resets the count.
  socket.send(heartbeat("ok-1"));
  socket.send("[2,");
  socket.send("[]");
  socket.send(heartbeat("ok-2"));
  socket.send("garbage 1");
  socket.send("garbage 2");
  socket.send("garbage 3");
  socket.send(heartbeat("too-late"));
  const { code } = await closed;
  assert.equal(code, 1002);
  const answeredIds = replies.map((text) => JSON.parse(text)[1]);
  assert.deepEqual(answeredIds, ["ok-1", "ok-2"]);
});

test("the server answers everyone else while one charger floods it with garbage and oversized messages", async (t) => {
  const server = await backend(t, { maxConsecutiveBadFrames: 50, maxPayload: 4096 });
  const good = await goodCharger(t, server.url);
  const flooders = await Promise.all([1, 2, 3].map((n) => openRaw(t, `${server.url}/FLOOD-${n}`)));
  for (const [n, { socket }] of flooders.entries()) {
    for (let i = 0; i < 200 && socket.readyState === socket.OPEN; i++) socket.send(n === 2 && i === 10 ? "x".repeat(5000) : `junk ${i}`);
  }
  for (let i = 0; i < 20; i++) {
    const reply = await good.call(new call.Heartbeat(), { suppress: false });
    assert.ok(reply.currentTime);
  }
  const codes = await Promise.all(flooders.map(({ closed }) => closed.then(({ code }) => code)));
  assert.deepEqual(codes.sort(), [1002, 1002, 1009]);
  assert.ok(server.has("GOOD"));
  assert.equal(server.size, 1);
});

test("a client that never finishes its HTTP request is disconnected after handshakeTimeoutMs", async (t) => {
  const server = await backend(t, { handshakeTimeoutMs: 200 });
  const { port } = server.address()!;
  const socket = tcpConnect(port, "127.0.0.1");
  t.after(() => socket.destroy());
  socket.on("error", () => {});
  let response = "";
  socket.on("data", (chunk) => {
    response += String(chunk);
  });
  await once(socket, "connect");
  socket.write("GET /ocpp/SLOW HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
  await once(socket, "close");
  assert.match(response, /^HTTP\/1\.1 408/);
  assert.equal(server.size, 0);
});

test("a client that connects and sends nothing is disconnected after handshakeTimeoutMs, over ws and over wss", async (t) => {
  const certs = new URL("../../../test/fixtures/certs/", import.meta.url);
  const tls = { key: readFileSync(new URL("server.key", certs)), cert: readFileSync(new URL("server.crt", certs)) };
  for (const options of [{}, { tls }]) {
    const server = await backend(t, { handshakeTimeoutMs: 200, ...options });
    const socket = tcpConnect(server.address()!.port, "127.0.0.1");
    t.after(() => socket.destroy());
    socket.on("error", () => {});
    socket.resume();
    await once(socket, "close");
    assert.equal(server.size, 0);
  }
});

test("hooks that take longer than handshakeTimeoutMs get HTTP 408 and a reject event", async (t) => {
  let release = () => {};
  const held = new Promise<boolean>((resolve) => {
    release = () => resolve(true);
  });
  t.after(() => release());
  const server = await backend(t, { handshakeTimeoutMs: 150, authenticate: () => held });
  const rejected = once(server, "reject") as Promise<[Rejection]>;
  assert.equal(await refusedStatus(`${server.url}/SLOW`), 408);
  const [rejection] = await rejected;
  assert.equal(rejection.reason, RejectReason.HandshakeTimeout);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(server.size, 0, "a hook answering late does not open the connection");
});
