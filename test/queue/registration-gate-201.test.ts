import assert from "node:assert/strict";
import { test } from "node:test";
import { CallTimeoutError, type OcppError, silentLogger, TransactionQueue } from "ocppkit";
import { ChargePoint as ChargePoint16, call as call16 } from "ocppkit/v16";
import { ChargePoint, call } from "ocppkit/v201";
import { connectedPair } from "../support/peers.js";

type Registration = { status: string };

/** The queue registers `charger` with a central system that answers every BootNotification Rejected; resolves once it has. */
function rejected<R extends object>(queue: TransactionQueue<R>, boot: object): Promise<void> {
  const seen = new Promise<void>((resolve) =>
    queue.on("registration", ({ status }: Registration) => {
      if (status === "Rejected") resolve();
    }),
  );
  queue.register(boot as never).catch(() => {});
  return seen;
}

test("2.0.1: while the BootNotification is Rejected the CSMS's CALL is answered with SecurityError and the station sends nothing else (B03.FR.08)", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair<ChargePoint, ChargePoint>(t, {
    chargePoint: ChargePoint,
    centralSystem: ChargePoint,
  });
  const received: string[] = [];
  centralSystem.route("BootNotification", () => {
    received.push("BootNotification");
    return { currentTime: new Date().toISOString(), interval: 300, status: "Rejected" };
  });
  let handled = false;
  chargePoint.route("GetBaseReport", () => {
    handled = true;
    return { status: "Accepted" };
  });
  const queue = new TransactionQueue(chargePoint, { logger: silentLogger });
  t.after(() => queue.close());
  await rejected(queue, new call.BootNotification({ reason: "PowerUp", chargingStation: { model: "X1", vendorName: "Acme" } }));
  const answer = await centralSystem
    .call(new call.GetBaseReport({ requestId: 1, reportBase: "FullInventory" }), { suppress: false })
    .catch((error: OcppError) => error);
  assert.equal((answer as OcppError).code, "SecurityError");
  assert.equal(handled, false, "the application's handler is not asked while Rejected");
  assert.deepEqual(received, ["BootNotification"]);
});

test("1.6: while Rejected the central system's CALL still gets no answer at all (section 4.2)", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair<ChargePoint16, ChargePoint16>(t, {
    chargePoint: ChargePoint16,
    centralSystem: ChargePoint16,
    responseTimeoutMs: 500,
  });
  centralSystem.route("BootNotification", () => ({ currentTime: new Date().toISOString(), interval: 300, status: "Rejected" }));
  chargePoint.route("GetConfiguration", () => ({ configurationKey: [] }));
  const queue = new TransactionQueue(chargePoint, { logger: silentLogger });
  t.after(() => queue.close());
  await rejected(queue, new call16.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X1" }));
  await assert.rejects(centralSystem.call(new call16.GetConfiguration({}), { suppress: false }), CallTimeoutError);
});

test("2.0.1: a CALL sent right behind the Rejected answer (often in the same socket read) is judged by that answer: SecurityError", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair<ChargePoint, ChargePoint>(t, {
    chargePoint: ChargePoint,
    centralSystem: ChargePoint,
  });
  centralSystem.route("BootNotification", () => ({ currentTime: new Date().toISOString(), interval: 300, status: "Rejected" }));
  const answer = new Promise<unknown>((resolve) =>
    centralSystem.routeAfter("BootNotification", () => {
      centralSystem.call(new call.GetBaseReport({ requestId: 2, reportBase: "FullInventory" }), { suppress: false }).then(resolve, resolve);
    }),
  );
  chargePoint.route("GetBaseReport", () => ({ status: "Accepted" }));
  const queue = new TransactionQueue(chargePoint, { logger: silentLogger });
  t.after(() => queue.close());
  queue.register(new call.BootNotification({ reason: "PowerUp", chargingStation: { model: "X1", vendorName: "Acme" } })).catch(() => {});
  assert.equal(((await answer) as OcppError).code, "SecurityError");
});
