import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csCasesOf, csConfig, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("B").filter((kase) => kase.id === "TC_B_30_CS");

/**
 * TC_B_30 against the station `ocppkit charge-point` runs by default: a ReconnectingConnection with the
 * offline queue, whose registration gate answers the CSMS's CALLs with SecurityError while the
 * BootNotification is Rejected (2.0.1 B03.FR.08; the 1.6 gate leaves them unanswered).
 */
describe("conformance cs, TC_B_30 with the offline queue", () => {
  it("TC_B_30_CS passes against the simulator that queues (no --no-reconnect)", async () => {
    const results = await runAgainstSimulator(cases, csConfig(), undefined, { reconnecting: true });
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome, r.reason]),
      [["TC_B_30_CS", "pass", undefined]],
    );
  });

  it("TC_B_30_CS fails at step 3 against a queueing station that leaves CALLs unanswered while Rejected (the 1.6 rule)", async () => {
    const [result] = await runAgainstSimulator(
      cases,
      csConfig({ responseTimeoutS: 3, actionTimeoutS: 4 }),
      (_c, peer) => {
        const set = peer.setRegistrationGate.bind(peer);
        peer.setRegistrationGate = (gate) => set(gate && { ...gate, answerWhileRejected: false });
      },
      { reconnecting: true },
    );
    assert.equal(result?.outcome, "fail", result?.reason);
    assert.equal(result?.step, "3", result?.reason);
  });
});
