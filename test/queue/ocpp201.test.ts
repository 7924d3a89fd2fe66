import assert from "node:assert/strict";
import { test } from "node:test";
import { type LinkStateChange, ocpp201QueuePolicy, queuePolicyFor, ReconnectingConnection, silentLogger, TransactionQueue } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { ChargePoint, call } from "ocppkit/v201";
import { FaultProxy } from "../support/fault-proxy.js";

interface Seen {
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

/** An ocppkit/server central system speaking 2.0.1 that records what its chargers send. */
async function centralSystem(t: { after(fn: () => unknown): void }) {
  const seen: Seen[] = [];
  let connections = 0;
  const central = new CentralSystem({
    protocols: ["ocpp2.0.1"],
    logger: silentLogger,
    createChargePoint: ({ id, connection }) => {
      connections++;
      const session = new ChargePoint(id, connection, { logger: silentLogger });
      const record = (action: string, answer: object) =>
        session.route(action, (payload: Record<string, unknown>) => {
          seen.push({ action, payload });
          return answer;
        });
      record("BootNotification", { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 });
      record("TransactionEvent", {});
      record("SecurityEventNotification", {});
      record("Heartbeat", { currentTime: new Date().toISOString() });
      return session;
    },
  });
  const address = await central.listen(0, "127.0.0.1");
  t.after(() => central.close({ timeoutMs: 100 }));
  return { central, seen, port: address.port, connections: () => connections };
}

const event = (eventType: "Started" | "Updated" | "Ended", seqNo: number) =>
  new call.TransactionEvent({
    eventType,
    seqNo,
    timestamp: new Date().toISOString(),
    triggerReason: eventType === "Updated" ? "MeterValuePeriodic" : eventType === "Started" ? "Authorized" : "StopAuthorized",
    transactionInfo: { transactionId: "TX-1" },
    offline: true,
  });

test("2.0.1 TransactionEvents queued during an outage reach an ocppkit/server central system in order", { timeout: 20_000 }, async (t) => {
  const { seen, port, connections } = await centralSystem(t);
  const proxy = await FaultProxy.start(port);
  t.after(() => proxy.close());
  const connection = new ReconnectingConnection(`${proxy.url}/ocpp/CS-201`, {
    protocols: ["ocpp2.0.1"],
    minDelayMs: 5,
    maxDelayMs: 20,
    pingIntervalMs: 0,
  });
  const charger = new ChargePoint("CS-201", connection, { logger: silentLogger });
  charger.start().catch(() => {});
  t.after(() => charger.close());
  const queue = new TransactionQueue(charger, { retryIntervalMs: 5, logger: silentLogger });
  t.after(() => queue.close());
  assert.equal(queue.policy, ocpp201QueuePolicy, "the policy follows the charger's version");
  await connection.whenOpen();
  await queue.register(new call.BootNotification({ chargingStation: { model: "X1", vendorName: "Acme" }, reason: "PowerUp" }));

  proxy.refuse();
  const down = new Promise<void>((resolve) => {
    const listener = (change: LinkStateChange) => {
      if (change.state !== "disconnected") return;
      connection.off("state", listener);
      resolve();
    };
    connection.on("state", listener);
  });
  proxy.cut();
  await down;
  await queue.call(event("Started", 0));
  for (let seqNo = 1; seqNo <= 20; seqNo++) await queue.call(event("Updated", seqNo));
  await queue.call(new call.SecurityEventNotification({ type: "StartupOfTheDevice", timestamp: new Date().toISOString() }));
  const ended = await queue.call(event("Ended", 21));
  await assert.rejects(queue.call(new call.Heartbeat()), /not a transaction-related message/);
  proxy.refuse(false);
  await ended.response;

  assert.equal(connections(), 2);
  const events = seen.filter((s) => s.action === "TransactionEvent");
  assert.deepEqual(
    events.map((s) => s.payload.seqNo),
    Array.from({ length: 22 }, (_, i) => i),
  );
  assert.deepEqual(
    seen.map((s) => s.action),
    ["BootNotification", ...Array(21).fill("TransactionEvent"), "SecurityEventNotification", "TransactionEvent"],
  );
  assert.ok(events.every((s) => (s.payload.transactionInfo as { transactionId: string }).transactionId === "TX-1"));
});

test("the built-in policies: which messages are queued and which are critical", () => {
  const v16 = queuePolicyFor("1.6");
  assert.equal(v16.queues("MeterValues", { connectorId: 1, meterValue: [] }), false, "MeterValues outside a transaction");
  assert.equal(v16.queues("MeterValues", { connectorId: 1, transactionId: 5, meterValue: [] }), true);
  assert.equal(v16.queues("StatusNotification", {}), false);
  assert.equal(v16.critical("StopTransaction", {}), true);
  assert.equal(v16.critical("MeterValues", {}), false);
  for (const version of ["2.0.1", "2.1"]) {
    const policy = queuePolicyFor(version);
    assert.equal(policy.queues("TransactionEvent", {}), true);
    assert.equal(policy.queues("SecurityEventNotification", {}), true);
    assert.equal(policy.queues("MeterValues", {}), false, "2.0.1 MeterValues are not transaction messages");
    assert.equal(policy.critical("TransactionEvent", { eventType: "Ended" }), true);
    assert.equal(policy.critical("TransactionEvent", { eventType: "Updated" }), false);
    assert.equal(policy.transactionIds, undefined, "the station makes its transaction ids: nothing to rewrite");
  }
  assert.throws(() => queuePolicyFor("1.5"), /No built-in queue policy/);
});
