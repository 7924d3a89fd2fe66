import assert from "node:assert/strict";
import { test } from "node:test";
import { startChargerControl } from "../../src/station/control-endpoint.js";
import { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";

test("the control endpoint stores a customer identifier by hand (TC_N_62), and refuses one without it with a reason", async (t) => {
  const charger = new SimulatedCharger2({ id: "CS-N62", connectors: 1, meterIntervalS: 0, logger: {} }, "2.0.1");
  const control = await startChargerControl(charger, 0);
  t.after(() => control.close());
  const post = async (body: unknown) => {
    const response = await fetch(`${control.url}/2.0.1/CS-N62/StoreCustomerIdentifier`, { method: "POST", body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  assert.deepEqual(await post({}), {
    status: 400,
    body: { error: "StoreCustomerIdentifier needs a customerIdentifier (a non-empty string)" },
  });
  assert.deepEqual(await post({ customerIdentifier: 7 }), {
    status: 400,
    body: { error: "StoreCustomerIdentifier needs a customerIdentifier (a non-empty string)" },
  });
  assert.deepEqual(charger.station.customers.describe("OpenChargeAlliance"), []);
  assert.deepEqual(await post({ customerIdentifier: "OpenChargeAlliance" }), { status: 200, body: { done: "StoreCustomerIdentifier" } });
  assert.deepEqual(charger.station.customers.describe("OpenChargeAlliance"), [
    "customer OpenChargeAlliance, stored at the station by hand",
  ]);
  charger.station.customers.clear("OpenChargeAlliance");
  assert.deepEqual(charger.station.customers.describe("OpenChargeAlliance"), []);
});
