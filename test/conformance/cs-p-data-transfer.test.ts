import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csCasesOf, csConfig, type FaultCase, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("P");

const faults: Record<string, FaultCase> = {
  TC_P_01_CS: { fault: (_c, p) => p.route("DataTransfer", () => ({ status: "Accepted" })), step: "2" },
  // The value set is not the value read back.
  TC_P_03_CS: {
    fault: (_c, p) =>
      p.route("GetVariables", () => ({
        getVariableResult: [
          {
            attributeStatus: "Accepted",
            attributeValue: "300",
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "OfflineThreshold" },
          },
        ],
      })),
    step: "4",
  },
};

describe("conformance cs, block P (DataTransfer)", () => {
  it("every TC_P_*_CS case passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(cases, csConfig());
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass"),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4 }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
