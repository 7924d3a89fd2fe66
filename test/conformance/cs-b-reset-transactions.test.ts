import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resetTransactionCsCases } from "../../src/conformance/cs/b-reset-transactions.js";
import { allFeatures, Feature } from "../../src/conformance/index.js";
import { csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;

const cases = resetTransactionCsCases;
const withoutResetEvse = { features: allFeatures.filter((f) => f !== Feature.ResetEvse) };
/** A station that cannot reset one EVSE (TC_B_29's prerequisite): the simulator with its Reset answer for an EVSE replaced. */
const rejectsEvseReset: FaultCase["fault"] = (_c, p) =>
  p.route("Reset", (request: { type: string; evseId?: number }) => ({ status: request.evseId === undefined ? "Accepted" : "Rejected" }));

/** A wrong station: `change` applied to its TransactionEvents of the reset (triggerReason ResetCommand). */
const resetEnded = (change: (body: Body) => Body) => (c: Parameters<FaultCase["fault"]>[0]) =>
  onSend(c, (a, b) => (a === "TransactionEvent" && b.triggerReason === "ResetCommand" ? change(b) : b));

/** One fault per case: missing follow-up, wrong status, wrong order, invalid payload. */
const faults: Record<string, FaultCase> = {
  // Wrong status: OnIdle during a transaction answered Accepted.
  TC_B_21_CS: {
    fault: (_c, p) => p.route("Reset", () => ({ status: "Accepted" })),
    step: "2",
  },
  // Boots with the wrong reason.
  TC_B_22_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "BootNotification" ? { ...b, reason: "ScheduledReset" } : b)),
    step: "5",
  },
  // Missing follow-up: after the scheduled reset the station reports no state of EVSE 2.
  TC_B_41_CS: {
    fault: (c) => {
      let rebooted = false;
      onSend(c, (a, b) => {
        if (a === "BootNotification" && b.reason === "ScheduledReset") rebooted = true;
        return rebooted && a === "StatusNotification" && b.evseId === 2 ? undefined : b;
      });
    },
    step: "13",
  },
  TC_B_26_CS: { fault: (_c, p) => p.route("Reset", () => ({ status: "Accepted" })), step: "2" },
  // Wrong stoppedReason in the Ended event of the reset.
  TC_B_27_CS: {
    fault: resetEnded((b) => ({ ...b, transactionInfo: { ...(b.transactionInfo as Body), stoppedReason: "Reboot" } })),
    step: "3",
  },
  // A station claiming no EVSE reset that still schedules one.
  TC_B_29_CS: { fault: () => {}, step: "2", config: withoutResetEvse },
};

/** Faults of the rules these cases add to part 6's message checks: the order of the reset, and what the Ended event omits. */
const orderFaults: [name: string, id: string, fault: FaultCase][] = [
  [
    "reboots at once although it answered Scheduled",
    "TC_B_21_CS",
    { fault: (c, p) => p.routeAfter("Reset", () => c.background("Reset", () => c.reboot("ScheduledReset"))), step: "7" },
  ],
  [
    "resets once the first of two transactions ended",
    "TC_B_41_CS",
    {
      fault: (c, p) => {
        let armed = false;
        p.routeAfter("Reset", () => {
          armed = true;
        });
        onSend(c, (a, b) => {
          if (armed && a === "TransactionEvent" && b.eventType === "Ended") {
            armed = false;
            setImmediate(() => c.background("Reset", () => c.reboot("ScheduledReset")));
          }
          return b;
        });
      },
      step: "11",
    },
  ],
  [
    "names the idToken in the Ended event of an Immediate reset",
    "TC_B_22_CS",
    { fault: resetEnded((b) => ({ ...b, idToken: { idToken: "X", type: "ISO14443" } })), step: "3" },
  ],
];

describe("conformance cs, block B: Reset during a transaction (B12)", () => {
  it("TC_B_21, 22, 26, 27 and 41 pass against the simulated charger; TC_B_29 (no EVSE reset) does not apply to it", async () => {
    const results = await runAgainstSimulator(cases, csConfig());
    const outcomes = Object.fromEntries(results.map((r) => [r.id, r.outcome === "fail" ? `fail at ${r.step}: ${r.reason}` : r.outcome]));
    assert.deepEqual(outcomes, {
      TC_B_21_CS: "pass",
      TC_B_22_CS: "pass",
      TC_B_41_CS: "pass",
      TC_B_26_CS: "pass",
      TC_B_27_CS: "pass",
      // The simulator claims ResetEvse (it supports it): the case for a station without it does not apply.
      TC_B_29_CS: "not applicable",
    });
  });

  for (const stopPoints of ["EVConnected", "ParkingBayOccupancy"]) {
    it(`TC_B_21, 22, 41 pass against the simulated charger with TxStopPoint ${stopPoints} (the transaction outlives the stop)`, async () => {
      const some = cases.filter((kase) => ["TC_B_21_CS", "TC_B_22_CS", "TC_B_41_CS"].includes(kase.id));
      const results = await runAgainstSimulator(some, csConfig(), (c) => c.station.model.update("TxCtrlr", "TxStopPoint", stopPoints));
      assert.deepEqual(
        results.map((r) => [r.id, r.outcome, r.reason]),
        some.map((kase) => [kase.id, "pass", undefined]),
      );
    });
  }

  it("TC_B_29_CS passes against a station that cannot reset one EVSE and does not claim it", async () => {
    const only = cases.filter((kase) => kase.id === "TC_B_29_CS");
    const [result] = await runAgainstSimulator(only, csConfig(withoutResetEvse), rejectsEvseReset);
    assert.deepEqual([result?.outcome, result?.reason], ["pass", undefined]);
  });

  it("TC_B_41_CS does not apply to a station with one EVSE", async () => {
    const only = cases.filter((kase) => kase.id === "TC_B_41_CS");
    const [result] = await runAgainstSimulator(only, csConfig({ evses: 1 }));
    assert.equal(result?.outcome, "not applicable", result?.reason);
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

  for (const [name, id, faultCase] of orderFaults) {
    it(`${id} fails at step ${faultCase.step} against a station that ${name}`, async () => {
      const kase = cases.find((c) => c.id === id);
      assert.ok(kase);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4 }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${id}: ${result?.reason}`);
    });
  }
});
