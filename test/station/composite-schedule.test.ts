import assert from "node:assert/strict";
import { test } from "node:test";
import { ChargingProfiles, type Profile } from "ocppkit/station";

// Hand-worked examples of OCPP 1.6 edition 2 section 3.13 (the 2.0.1 composite follows the same rules).
const at = (time: string) => Date.parse(`2026-11-29T${time}Z`);
const noTransaction = () => undefined;

/** Section 3.13.7: a daily TxDefaultProfile, 11 kW, 6 kW from 08:00 to 20:00. */
const daily: Profile = {
  id: 100,
  evseId: 0,
  stackLevel: 0,
  purpose: "TxDefault",
  kind: "Recurring",
  recurrencyKind: "Daily",
  schedule: {
    duration: 86400,
    startSchedule: "2013-01-01T00:00:00Z",
    chargingRateUnit: "W",
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 11000, numberPhases: 3 },
      { startPeriod: 28800, limit: 6000, numberPhases: 3 },
      { startPeriod: 72000, limit: 11000, numberPhases: 3 },
    ],
  },
  original: {},
};

const limits = (periods: readonly { startPeriod: number; limit: number }[]) => periods.map((p) => [p.startPeriod, p.limit]);

test("3.13.7: the daily default profile gives 11 kW, 6 kW from 08:00, 11 kW from 20:00", () => {
  const profiles = new ChargingProfiles();
  assert.equal(profiles.set(daily, noTransaction), undefined);
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 86400, "W", 22000)), [
    [0, 11000],
    [7200, 6000],
    [50400, 11000],
  ]);
  // The next day repeats: from 20:00 on a 24-hour window, 08:00 comes again after 12 hours.
  assert.deepEqual(limits(profiles.composite(1, at("20:00:00"), 86400, "W", 22000)), [
    [0, 11000],
    [43200, 6000],
  ]);
});

test("3.13.2 stacking: a higher stack level with a duration overrules, then the lower one comes back", () => {
  const profiles = new ChargingProfiles();
  profiles.set(daily, noTransaction);
  profiles.set(
    {
      ...daily,
      id: 101,
      stackLevel: 1,
      kind: "Absolute",
      recurrencyKind: undefined,
      schedule: {
        startSchedule: "2026-11-29T10:00:00Z",
        duration: 7200,
        chargingRateUnit: "W",
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 3000 }],
      },
    },
    noTransaction,
  );
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 86400, "W", 22000)), [
    [0, 11000],
    [7200, 6000],
    [14400, 3000],
    [21600, 6000],
    [50400, 11000],
  ]);
});

test("3.13.2: a profile with the same stack level and purpose replaces the installed one; validFrom in the future leaves the default until then", () => {
  const profiles = new ChargingProfiles();
  profiles.set(daily, noTransaction);
  profiles.set(
    {
      ...daily,
      id: 102,
      kind: "Absolute",
      recurrencyKind: undefined,
      validFrom: "2026-11-29T09:00:00Z",
      schedule: { startSchedule: "2026-11-29T09:00:00Z", chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 4000 }] },
    },
    noTransaction,
  );
  assert.deepEqual(
    profiles.all.map((p) => p.id),
    [102],
  );
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 21600, "W", 22000)), [
    [0, 22000],
    [10800, 4000],
  ]);
});

test("3.13.3 combining: the composite is the minimum of the charge point maximum and the default profile at every moment", () => {
  const profiles = new ChargingProfiles();
  profiles.set(daily, noTransaction);
  const max: Profile = {
    id: 1,
    evseId: 0,
    stackLevel: 0,
    purpose: "StationMax",
    kind: "Absolute",
    schedule: { startSchedule: "2026-01-01T00:00:00Z", chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 8000 }] },
    original: {},
  };
  profiles.set(max, noTransaction);
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 86400, "W", 22000)), [
    [0, 8000],
    [7200, 6000],
    [50400, 8000],
  ]);
  assert.deepEqual(limits(profiles.composite(0, at("06:00:00"), 86400, "W", 22000)), [[0, 8000]], "connector 0: the maximum only");
  assert.match(String(profiles.set({ ...max, id: 2, evseId: 1 }, noTransaction)), /EVSE 0/);
});

test("3.13.1: a TxProfile overrules the default during its transaction, relative to its start, and converts A to W and back", () => {
  const profiles = new ChargingProfiles();
  profiles.set(daily, noTransaction);
  const tx: Profile = {
    id: 7,
    evseId: 1,
    stackLevel: 0,
    purpose: "Tx",
    kind: "Relative",
    schedule: { duration: 3600, chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    original: {},
  };
  assert.match(String(profiles.set(tx, noTransaction)), /no transaction/);
  assert.match(String(profiles.set({ ...tx, evseId: 0 }, () => "T1")), /not 0/);
  profiles.transactionStarted(1, at("06:30:00"));
  assert.equal(
    profiles.set(tx, () => "T1"),
    undefined,
  );
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 21600, "W", 22000)), [
    [0, 11000],
    [1800, 11040],
    [5400, 11000],
    [7200, 6000],
  ]);
  assert.deepEqual(limits(profiles.composite(1, at("06:30:00"), 7200, "A", 32)), [
    [0, 16],
    [3600, 15.9],
    [5400, 8.7],
  ]);
  assert.deepEqual(limits(profiles.composite(2, at("06:30:00"), 3600, "W", 22000)), [[0, 11000]], "connector 2 has only the default");
  profiles.transactionEnded(1);
  assert.deepEqual(
    profiles.all.map((p) => p.id),
    [100],
    "the TxProfile goes with its transaction",
  );
});

test("validTo ends a profile; ClearChargingProfile criteria remove only what they name", () => {
  const profiles = new ChargingProfiles();
  profiles.set({ ...daily, validTo: "2026-11-29T07:00:00Z" }, noTransaction);
  assert.deepEqual(limits(profiles.composite(1, at("06:00:00"), 7200, "W", 22000)), [
    [0, 11000],
    [3600, 22000],
  ]);
  profiles.set({ ...daily, id: 200, evseId: 2, stackLevel: 3 }, noTransaction);
  assert.equal(profiles.clear({ evseId: 1 }), 0);
  assert.equal(profiles.clear({ purpose: "TxDefault", stackLevel: 3 }), 1);
  assert.equal(profiles.clear({ id: 100 }), 1);
  assert.equal(profiles.all.length, 0);
});
