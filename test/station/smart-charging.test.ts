import assert from "node:assert/strict";
import { test } from "node:test";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const idToken = (id: string) => ({ idToken: id, type: "ISO14443" });
const sampled = (meterValue: unknown, measurand: string) =>
  Number(
    (meterValue as { sampledValue: { measurand?: string; value: unknown }[] }[])[0].sampledValue.find((s) => s.measurand === measurand)
      ?.value,
  );

test("2.x smart charging: a TxProfile limits the car, visible in TransactionEvent meter values and GetCompositeSchedule; Clear and GetChargingProfiles (K01, K08-K10)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", args: ["--power", "22000"] });
  await station.call("SetVariables", {
    setVariableData: [
      {
        component: { name: "SampledDataCtrlr" },
        variable: { name: "TxUpdatedMeasurands" },
        attributeValue: "Power.Active.Import,Power.Offered",
      },
    ],
  });
  const max = {
    evseId: 0,
    chargingProfile: {
      id: 1,
      stackLevel: 0,
      chargingProfilePurpose: "ChargingStationMaxProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: [
        {
          id: 1,
          startSchedule: new Date(Date.now() - 60_000).toISOString(),
          chargingRateUnit: "W",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 15000 }],
        },
      ],
    },
  };
  assert.deepEqual(await station.call("SetChargingProfile", max), { status: "Accepted" });
  const txProfile = (transactionId?: string) => ({
    evseId: 1,
    chargingProfile: {
      id: 2,
      stackLevel: 0,
      chargingProfilePurpose: "TxProfile",
      chargingProfileKind: "Relative",
      ...(transactionId ? { transactionId } : {}),
      chargingSchedule: [{ id: 2, chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 10, numberPhases: 3 }] }],
    },
  });
  const refused = await station.call("SetChargingProfile", txProfile());
  assert.equal(refused.status, "Rejected", "no transaction on EVSE 1 yet");

  await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 1, idToken: idToken("A") });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  const transactionId = String((started.payload.transactionInfo as Body).transactionId);
  assert.deepEqual(await station.call("SetChargingProfile", txProfile(transactionId)), { status: "Accepted" });

  const composite = await station.call("GetCompositeSchedule", { duration: 600, evseId: 1, chargingRateUnit: "W" });
  assert.equal(composite.status, "Accepted");
  assert.deepEqual(
    (composite.schedule as Body).chargingSchedulePeriod,
    [{ startPeriod: 0, limit: 6900, numberPhases: 3 }],
    "10 A x 3 x 230 V",
  );
  const other = await station.call("GetCompositeSchedule", { duration: 600, evseId: 2, chargingRateUnit: "A" });
  assert.deepEqual(
    (other.schedule as Body).chargingSchedulePeriod,
    [{ startPeriod: 0, limit: 21.7 }],
    "EVSE 2: the station maximum, 15 kW",
  );

  const from = station.received.length;
  await station.call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 1 } });
  const updated = await station.waitFor((r, i) => i >= from && r.action === "TransactionEvent" && r.payload.eventType === "Updated");
  const offered = sampled(updated.payload.meterValue, "Power.Offered");
  const power = sampled(updated.payload.meterValue, "Power.Active.Import");
  assert.equal(offered, 6900);
  assert.ok(power <= 6900 && power > 6000, `the car draws under the limit: ${power}`);

  const report = await station.call("GetChargingProfiles", { requestId: 5, chargingProfile: { chargingProfilePurpose: "TxProfile" } });
  assert.deepEqual(report, { status: "Accepted" });
  const reported = await station.waitFor((r) => r.action === "ReportChargingProfiles");
  assert.deepEqual([reported.payload.evseId, reported.payload.tbc, (reported.payload.chargingProfile as Body[])[0].id], [1, false, 2]);

  assert.deepEqual(
    await station.call("ClearChargingProfile", { chargingProfileCriteria: { chargingProfilePurpose: "TxDefaultProfile" } }),
    { status: "Unknown" },
  );
  assert.deepEqual(await station.call("ClearChargingProfile", { chargingProfileId: 2 }), { status: "Accepted" });
  const after = await station.call("GetCompositeSchedule", { duration: 60, evseId: 1 });
  assert.deepEqual((after.schedule as Body).chargingSchedulePeriod, [{ startPeriod: 0, limit: 15000 }]);
  assert.deepEqual(await station.call("GetChargingProfiles", { requestId: 6, chargingProfile: { chargingProfileId: [2] } }), {
    status: "NoProfiles",
  });
});

test("1.6 smart charging: SetChargingProfile per purpose, GetCompositeSchedule, the limit in MeterValues, ClearChargingProfile (sections 3.13, 5.5, 5.7, 5.16)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1, args: ["--power", "11000"] });
  const midnight = new Date(new Date().toISOString().slice(0, 10)).toISOString();
  const txDefault = {
    connectorId: 0,
    csChargingProfiles: {
      chargingProfileId: 100,
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Recurring",
      recurrencyKind: "Daily",
      chargingSchedule: {
        duration: 86400,
        startSchedule: midnight,
        chargingRateUnit: "W",
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 4000 }],
      },
    },
  };
  assert.deepEqual(await station.call("SetChargingProfile", txDefault), { status: "Accepted" });
  assert.deepEqual(
    await station.call("SetChargingProfile", {
      ...txDefault,
      connectorId: 0,
      csChargingProfiles: { ...txDefault.csChargingProfiles, chargingProfilePurpose: "TxProfile" },
    }),
    { status: "Rejected" },
    "TxProfile needs a connector with a transaction",
  );
  const composite = await station.call("GetCompositeSchedule", { connectorId: 1, duration: 3600, chargingRateUnit: "W" });
  assert.equal(composite.status, "Accepted");
  assert.equal(composite.connectorId, 1);
  assert.deepEqual((composite.chargingSchedule as Body).chargingSchedulePeriod, [{ startPeriod: 0, limit: 4000 }]);

  await station.call("RemoteStartTransaction", { connectorId: 1, idTag: "A" });
  await station.waitFor((r) => r.action === "StatusNotification" && r.payload.status === "Charging");
  const from = station.received.length;
  await station.call("TriggerMessage", { requestedMessage: "MeterValues", connectorId: 1 });
  const meter = await station.waitFor((r, i) => i >= from && r.action === "MeterValues");
  assert.equal(sampled(meter.payload.meterValue, "Power.Offered"), 4000);
  assert.ok(sampled(meter.payload.meterValue, "Power.Active.Import") <= 4000);

  assert.deepEqual(await station.call("ClearChargingProfile", { chargingProfilePurpose: "ChargePointMaxProfile" }), { status: "Unknown" });
  assert.deepEqual(await station.call("ClearChargingProfile", { id: 100 }), { status: "Accepted" });
  const cleared = await station.call("GetCompositeSchedule", { connectorId: 1, duration: 60 });
  assert.deepEqual((cleared.chargingSchedule as Body).chargingSchedulePeriod, [{ startPeriod: 0, limit: 11000 }]);
});
