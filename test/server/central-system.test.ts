import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { connect, on, silentLogger } from "ocppkit";
import { CentralSystem, type ChargePointContext, type Rejection, RejectReason } from "ocppkit/server";
import type { BootNotificationRequest } from "ocppkit/v16";
import { Action, ChargePoint, call, callResult, RegistrationStatus, ResetStatus } from "ocppkit/v16";
import { openRaw, rawUpgrade, refusedStatus, startCentralSystem } from "./helpers.js";

class Backend extends ChargePoint {
  readonly boots: BootNotificationRequest[] = [];

  @on(Action.BootNotification)
  onBoot(request: BootNotificationRequest) {
    this.boots.push(request);
    return new callResult.BootNotification({ status: RegistrationStatus.Accepted, currentTime: new Date().toISOString(), interval: 60 });
  }
}

class Charger extends ChargePoint {
  @on(Action.Reset)
  onReset() {
    return new callResult.Reset({ status: ResetStatus.Accepted });
  }
}

test("a charger is registered under its percent-decoded id and each side can call the other", async (t) => {
  const server = new CentralSystem<Backend>({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new Backend(id, connection, { logger: silentLogger }),
    logger: silentLogger,
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  const connected = once(server, "connect") as Promise<[Backend, ChargePointContext]>;
  const charger = new Charger("CP/1", await connect(`${server.url}/ocpp/CP%2F1`), { logger: silentLogger });
  charger.start().catch(() => {});
  const [backend, context] = await connected;
  assert.equal(context.id, "CP/1");
  assert.equal(context.protocol, "ocpp1.6");
  assert.equal(server.get("CP/1"), backend);
  assert.equal(server.size, 1);
  assert.deepEqual(
    [...server].map((cp) => cp.id),
    ["CP/1"],
  );

  const boot = await charger.call(new call.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X" }), { suppress: false });
  assert.equal(boot.status, RegistrationStatus.Accepted);
  assert.equal(backend.boots[0]?.chargePointVendor, "Acme");

  const reset = await backend.call(new call.Reset({ type: "Soft" }), { suppress: false });
  assert.equal(reset.status, ResetStatus.Accepted);
  charger.close();
});

test("a disconnect is reported with its close code and reason and the registry forgets the charger", async (t) => {
  const server = await startCentralSystem(t);
  const connected = once(server, "connect");
  const { socket } = await openRaw(t, `${server.url}/CP-2`);
  await connected;
  assert.ok(server.has("CP-2"));
  const disconnected = once(server, "disconnect") as Promise<[ChargePoint, number, string]>;
  socket.close(4001, "going home");
  const [chargePoint, code, reason] = await disconnected;
  assert.equal(chargePoint.id, "CP-2");
  assert.equal(code, 4001);
  assert.equal(reason, "going home");
  assert.equal(server.has("CP-2"), false);
});

test("a ChargePoint the factory names differently from the URL is registered and forgotten under the URL's id", async (t) => {
  const server = await startCentralSystem(t, {
    createChargePoint: ({ connection }) => new ChargePoint("named-by-factory", connection, { logger: silentLogger }),
  });
  const connected = once(server, "connect");
  const { socket } = await openRaw(t, `${server.url}/CP-URL`);
  await connected;
  assert.equal(server.get("CP-URL")?.id, "named-by-factory");
  const disconnected = once(server, "disconnect") as Promise<[ChargePoint, number, string]>;
  socket.close(4002, "bye");
  const [chargePoint, code] = await disconnected;
  assert.equal(chargePoint.id, "named-by-factory");
  assert.equal(code, 4002);
  assert.equal(server.has("CP-URL"), false);
  assert.equal(server.size, 0);
});

test("a client offering no subprotocol the server serves is accepted without one, closed at once, and reported", async (t) => {
  const server = await startCentralSystem(t);
  let connects = 0;
  server.on("connect", () => connects++);
  const rejected = once(server, "reject") as Promise<[Rejection]>;
  const response = await rawUpgrade(t, `${server.url}/CP-3`, ["ocpp2.0.1", "ocpp1.5"]);
  assert.equal(response.statusCode, 101, "the handshake is completed");
  assert.equal(response.headers["sec-websocket-protocol"], undefined, "without a Sec-WebSocket-Protocol header");
  const { code, reason } = await response.closeFrame;
  assert.equal(code, 1002);
  assert.match(reason, /ocpp1\.6/);
  const [rejection] = await rejected;
  assert.equal(rejection.reason, RejectReason.NoSubprotocol);
  assert.equal(rejection.id, "CP-3");
  assert.deepEqual(rejection.offered, ["ocpp2.0.1", "ocpp1.5"]);
  assert.equal(rejection.statusCode, undefined);
  assert.equal(connects, 0);
  assert.equal(server.has("CP-3"), false);
});

test("connect() reports a server that agreed to none of the offered subprotocols", async (t) => {
  const server = await startCentralSystem(t);
  await assert.rejects(connect(`${server.url}/CP-3b`, { protocols: ["ocpp2.1"] }), /subprotocol/i);
});

test("a client offering no subprotocol at all is closed the same way", async (t) => {
  const server = await startCentralSystem(t);
  const { protocol, closed } = await openRaw(t, `${server.url}/CP-4`, []);
  assert.equal(protocol, "");
  const { code, reason } = await closed;
  assert.equal(code, 1002);
  assert.match(reason, /ocpp1\.6/);
});

test("the first of the server's protocols that the client offers is agreed and given to the factory", async (t) => {
  const protocols: string[] = [];
  const server = await startCentralSystem(t, {
    protocols: ["ocpp2.0.1", "ocpp1.6"],
    createChargePoint: ({ id, connection, protocol }) => {
      protocols.push(protocol);
      return new ChargePoint(id, connection, { logger: silentLogger });
    },
  });
  const connected = once(server, "connect");
  const { protocol } = await openRaw(t, `${server.url}/CP-5`, ["ocpp1.6", "ocpp2.0.1"]);
  await connected;
  assert.equal(protocol, "ocpp2.0.1");
  assert.deepEqual(protocols, ["ocpp2.0.1"]);
});

test("an identity the hook does not know gets HTTP 404 and a reject event", async (t) => {
  const server = await startCentralSystem(t, { isKnownChargePoint: async (id) => id === "KNOWN" });
  const rejected = once(server, "reject") as Promise<[Rejection]>;
  assert.equal(await refusedStatus(`${server.url}/ocpp/STRANGER`), 404);
  const [rejection] = await rejected;
  assert.equal(rejection.reason, RejectReason.UnknownChargePoint);
  assert.equal(rejection.statusCode, 404);
  assert.equal(rejection.id, "STRANGER");
  const { protocol } = await openRaw(t, `${server.url}/ocpp/KNOWN`);
  assert.equal(protocol, "ocpp1.6");
});

test("a URL without a charge point id, or with broken percent-encoding, gets HTTP 400", async (t) => {
  const server = await startCentralSystem(t);
  assert.equal(await refusedStatus(`${server.url}/ocpp/`), 400);
  assert.equal(await refusedStatus(`${server.url}/ocpp/CP%ZZ`), 400);
});

test("a second connection with a connected id replaces the first, which is closed with 1000", async (t) => {
  const server = await startCentralSystem(t);
  const first = once(server, "connect") as Promise<[ChargePoint]>;
  const old = await openRaw(t, `${server.url}/CP-6`);
  const [oldChargePoint] = await first;
  const disconnected = once(server, "disconnect") as Promise<[ChargePoint, number, string]>;
  const second = once(server, "connect") as Promise<[ChargePoint]>;
  await openRaw(t, `${server.url}/CP-6`);
  const [newChargePoint] = await second;
  assert.equal((await old.closed).code, 1000);
  const [gone, code] = await disconnected;
  assert.equal(gone, oldChargePoint);
  assert.equal(code, 1000);
  assert.equal(server.get("CP-6"), newChargePoint);
  assert.notEqual(newChargePoint, oldChargePoint);
});

test("with replaceExisting false a second connection with a connected id gets HTTP 409", async (t) => {
  const server = await startCentralSystem(t, { replaceExisting: false });
  const connected = once(server, "connect");
  const first = await openRaw(t, `${server.url}/CP-7`);
  await connected;
  assert.equal(await refusedStatus(`${server.url}/CP-7`), 409);
  assert.equal(first.socket.readyState, first.socket.OPEN);
});

test("with replaceExisting false, of two handshakes for one id that pass their hooks together the first keeps it", async (t) => {
  let arrived = 0;
  let releaseBoth = () => {};
  const bothInHook = new Promise<void>((resolve) => {
    releaseBoth = resolve;
  });
  const server = await startCentralSystem(t, {
    replaceExisting: false,
    authenticate: async () => {
      if (++arrived === 2) releaseBoth();
      await bothInHook;
      return true;
    },
  });
  const rejected = once(server, "reject") as Promise<[Rejection]>;
  const [first, second] = await Promise.all([openRaw(t, `${server.url}/CP-7b`), openRaw(t, `${server.url}/CP-7b`)]);
  const [rejection] = await rejected;
  assert.equal(rejection.reason, RejectReason.Duplicate);
  const closedOne = await Promise.race([first.closed, second.closed]);
  assert.equal(closedOne.code, 1008);
  assert.equal(server.size, 1);
  const survivor = first.socket.readyState === first.socket.OPEN ? first : second;
  assert.equal(survivor.socket.readyState, survivor.socket.OPEN);
});

test("a factory that throws closes that connection with 1011 and the server keeps serving", async (t) => {
  const server = await startCentralSystem(t, {
    createChargePoint: ({ id, connection }) => {
      if (id === "BROKEN") throw new Error("no such charger in the database");
      return new ChargePoint(id, connection, { logger: silentLogger });
    },
  });
  const broken = await openRaw(t, `${server.url}/BROKEN`);
  assert.equal((await broken.closed).code, 1011);
  const connected = once(server, "connect");
  await openRaw(t, `${server.url}/FINE`);
  await connected;
  assert.ok(server.has("FINE"));
});

test("a plain HTTP request gets 426 Upgrade Required", async (t) => {
  const server = await startCentralSystem(t);
  const status = await new Promise<number>((resolve, reject) => {
    get(`${server.url.replace("ws:", "http:")}/CP-8`, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on("error", reject);
  });
  assert.equal(status, 426);
});

test("the central system attaches to an existing http server and leaves it running on close", async (t) => {
  const http = createServer((_request, response) => response.end("app"));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  t.after(() => http.close());
  const server = new CentralSystem<ChargePoint>({
    server: http,
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new ChargePoint(id, connection, { logger: silentLogger }),
    logger: silentLogger,
  });
  await assert.rejects(server.listen(), /attached/);
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const connected = once(server, "connect");
  const { closed } = await openRaw(t, `${url}/ocpp/CP-9`);
  await connected;
  assert.ok(server.has("CP-9"));
  await server.close();
  assert.equal((await closed).code, 1001);
  assert.equal(http.listening, true);
  // Detached: the upgrade is the app's plain request again, no longer a WebSocket.
  assert.equal(await refusedStatus(`${url}/ocpp/CP-10`), 200);
});
