import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("N");

const faults: Record<string, FaultCase> = {
  // Missing follow-up: no NotifyCustomerInformation at all.
  TC_N_28_CS: { fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" ? undefined : b)), step: "Memory State 3" },
  // Wrong content: an empty report.
  TC_N_31_CS: { fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" ? { ...b, data: "" } : b)), step: "3" },
  // Wrong status.
  TC_N_32_CS: { fault: (_c, p) => p.route("CustomerInformation", () => ({ status: "Rejected" })), step: "2" },
};

describe("conformance cs, block N (Diagnostics)", () => {
  it("every TC_N_*_CS case in scope passes against the simulated charger", async () => {
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
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
