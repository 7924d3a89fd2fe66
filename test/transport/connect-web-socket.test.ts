/**
 * connectWebSocket(), the connect() of WHATWG runtimes. Node 20 has no global WebSocket, so these tests
 * hand it `ws`'s WebSocket, which speaks the WHATWG event API; test/browser/ runs it in Chromium.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { ConnectError, connectWebSocket, type WhatwgWebSocketConstructor } from "ocppkit/core";
import { ChargePoint, call } from "ocppkit/v16";
import { WebSocket, WebSocketServer } from "ws";
import { startServer } from "../support/peers.js";

const WhatwgWs = WebSocket as unknown as WhatwgWebSocketConstructor;

test("connectWebSocket() resolves once the socket is open, and a ChargePoint calls over it", async (t) => {
  const server = await startServer(t);
  const connection = await connectWebSocket(`${server.url}/CP-W`, { WebSocket: WhatwgWs });
  t.after(() => connection.close());
  assert.equal(connection.isOpen, true);
  assert.equal(connection.protocol, "ocpp1.6");
  const accepted = await server.accepted();
  const peer = new ChargePoint("CP-W", accepted.connection, { logger: {} });
  peer.route("Heartbeat", () => ({ currentTime: "2026-11-29T12:00:00Z" }));
  peer.start().catch(() => {}); // ends with the test's cleanup, abnormally
  const charger = new ChargePoint("CP-W", connection, { logger: {} });
  charger.start().catch(() => {});
  const answer = await charger.call(new call.Heartbeat());
  assert.equal(answer?.currentTime, "2026-11-29T12:00:00Z");
});

test("connectWebSocket() rejects with a ConnectError when nothing listens or no subprotocol is agreed", async (t) => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => false });
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise((resolve) => server.close(resolve));
  });
  await assert.rejects(connectWebSocket(`ws://127.0.0.1:${port}/CP-1`, { WebSocket: WhatwgWs }), (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.match(error.message, new RegExp(`ws://127\\.0\\.0\\.1:${port}/CP-1`));
    return true;
  });
  server.close();
  await assert.rejects(connectWebSocket(`ws://127.0.0.1:${port}/CP-1`, { WebSocket: WhatwgWs }), /Cannot connect to .*failed to open/);
});

test("connectWebSocket() without a WebSocket class in a runtime that has none says what to pass", async () => {
  const global = globalThis as { WebSocket?: unknown };
  const saved = global.WebSocket;
  delete global.WebSocket;
  try {
    await assert.rejects(connectWebSocket("ws://127.0.0.1:1/CP-1"), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.match(error.message, /no global WebSocket; pass one as the WebSocket option/);
      return true;
    });
  } finally {
    if (saved !== undefined) global.WebSocket = saved;
  }
});
