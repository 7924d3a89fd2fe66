import assert from "node:assert/strict";
import { test } from "node:test";
import { Action, ChargePointStatus, call, callResult, Measurand, RegistrationStatus, UnitOfMeasure } from "ocppkit/v16";

test("enums are as-const objects whose values are the spec's spellings", () => {
  // 1.6 section 7.7: the nine connector states.
  assert.deepEqual(Object.values(ChargePointStatus).sort(), [
    "Available",
    "Charging",
    "Faulted",
    "Finishing",
    "Preparing",
    "Reserved",
    "SuspendedEV",
    "SuspendedEVSE",
    "Unavailable",
  ]);
  assert.deepEqual(Object.values(RegistrationStatus).sort(), ["Accepted", "Pending", "Rejected"]);
  // Keys are identifiers, values stay exactly as on the wire.
  assert.equal(Measurand.EnergyActiveImportRegister, "Energy.Active.Import.Register");
  // MeterValues' schema has Hertz and StopTransaction's does not; the type is the union.
  assert.ok(Object.values(UnitOfMeasure).includes("Hertz" as UnitOfMeasure));
  const status: ChargePointStatus = ChargePointStatus.SuspendedEV;
  assert.equal(status, "SuspendedEV");
});

test("every action has a call class and a callResult class that name it, and nothing extra goes on the wire", () => {
  const calls = call as unknown as Record<string, { action: string; new (payload: object): object }>;
  const results = callResult as unknown as Record<string, { action: string }>;
  for (const action of Object.values(Action)) {
    assert.equal(calls[action].action, action);
    assert.equal(results[action].action, action);
  }
  const request = new call.Authorize({ idTag: "ABC" });
  assert.equal(JSON.stringify(request), '{"idTag":"ABC"}');
  assert.equal(Object.keys(request).includes("~action"), false);
});
