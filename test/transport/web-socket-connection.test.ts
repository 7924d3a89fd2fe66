/**
 * The WHATWG WebSocket adapter: once in-process over `ws`'s EventTarget interface (addEventListener,
 * event.data), once in a child process over Node's own WHATWG WebSocket (undici, `--experimental-websocket`
 * on Node 20), which is what browsers, Deno and Node 22+ give.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { NotConnectedError, WebSocketConnection, type WhatwgWebSocket } from "ocppkit";
import { ChargePoint, call, callResult } from "ocppkit/v16";
import { WebSocket } from "ws";
import { startServer } from "../support/peers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

test("a ChargePoint over the WHATWG adapter (ws's EventTarget interface) makes and answers calls", async (t) => {
  const server = await startServer(t);
  const socket = new WebSocket(`${server.url}/CP-W`, ["ocpp1.6"]);
  await once(socket, "open");
  const connection = new WebSocketConnection(socket as unknown as WhatwgWebSocket);
  const charger = new ChargePoint("CP-W", connection, { logger: {} });
  charger.route("Reset", () => ({ status: "Accepted" }));
  const chargerRunning = charger.start();

  const central = new ChargePoint("CP-W", (await server.accepted()).connection, { logger: {} });
  central.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  const centralRunning = central.start();

  assert.equal(connection.protocol, "ocpp1.6");
  assert.equal(connection.isOpen, true);
  const heartbeat = await charger.call(new call.Heartbeat({}), { suppress: false });
  assert.ok(heartbeat instanceof callResult.Heartbeat);
  assert.equal(heartbeat.currentTime, "2026-11-24T10:00:00Z");
  const reset = await central.call(new call.Reset({ type: "Soft" }), { suppress: false });
  assert.ok(reset instanceof callResult.Reset);
  assert.equal(reset.status, "Accepted");

  charger.close(1000, "bye");
  await chargerRunning;
  await centralRunning;
  assert.equal(connection.isOpen, false);
  assert.throws(() => connection.send("[2]"), NotConnectedError);
});

test("the WHATWG adapter decodes binary message data (ArrayBuffer) as UTF-8 text", async (t) => {
  const server = await startServer(t);
  const socket = new WebSocket(`${server.url}/CP-B`, ["ocpp1.6"]);
  socket.binaryType = "arraybuffer";
  await once(socket, "open");
  const charger = new ChargePoint("CP-B", new WebSocketConnection(socket as unknown as WhatwgWebSocket), { logger: {} });
  charger.route("DataTransfer", ({ data }: { data?: string }) => ({ status: "Accepted", data: `écho ${data}` }));
  const running = charger.start();
  const accepted = await server.accepted();
  const reply = once(accepted.socket, "message");
  accepted.socket.send(Buffer.from(JSON.stringify([2, "bin", "DataTransfer", { vendorId: "com.acme", data: "ünïcode" }])), {
    binary: true,
  });
  assert.deepEqual(JSON.parse(String((await reply)[0])), [3, "bin", { status: "Accepted", data: "écho ünïcode" }]);
  charger.close();
  await running;
});

test("a ChargePoint built on Node's own WHATWG WebSocket round-trips calls both ways", async (t) => {
  const server = await startServer(t);
  const child = `
    import { ChargePoint, call, callResult } from "ocppkit/v16";
    const socket = new WebSocket(process.env.CS_URL, ["ocpp1.6"]);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", () => reject(new Error("cannot open")));
    });
    // Handed the WHATWG socket itself: the ChargePoint picks the WHATWG adapter.
    const charger = new ChargePoint("CP-N", socket, { logger: {} });
    charger.route("Reset", () => ({ status: "Accepted" }));
    charger.routeAfter("Reset", () => charger.close(1000, "resetting"));
    const running = charger.start();
    const result = await charger.call(new call.Heartbeat({}), { suppress: false });
    console.log(JSON.stringify({
      adapter: charger.connection.constructor.name,
      isHeartbeat: result instanceof callResult.Heartbeat,
      currentTime: result.currentTime,
      protocol: charger.connection.protocol,
    }));
    await running;
  `;
  const childDone = promisify(execFile)(
    process.execPath,
    ["--experimental-websocket", "--no-warnings", "--input-type=module", "-e", child],
    {
      cwd: root,
      env: { ...process.env, CS_URL: `${server.url}/CP-N` },
      timeout: 20_000,
    },
  );
  childDone.catch(() => {});

  const central = new ChargePoint("CP-N", (await server.accepted()).connection, { logger: {} });
  let heartbeatSeen!: () => void;
  const heartbeat = new Promise<void>((resolve) => {
    heartbeatSeen = resolve;
  });
  central.route("Heartbeat", () => {
    heartbeatSeen();
    return { currentTime: "2026-11-24T10:00:00Z" };
  });
  const running = central.start();
  await heartbeat;
  const reset = await central.call(new call.Reset({ type: "Soft" }), { suppress: false });
  assert.equal(reset.status, "Accepted");
  await running; // the child closed with 1000 from its @after handler
  const { stdout } = await childDone;
  assert.deepEqual(JSON.parse(stdout), {
    adapter: "WebSocketConnection",
    isHeartbeat: true,
    currentTime: "2026-11-24T10:00:00Z",
    protocol: "ocpp1.6",
  });
});

test("the WHATWG adapter closes with 1000 for codes a WHATWG client may not send, and keeps 3000-4999", async (t) => {
  const server = await startServer(t);
  for (const [code, expected] of [
    [1011, 1000],
    [4001, 4001],
  ] as const) {
    const socket = new WebSocket(`${server.url}/CP-C`, ["ocpp1.6"]);
    await once(socket, "open");
    const accepted = await server.accepted();
    const closed = once(accepted.socket, "close");
    new WebSocketConnection(socket as unknown as WhatwgWebSocket).close(code, "done");
    const [received] = await closed;
    assert.equal(received, expected);
  }
});
