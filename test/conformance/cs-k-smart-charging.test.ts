import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allFeatures, Feature } from "../../src/conformance/index.js";
import { csCasesOf, csConfig, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("K");
/** TC_K_38 is for a station without Smart Charging: the simulator is run as if it did not claim it. */
const withoutSmartCharging = { features: allFeatures.filter((f) => f !== Feature.K) };

describe("conformance cs, block K (SmartCharging)", () => {
  it("TC_K_38_CS does not apply to the simulated charger, which supports Smart Charging", async () => {
    const results = await runAgainstSimulator(cases, csConfig());
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome]),
      [["TC_K_38_CS", "not applicable"]],
    );
  });

  it("TC_K_38_CS passes against a station not claiming Smart Charging that starts the transaction", async () => {
    const results = await runAgainstSimulator(cases, csConfig(withoutSmartCharging));
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome, r.reason]),
      [["TC_K_38_CS", "pass", undefined]],
    );
  });

  it("TC_K_38_CS fails at step 2 against a station that rejects a remote start carrying a charging profile", async () => {
    const [result] = await runAgainstSimulator(cases, csConfig({ actionTimeoutS: 4, ...withoutSmartCharging }), (_c, p) =>
      p.route("RequestStartTransaction", () => ({ status: "Rejected" })),
    );
    assert.equal(result?.outcome, "fail", result?.reason);
    assert.equal(result?.step, "2", result?.reason);
  });
});
