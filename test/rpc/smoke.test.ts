import assert from "node:assert/strict";
import { test } from "node:test";
import { ChargePoint } from "ocppkit/v16";

test("the v16 ChargePoint reports OCPP 1.6", () => {
  assert.equal(ChargePoint.ocppVersion, "1.6");
});
