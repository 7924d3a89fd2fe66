import assert from "node:assert/strict";
import { test } from "node:test";
import { CallTimeoutError, NotRegisteredError, ReconnectingConnection, silentLogger, TransactionQueue } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v16";
import { ChargePoint as ChargePoint21, call as call21 } from "ocppkit/v21";
import { TestCentralSystem } from "../support/central-system.js";
import { connectedPair } from "../support/peers.js";

type After = { after(fn: () => unknown): void };

async function setup(t: After, bootRetryMs: number, responseTimeoutMs = 10_000, sessionTimeoutMs = 10_000) {
  const server = await TestCentralSystem.start();
  server.sessionTimeoutMs = sessionTimeoutMs;
  t.after(() => server.stop());
  const connection = new ReconnectingConnection(server.url(), { minDelayMs: 5, maxDelayMs: 20, pingIntervalMs: 0 });
  const charger = new ChargePoint("CP-1", connection, { responseTimeoutMs, logger: silentLogger });
  charger.route("GetConfiguration", () => ({ configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "60" }] }));
  charger.route("TriggerMessage", () => ({ status: "Accepted" }));
  charger.start().catch(() => {});
  t.after(() => charger.close());
  const queue = new TransactionQueue(charger, { bootRetryMs, logger: silentLogger });
  t.after(() => queue.close());
  await connection.whenOpen();
  const statuses: string[] = [];
  queue.on("registration", ({ status }) => statuses.push(status));
  /** Resolves at the first registration answer with this status. */
  const answered = (status: string) =>
    new Promise<void>((resolve) => {
      if (statuses.includes(status)) return resolve();
      const listener = (answer: { status: string }) => {
        if (answer.status !== status) return;
        queue.off("registration", listener);
        resolve();
      };
      queue.on("registration", listener);
    });
  return { server, charger, queue, answered };
}

const boot = () => new call.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X1" });
const status = (connectorId: number) =>
  new call.StatusNotification({ connectorId, errorCode: "NoError", status: "Available", timestamp: new Date().toISOString() });

test("a direct call made during registration goes out only after Accepted, and never blocks the retried BootNotification", {
  timeout: 20_000,
}, async (t) => {
  const { server, charger, queue } = await setup(t, 5);
  server.bootStatuses = ["Pending", "Pending"];
  server.bootInterval = 0;
  const registered = queue.register(boot());
  const direct = charger.call(status(1), { suppress: false });
  const accepted = await registered;
  assert.equal(accepted.status, "Accepted");
  await direct;
  assert.deepEqual(server.actions(), ["BootNotification", "BootNotification", "BootNotification", "StatusNotification"]);
});

test("while Pending the charger answers the central system and sends triggered messages; its own call waits", {
  timeout: 20_000,
}, async (t) => {
  const { server, charger, queue, answered } = await setup(t, 60_000);
  server.bootStatuses = ["Pending"];
  server.bootInterval = 0;
  charger.routeAfter("TriggerMessage", () => charger.call(status(2), { triggered: true }));
  const registering = queue.register(boot()).catch((error: unknown) => error);
  await answered("Pending");
  const own = charger.call(status(1), { suppress: false }).catch((error: unknown) => error);

  const session = server.sessions[0];
  const configuration = await session.call(new call.GetConfiguration({}), { suppress: false });
  assert.equal(configuration.configurationKey?.[0]?.key, "HeartbeatInterval");
  // The held call was made first: had it gone out, it would be ahead of the triggered one.
  await session.call(new call.TriggerMessage({ requestedMessage: "StatusNotification", connectorId: 2 }), { suppress: false });
  await server.waitFor(() => server.actions().includes("StatusNotification"));
  assert.deepEqual(server.actions(), ["BootNotification", "StatusNotification"]);
  assert.equal(server.received[1].payload.connectorId, 2);

  // The held call fails (not hangs) when the charger closes; registration ends with it.
  await queue.close();
  charger.close();
  assert.ok((await own) instanceof Error);
  assert.ok((await registering) instanceof Error);
  assert.equal(server.actions().length, 2);
});

test("while Rejected the central system's CALL gets no answer and the charger sends nothing but the next BootNotification", {
  timeout: 20_000,
}, async (t) => {
  const { server, charger, queue, answered } = await setup(t, 1_500, 10_000, 300);
  server.bootStatuses = ["Rejected"];
  server.bootInterval = 0;
  const registered = queue.register(boot());
  await answered("Rejected");
  const held = charger.call(status(1), { suppress: false });
  const triggered = charger.call(status(2), { suppress: false, triggered: true });
  await assert.rejects(server.sessions[0].call(new call.GetConfiguration({}), { suppress: false }), CallTimeoutError);
  assert.deepEqual(server.actions(), ["BootNotification"]);

  assert.equal((await registered).status, "Accepted");
  await Promise.all([held, triggered]);
  assert.deepEqual(server.actions(), ["BootNotification", "BootNotification", "StatusNotification", "StatusNotification"]);
  assert.deepEqual(
    server.received.slice(2).map((r) => r.payload.connectorId),
    [1, 2],
  );
});

test("a call held longer than its timeout fails with NotRegisteredError", { timeout: 20_000 }, async (t) => {
  const { server, charger, queue, answered } = await setup(t, 60_000, 500);
  server.bootStatuses = ["Pending"];
  server.bootInterval = 0;
  queue.register(boot()).catch(() => {});
  await answered("Pending");
  await assert.rejects(charger.call(status(1)), NotRegisteredError);
  assert.deepEqual(server.actions(), ["BootNotification"]);
});

test("an unconfirmed SEND is refused with NotRegisteredError while registration is in progress", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair<ChargePoint21, ChargePoint21>(t, {
    chargePoint: ChargePoint21,
    centralSystem: ChargePoint21,
  });
  const streamed: unknown[] = [];
  centralSystem.route("NotifyPeriodicEventStream", (payload: unknown) => {
    streamed.push(payload);
    return {};
  });
  const stream = () =>
    new call21.NotifyPeriodicEventStream({ id: 1, pending: 0, basetime: "2026-11-24T10:00:00.000Z", data: [{ t: 0, v: "1" }] });
  chargePoint.setRegistrationGate({ bootAction: "BootNotification", status: "Pending" });
  assert.throws(() => chargePoint.send(stream()), NotRegisteredError);
  chargePoint.setRegistrationGate(undefined);
  chargePoint.send(stream());
  // A CALL after the SEND: once it is answered, the SEND (sent first, on the same socket) has arrived.
  centralSystem.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00.000Z" }));
  await chargePoint.call(new call21.Heartbeat({}), { suppress: false });
  assert.equal(streamed.length, 1);
});
