/**
 * ocpp-rpc RPCClients (strict mode) against our CentralSystem, over real sockets on 127.0.0.1.
 * Where ocpp-rpc and the spec disagree the comment says who is right; the README lists them.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { createRPCError, RPCClient, type RPCError } from "ocpp-rpc";
import { OccurrenceConstraintViolationError, on, SecurityError, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import type {
  AuthorizeRequest,
  BootNotificationRequest,
  MeterValuesRequest,
  StartTransactionRequest,
  StatusNotificationRequest,
  StopTransactionRequest,
} from "ocppkit/v16";
import {
  Action,
  AuthorizationStatus,
  ChargePoint,
  ConfigurationStatus,
  call,
  callResult,
  MessageTrigger,
  RegistrationStatus,
  RemoteStartStopStatus,
  ResetStatus,
  TriggerMessageStatus,
} from "ocppkit/v16";

/** Our back end's side of one charger, recording what arrived. */
class Backend extends ChargePoint {
  readonly received: [string, unknown][] = [];

  @on(Action.BootNotification)
  onBoot(request: BootNotificationRequest) {
    this.received.push([Action.BootNotification, request]);
    return new callResult.BootNotification({ status: RegistrationStatus.Accepted, currentTime: new Date().toISOString(), interval: 300 });
  }

  @on(Action.Heartbeat)
  onHeartbeat() {
    this.received.push([Action.Heartbeat, {}]);
    return new callResult.Heartbeat({ currentTime: new Date().toISOString() });
  }

  @on(Action.StatusNotification)
  onStatus(request: StatusNotificationRequest) {
    this.received.push([Action.StatusNotification, request]);
    return new callResult.StatusNotification();
  }

  @on(Action.Authorize)
  onAuthorize({ idTag }: AuthorizeRequest) {
    return { idTagInfo: { status: idTag === "BLOCKED" ? AuthorizationStatus.Blocked : AuthorizationStatus.Accepted } };
  }

  @on(Action.StartTransaction)
  onStart(request: StartTransactionRequest) {
    this.received.push([Action.StartTransaction, request]);
    return { transactionId: 4711, idTagInfo: { status: AuthorizationStatus.Accepted } };
  }

  @on(Action.MeterValues)
  onMeterValues(request: MeterValuesRequest) {
    this.received.push([Action.MeterValues, request]);
    return {};
  }

  @on(Action.StopTransaction)
  onStop(request: StopTransactionRequest) {
    this.received.push([Action.StopTransaction, request]);
    return { idTagInfo: { status: AuthorizationStatus.Accepted } };
  }

  @on(Action.DataTransfer)
  onDataTransfer() {
    throw new SecurityError("Vendor not allowed", { hint: "ask the operator" });
  }
}

async function startBackend(t: { after(fn: () => unknown): void }) {
  const server = new CentralSystem({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection }) => new Backend(id, connection, { logger: silentLogger }),
    authenticate: (id, password) => password?.toString() === `secret-of-${id}`,
    logger: silentLogger,
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  return server;
}

async function rpcClient(t: { after(fn: () => unknown): void }, server: CentralSystem<Backend>, identity: string, strictMode = true) {
  const client = new RPCClient({
    endpoint: `${server.url}/ocpp`,
    identity,
    password: `secret-of-${identity}`,
    protocols: ["ocpp1.6"],
    strictMode,
    reconnect: false,
    callTimeoutMs: 5000,
    // ocpp-rpc's typings list every option as required; the rest keep its defaults.
  } as ConstructorParameters<typeof RPCClient>[0]);
  const connected = once(server, "connect");
  await client.connect();
  await connected;
  t.after(() => client.close({ force: true }));
  return client;
}

const rpcErrorCode = (error: unknown) => (error as RPCError).rpcErrorCode;

test("ocpp-rpc charger sends a whole charging session to our central system", async (t) => {
  const server = await startBackend(t);
  const client = await rpcClient(t, server, "RPC-1");
  const backend = server.get("RPC-1")!;
  const now = new Date().toISOString();

  const boot = (await client.call("BootNotification", { chargePointVendor: "ocpp-rpc", chargePointModel: "interop" })) as {
    status: string;
  };
  assert.equal(boot.status, "Accepted");
  const heartbeat = (await client.call("Heartbeat", {})) as { currentTime: string };
  assert.ok(!Number.isNaN(Date.parse(heartbeat.currentTime)));
  assert.deepEqual(await client.call("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Preparing" }), {});
  assert.deepEqual(await client.call("Authorize", { idTag: "RFID-1" }), { idTagInfo: { status: "Accepted" } });
  assert.deepEqual(await client.call("Authorize", { idTag: "BLOCKED" }), { idTagInfo: { status: "Blocked" } });
  const started = (await client.call("StartTransaction", { connectorId: 1, idTag: "RFID-1", meterStart: 1000, timestamp: now })) as {
    transactionId: number;
  };
  assert.equal(started.transactionId, 4711);
  const meterValue = {
    timestamp: now,
    sampledValue: [
      { value: "1234.5", measurand: "Energy.Active.Import.Register", unit: "Wh" },
      { value: "21.4", measurand: "Power.Active.Import", unit: "kW" },
      { value: "0.3", measurand: "Current.Import", unit: "A", phase: "L1" },
    ],
  };
  assert.deepEqual(await client.call("MeterValues", { connectorId: 1, transactionId: 4711, meterValue: [meterValue] }), {});
  const stopped = await client.call("StopTransaction", { transactionId: 4711, meterStop: 8675, timestamp: now, reason: "Local" });
  assert.deepEqual(stopped, { idTagInfo: { status: "Accepted" } });

  const meterValues = backend.received.find(([action]) => action === Action.MeterValues)?.[1] as MeterValuesRequest;
  assert.deepEqual(
    meterValues.meterValue[0]?.sampledValue.map(({ value }) => value),
    ["1234.5", "21.4", "0.3"],
  );
  assert.deepEqual(
    backend.received.map(([action]) => action),
    ["BootNotification", "Heartbeat", "StatusNotification", "StartTransaction", "MeterValues", "StopTransaction"],
  );
});

test("our central system calls an ocpp-rpc charger: RemoteStart with a decimal charging profile, configuration, Reset, TriggerMessage", async (t) => {
  const server = await startBackend(t);
  const client = await rpcClient(t, server, "RPC-2");
  const seen: Record<string, unknown> = {};
  const configuration = new Map([["HeartbeatInterval", "300"]]);
  client.handle("RemoteStartTransaction", async ({ params }) => {
    seen.RemoteStartTransaction = params;
    return { status: "Accepted" };
  });
  client.handle("ChangeConfiguration", async ({ params }) => {
    const { key, value } = params as { key: string; value: string };
    configuration.set(key, value);
    return { status: "Accepted" };
  });
  client.handle("GetConfiguration", async ({ params }) => {
    const { key = [] } = params as { key?: string[] };
    return {
      configurationKey: [...configuration]
        .filter(([name]) => key.length === 0 || key.includes(name))
        .map(([name, value]) => ({ key: name, readonly: false, value })),
      unknownKey: key.filter((name) => !configuration.has(name)),
    };
  });
  client.handle("Reset", async ({ params }) => ({ status: (params as { type: string }).type === "Soft" ? "Accepted" : "Rejected" }));
  client.handle("TriggerMessage", async ({ params }) => {
    // Answer first, then send what was asked for, as OCPP 1.6 section 5.17 orders.
    setImmediate(() => client.call("Heartbeat", {}).catch(() => {}));
    return { status: (params as { requestedMessage: string }).requestedMessage === "Heartbeat" ? "Accepted" : "NotImplemented" };
  });
  const backend = server.get("RPC-2")!;

  // 21.4, 15.2 and 0.3 are multiples of 0.1 only up to floating point: both validators must tolerate that.
  const remote = await backend.call(
    new call.RemoteStartTransaction({
      connectorId: 1,
      idTag: "RFID-2",
      chargingProfile: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: {
          chargingRateUnit: "A",
          minChargingRate: 0.3,
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 21.4 },
            { startPeriod: 600, limit: 15.2, numberPhases: 3 },
          ],
        },
      },
    }),
    { suppress: false },
  );
  assert.equal(remote.status, RemoteStartStopStatus.Accepted);
  const sent = seen.RemoteStartTransaction as { chargingProfile: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } };
  assert.deepEqual(
    sent.chargingProfile.chargingSchedule.chargingSchedulePeriod.map(({ limit }) => limit),
    [21.4, 15.2],
  );

  const changed = await backend.call(new call.ChangeConfiguration({ key: "HeartbeatInterval", value: "60" }), { suppress: false });
  assert.equal(changed.status, ConfigurationStatus.Accepted);
  const config = await backend.call(new call.GetConfiguration({ key: ["HeartbeatInterval", "NoSuchKey"] }), { suppress: false });
  assert.deepEqual(config.configurationKey, [{ key: "HeartbeatInterval", readonly: false, value: "60" }]);
  assert.deepEqual(config.unknownKey, ["NoSuchKey"]);
  const reset = await backend.call(new call.Reset({ type: "Soft" }), { suppress: false });
  assert.equal(reset.status, ResetStatus.Accepted);

  const heartbeat = new Promise<void>((resolve) => {
    backend.routeAfter(Action.Heartbeat, () => resolve());
  });
  const trigger = await backend.call(new call.TriggerMessage({ requestedMessage: MessageTrigger.Heartbeat }), { suppress: false });
  assert.equal(trigger.status, TriggerMessageStatus.Accepted);
  await heartbeat;
});

test("a CALLERROR travels each way between ocpp-rpc and our central system", async (t) => {
  const server = await startBackend(t);
  const client = await rpcClient(t, server, "RPC-3");
  const backend = server.get("RPC-3")!;

  // Our handler throws SecurityError: ocpp-rpc rejects with that code, description and details.
  const error = await client.call("DataTransfer", { vendorId: "acme" }).then(
    () => assert.fail("expected a CALLERROR"),
    (rejection: unknown) => rejection as RPCError & { details: unknown },
  );
  assert.equal(rpcErrorCode(error), "SecurityError");
  assert.equal(error.message, "Vendor not allowed");
  assert.deepEqual(error.details, { hint: "ask the operator" });

  // Their handler throws OccurenceConstraintViolation. ocpp-rpc spells it "OccurrenceConstraintViolation"
  // on an ocpp1.6 connection, citing the 1.6 errata; the errata (section 5.1) says the opposite: the typo
  // "OccurenceConstraintViolation" stays on the 1.6 wire ("Do not fix"). The spec is right; we accept both
  // spellings when receiving, so the error still arrives as the right class.
  client.handle("ChangeConfiguration", async () => {
    throw createRPCError("OccurenceConstraintViolation", "value out of range", { key: "HeartbeatInterval" });
  });
  const sentCodes: string[] = [];
  client.on("message", ({ message, outbound }: { message: string; outbound: boolean }) => {
    const frame = JSON.parse(message) as unknown[];
    if (outbound && frame[0] === 4) sentCodes.push(String(frame[2]));
  });
  await assert.rejects(
    backend.call(new call.ChangeConfiguration({ key: "HeartbeatInterval", value: "-1" }), { suppress: false }),
    (rejection: unknown) =>
      rejection instanceof OccurrenceConstraintViolationError &&
      rejection.description === "value out of range" &&
      rejection.details.key === "HeartbeatInterval",
  );
  assert.equal(
    await backend.call(new call.ChangeConfiguration({ key: "HeartbeatInterval", value: "-1" })),
    undefined,
    "suppressed by default",
  );
  assert.deepEqual(sentCodes, ["OccurrenceConstraintViolation", "OccurrenceConstraintViolation"], "what ocpp-rpc put on the wire");
});

test("unknown actions: ocpp-rpc's to us get NotImplemented, a 1.6 action we do not handle gets NotSupported", async (t) => {
  const server = await startBackend(t);
  // Strict mode refuses to send an action outside the 1.6 schemas, so this client is not strict.
  const client = await rpcClient(t, server, "RPC-4", false);
  await assert.rejects(client.call("FlyToTheMoon", {}), (error: unknown) => rpcErrorCode(error) === "NotImplemented");
  await assert.rejects(
    client.call("DiagnosticsStatusNotification", { status: "Idle" }),
    (error: unknown) => rpcErrorCode(error) === "NotSupported",
  );
});
