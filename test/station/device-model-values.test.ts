import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { DeviceModel, standardDeviceModel, validValue } from "ocppkit/station";

const identity = {
  evses: 1,
  model: "M",
  vendorName: "V",
  powerW: 7400,
  identity: "CS",
  securityProfile: 1,
  heartbeatIntervalS: 60,
  txUpdatedIntervalS: 10,
};

test("an integer variable takes exactly the integer strings within its limits", () => {
  const characteristics = { dataType: "integer", minLimit: 0, maxLimit: 100, supportsMonitoring: true } as const;
  fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), (n) => validValue(characteristics, String(n)) === (n >= 0 && n <= 100)));
  fc.assert(fc.property(fc.string(), (text) => !validValue(characteristics, text) || /^[+-]?\d+$/.test(text)));
  for (const bad of ["1.1", "true", "", " 1", "1e3", "abc"]) assert.equal(validValue(characteristics, bad), false, bad);
});

test("list variables take only members of their valuesList, once each", () => {
  const member = { dataType: "MemberList", valuesList: "A,B,C", supportsMonitoring: true } as const;
  const option = { dataType: "OptionList", valuesList: "A,B,C", supportsMonitoring: true } as const;
  assert.equal(validValue(member, "A,C"), true);
  assert.equal(validValue(member, ""), true);
  assert.equal(validValue(member, "A,A"), false);
  assert.equal(validValue(member, "A,D"), false);
  assert.equal(validValue(option, "B"), true);
  assert.equal(validValue(option, "A,B"), false);
  fc.assert(fc.property(fc.string(), (text) => validValue(option, text) === ["A", "B", "C"].includes(text)));
});

test("booleans and dateTimes are checked by format", () => {
  const boolean = { dataType: "boolean", supportsMonitoring: true } as const;
  const dateTime = { dataType: "dateTime", supportsMonitoring: true } as const;
  assert.deepEqual(
    ["true", "false", "True", "1", ""].map((v) => validValue(boolean, v)),
    [true, true, false, false, false],
  );
  assert.equal(validValue(dateTime, "2026-11-29T10:00:00Z"), true);
  assert.equal(validValue(dateTime, "2026-11-29T10:00:00.123+01:00"), true);
  assert.equal(validValue(dateTime, "2026-13-45T10:00:00Z"), false);
  assert.equal(validValue(dateTime, "yesterday"), false);
});

test("snapshot keeps what the CSMS set and restore puts it back, skipping values that no longer fit", () => {
  const model = standardDeviceModel(identity);
  assert.equal(model.set({ name: "OCPPCommCtrlr" }, { name: "OfflineThreshold" }, "42").status, "Accepted");
  assert.equal(model.set({ name: "TxCtrlr" }, { name: "TxStartPoint" }, "EVConnected").status, "Accepted");
  const snapshot = model.snapshot();
  assert.ok(
    !Object.keys(snapshot).some((key) => key.startsWith("EVSE|") && key.includes("AvailabilityState")),
    "measured states are not kept",
  );
  const fresh = standardDeviceModel(identity);
  const changes: string[] = [];
  fresh.onChange((change) => changes.push(change.variable.variable.name));
  fresh.restore({ ...snapshot, "OCPPCommCtrlr|||/HeartbeatInterval|/Actual": "soon" });
  assert.equal(fresh.value("OCPPCommCtrlr", "OfflineThreshold"), "42");
  assert.equal(fresh.value("TxCtrlr", "TxStartPoint"), "EVConnected");
  assert.equal(fresh.value("OCPPCommCtrlr", "HeartbeatInterval"), "60");
  assert.deepEqual(changes.sort(), ["OfflineThreshold", "TxStartPoint"]);
});

test("a component's variables are told apart by instance and EVSE", () => {
  const model = new DeviceModel([
    { component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" }, dataType: "decimal", value: "1" },
    { component: { name: "EVSE", evse: { id: 2 } }, variable: { name: "Power" }, dataType: "decimal", value: "2" },
    { component: { name: "X" }, variable: { name: "V", instance: "a" }, dataType: "string", value: "A", mutability: "ReadWrite" },
  ]);
  assert.equal(model.get({ name: "EVSE", evse: { id: 2 } }, { name: "Power" }).value, "2");
  assert.equal(model.get({ name: "EVSE", evse: { id: 3 } }, { name: "Power" }).status, "UnknownComponent");
  assert.equal(model.get({ name: "EVSE" }, { name: "Power" }).status, "UnknownComponent");
  assert.equal(model.get({ name: "X" }, { name: "V" }).status, "UnknownVariable");
  assert.equal(model.set({ name: "X" }, { name: "V", instance: "a" }, "B").status, "Accepted");
  assert.equal(model.value("X", { name: "V", instance: "a" }), "B");
});
