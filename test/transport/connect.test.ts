import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:net";
import { test } from "node:test";
import { ConnectError, connect } from "ocppkit";
import { ChargePoint } from "ocppkit/v16";
import { type WebSocket, WebSocketServer } from "ws";
import { startServer } from "../support/peers.js";

/** The Sec-WebSocket-Protocol list (RFC 6455 section 4.1: comma-separated, in order of preference). */
const offered = (header: string | undefined) => (header ?? "").split(",").map((name) => name.trim());

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("connect() to a port nobody listens on rejects with a ConnectError that says the connection was refused", async () => {
  const port = await closedPort();
  await assert.rejects(connect(`ws://127.0.0.1:${port}/CP-1`), (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.message, new RegExp(`ws://127\\.0\\.0\\.1:${port}/CP-1`));
    assert.equal(error.statusCode, undefined);
    return true;
  });
});

test("connect() refused with an HTTP status rejects with a ConnectError carrying statusCode", async (t) => {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (_info, done) => done(false, 401, "Unauthorized"),
  });
  await once(server, "listening");
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as { port: number };
  await assert.rejects(connect(`ws://127.0.0.1:${port}/CP-1`), (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.statusCode, 401);
    assert.match(error.message, /HTTP 401/);
    return true;
  });
});

test("connect() offers the ocpp1.6 subprotocol by default", async (t) => {
  const server = await startServer(t);
  const connection = await connect(`${server.url}/CP-1`);
  t.after(() => connection.close());
  const { request } = await server.accepted();
  assert.deepEqual(offered(request.headers["sec-websocket-protocol"]), ["ocpp1.6"]);
  assert.equal(request.url, "/CP-1");
  assert.equal(connection.protocol, "ocpp1.6");
  assert.equal(connection.isOpen, true);
});

test("connect() offers a custom protocols list exactly as given", async (t) => {
  const server = await startServer(t);
  const connection = await connect(`${server.url}/CP-2`, { protocols: ["ocpp2.1", "ocpp2.0.1", "ocpp1.6"] });
  t.after(() => connection.close());
  const { request } = await server.accepted();
  assert.deepEqual(offered(request.headers["sec-websocket-protocol"]), ["ocpp2.1", "ocpp2.0.1", "ocpp1.6"]);
  assert.equal(connection.protocol, "ocpp1.6", "the server chose ocpp1.6 from the list");

  const other = await connect(`${server.url}/CP-3`, { protocols: ["vendor.custom"] });
  t.after(() => other.close());
  assert.deepEqual(offered((await server.accepted()).request.headers["sec-websocket-protocol"]), ["vendor.custom"]);
  assert.equal(other.protocol, "vendor.custom");
});

test("connect() rejects with a ConnectError when the server agrees to no subprotocol", async (t) => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => false });
  await once(server, "listening");
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  await assert.rejects(connect(`ws://127.0.0.1:${port}/CP-1`), (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.match(error.message, /subprotocol/i);
    return true;
  });
});

test("a message the central system sends right after the handshake is not lost before start()", async (t) => {
  const server = await startServer(t);
  const connection = await connect(`${server.url}/CP-1`);
  const accepted = await server.accepted();
  accepted.socket.send(JSON.stringify([2, "early", "Reset", { type: "Soft" }]));
  await once(connection.socket as WebSocket, "message"); // typed as the part the adapter uses; it is a ws WebSocket
  const chargePoint = new ChargePoint("CP-1", connection, { logger: {} });
  chargePoint.route("Reset", () => ({ status: "Accepted" }));
  const answer = once(accepted.socket, "message");
  const running = chargePoint.start();
  assert.deepEqual(JSON.parse(String((await answer)[0])), [3, "early", { status: "Accepted" }]);
  chargePoint.close();
  await running;
});
