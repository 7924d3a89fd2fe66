/**
 * Interop with ocpp-rpc (strict mode, its own OCPP 2.0.1 schemas) over subprotocol ocpp2.0.1, both ways:
 * an ocpp-rpc charger against our CentralSystem, and our 2.0.1 ChargePoint against an ocpp-rpc server.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { RPCClient, RPCServer } from "ocpp-rpc";
import { connect, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import {
  type BootNotificationRequest,
  ChargePoint,
  call,
  callResult,
  type GetVariablesRequest,
  type RequestStartTransactionRequest,
  type SetVariablesRequest,
  type TransactionEventRequest,
} from "ocppkit/v201";

const now = "2026-11-24T10:00:00.000Z";
const bootRequest = new call.BootNotification({
  reason: "PowerUp",
  chargingStation: { vendorName: "Acme", model: "X2", serialNumber: "S-1" },
});
const transactionEvent = new call.TransactionEvent({
  eventType: "Started",
  timestamp: now,
  triggerReason: "Authorized",
  seqNo: 0,
  transactionInfo: { transactionId: "tx-1", chargingState: "Charging" },
  idToken: { idToken: "RFID-1", type: "ISO14443" },
  evse: { id: 1, connectorId: 1 },
  meterValue: [{ timestamp: now, sampledValue: [{ value: 1200.5, measurand: "Energy.Active.Import.Register" }] }],
});
const setVariables = new call.SetVariables({
  setVariableData: [{ attributeValue: "300", component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }],
});
const getVariables = new call.GetVariables({
  getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }],
});
const requestStart = new call.RequestStartTransaction({ idToken: { idToken: "RFID-1", type: "ISO14443" }, remoteStartId: 42, evseId: 1 });

const bootResponse = new callResult.BootNotification({ currentTime: now, interval: 300, status: "Accepted" });
const transactionEventResponse = new callResult.TransactionEvent({ idTokenInfo: { status: "Accepted" } });
const setVariablesResponse = new callResult.SetVariables({
  setVariableResult: [{ attributeStatus: "Accepted", component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }],
});
const getVariablesResponse = new callResult.GetVariables({
  getVariableResult: [
    { attributeStatus: "Accepted", attributeValue: "300", component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
  ],
});
const requestStartResponse = new callResult.RequestStartTransaction({ status: "Accepted", transactionId: "tx-1" });

// ocpp-rpc's typings mark every client option as required although it defaults each of them.
const clientOptions = (options: Record<string, unknown>) => options as unknown as ConstructorParameters<typeof RPCClient>[0];
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

test("an ocpp-rpc 2.0.1 charger against our CentralSystem: its calls and ours, validated on both ends", async (t) => {
  const received: Record<string, unknown> = {};
  const server = new CentralSystem<ChargePoint>({
    protocols: ["ocpp2.0.1"],
    logger: silentLogger,
    createChargePoint: ({ id, connection }) =>
      new ChargePoint(id, connection, { logger: silentLogger, responseTimeoutMs: 5_000 })
        .route("BootNotification", (request: BootNotificationRequest) => {
          received.BootNotification = request;
          return bootResponse;
        })
        .route("TransactionEvent", (request: TransactionEventRequest) => {
          received.TransactionEvent = request;
          return transactionEventResponse;
        }),
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 1_000 }));
  const connected = new Promise<ChargePoint>((resolve) => server.once("connect", resolve));

  const charger = new RPCClient(
    clientOptions({ endpoint: server.url, identity: "RPC-201", protocols: ["ocpp2.0.1"], strictMode: true, reconnect: false }),
  );
  const failures: unknown[] = [];
  charger.on("strictValidationFailure", (event: unknown) => failures.push(event));
  const handled: Record<string, unknown> = {};
  charger.handle("SetVariables", async ({ params }: { params?: unknown }) => {
    handled.SetVariables = params;
    return plain(setVariablesResponse);
  });
  charger.handle("GetVariables", async ({ params }: { params?: unknown }) => {
    handled.GetVariables = params;
    return plain(getVariablesResponse);
  });
  charger.handle("RequestStartTransaction", async ({ params }: { params?: unknown }) => {
    handled.RequestStartTransaction = params;
    return plain(requestStartResponse);
  });
  await charger.connect();
  t.after(() => charger.close({ force: true }));
  const csms = await connected;
  assert.equal(csms.connection.protocol, "ocpp2.0.1");

  assert.deepEqual(await charger.call("BootNotification", plain(bootRequest)), plain(bootResponse));
  assert.deepEqual(await charger.call("TransactionEvent", plain(transactionEvent)), plain(transactionEventResponse));
  assert.deepEqual(received, { BootNotification: plain(bootRequest), TransactionEvent: plain(transactionEvent) });

  assert.deepEqual(plain(await csms.call(setVariables, { suppress: false })), plain(setVariablesResponse));
  assert.deepEqual(plain(await csms.call(getVariables, { suppress: false })), plain(getVariablesResponse));
  const started = await csms.call(requestStart, { suppress: false });
  assert.ok(started instanceof callResult.RequestStartTransaction);
  assert.equal(started.transactionId, "tx-1");
  assert.deepEqual(handled, {
    SetVariables: plain(setVariables),
    GetVariables: plain(getVariables),
    RequestStartTransaction: plain(requestStart),
  });
  assert.deepEqual(failures, [], "ocpp-rpc's own schemas accept every message we sent");
});

test("our 2.0.1 ChargePoint against an ocpp-rpc server: both directions, validated on both ends", async (t) => {
  const server = new RPCServer({ protocols: ["ocpp2.0.1"], strictMode: true });
  const failures: unknown[] = [];
  const received: Record<string, unknown> = {};
  const clientReady = new Promise<RPCClient>((resolve) => {
    server.on("client", (client: RPCClient) => {
      client.on("strictValidationFailure", (event: unknown) => failures.push(event));
      client.handle("BootNotification", async ({ params }: { params?: unknown }) => {
        received.BootNotification = params;
        return plain(bootResponse);
      });
      client.handle("TransactionEvent", async ({ params }: { params?: unknown }) => {
        received.TransactionEvent = params;
        return plain(transactionEventResponse);
      });
      resolve(client);
    });
  });
  const http = await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ force: true }));
  const { port } = http.address() as AddressInfo;

  const connection = await connect(`ws://127.0.0.1:${port}/CS-201`, { protocols: ["ocpp2.0.1"] });
  const station = new ChargePoint("CS-201", connection, { logger: silentLogger, responseTimeoutMs: 5_000 });
  const handled: Record<string, unknown> = {};
  station
    .route("SetVariables", (request: SetVariablesRequest) => {
      handled.SetVariables = request;
      return setVariablesResponse;
    })
    .route("GetVariables", (request: GetVariablesRequest) => {
      handled.GetVariables = request;
      return getVariablesResponse;
    })
    .route("RequestStartTransaction", (request: RequestStartTransactionRequest) => {
      handled.RequestStartTransaction = request;
      return requestStartResponse;
    });
  const running = station.start();
  t.after(async () => {
    station.close();
    await running.catch(() => {});
  });
  assert.equal(connection.protocol, "ocpp2.0.1");
  const client = await clientReady;

  const boot = await station.call(bootRequest, { suppress: false });
  assert.ok(boot instanceof callResult.BootNotification);
  assert.equal(boot.status, "Accepted");
  assert.deepEqual(plain(await station.call(transactionEvent, { suppress: false })), plain(transactionEventResponse));
  assert.deepEqual(received, { BootNotification: plain(bootRequest), TransactionEvent: plain(transactionEvent) });

  assert.deepEqual(await client.call("SetVariables", plain(setVariables)), plain(setVariablesResponse));
  assert.deepEqual(await client.call("GetVariables", plain(getVariables)), plain(getVariablesResponse));
  assert.deepEqual(await client.call("RequestStartTransaction", plain(requestStart)), plain(requestStartResponse));
  assert.deepEqual(handled, {
    SetVariables: plain(setVariables),
    GetVariables: plain(getVariables),
    RequestStartTransaction: plain(requestStart),
  });
  assert.deepEqual(failures, [], "ocpp-rpc's own schemas accept every message we sent");
});
