import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;
const cases = csCasesOf("J");

/** Changes every meterValue of `action` messages (where `when` holds) with `change`. */
const meterValues =
  (action: string, change: (values: Body[]) => Body[], when: (b: Body) => boolean = () => true) =>
  (c: SimulatedCharger2) =>
    onSend(c, (a, b) =>
      a === action && Array.isArray(b.meterValue) && when(b) ? { ...b, meterValue: change(b.meterValue as Body[]) } : b,
    );
const withContext = (context: string) => (values: Body[]) =>
  values.map((v) => ({ ...v, sampledValue: (v.sampledValue as Body[]).map((s) => ({ ...s, context })) }));
const ended = (b: Body) => b.eventType === "Ended";
/** The signature is left out of the Ended event's values. */
const unsigned = meterValues(
  "TransactionEvent",
  (values) => values.map((v) => ({ ...v, sampledValue: (v.sampledValue as Body[]).map(({ signedMeterValue: _, ...s }) => s) })),
  ended,
);

const faults: Record<string, FaultCase> = {
  // Clock-aligned values stamped with the moment they were sent, a minute apart: wrong intervals.
  TC_J_01_CS: {
    fault: (c) => {
      let n = 0;
      meterValues("MeterValues", (values) => values.map((v) => ({ ...v, timestamp: new Date(Date.now() + 60_000 * n++).toISOString() })))(
        c,
      );
    },
    step: "post",
  },
  TC_J_02_CS: {
    fault: meterValues("TransactionEvent", withContext("Sample.Periodic"), (b) => b.triggerReason === "MeterValueClock"),
    step: "3",
  },
  // Missing follow-up: the TxEnded samples are left out of the Ended event.
  TC_J_03_CS: { fault: meterValues("TransactionEvent", (values) => values.slice(-1), ended), step: "post" },
  // Clock-aligned values go on during the transaction although SendDuringIdle is true.
  TC_J_06_CS: {
    fault: (c) => {
      const model = c.station.model;
      const value = model.value.bind(model);
      model.value = ((component: string, variable: string | { name: string }) =>
        component === "AlignedDataCtrlr" && variable === "SendDuringIdle"
          ? "false"
          : value(component, variable as never)) as typeof model.value;
    },
    step: "4",
  },
  TC_J_07_CS: { fault: meterValues("TransactionEvent", withContext("Sample.Periodic"), (b) => b.eventType === "Started"), step: "post" },
  // The start reading, once the EVSE is known, labelled as a periodic sample.
  TC_J_08_CS: {
    fault: meterValues("TransactionEvent", withContext("Sample.Periodic"), (b) => b.triggerReason === "CablePluggedIn"),
    step: "post",
  },
  TC_J_04_CS: { fault: unsigned, step: "post" },
  // A publicKey that is no key.
  TC_J_11_CS: {
    fault: meterValues(
      "TransactionEvent",
      (values) =>
        values.map((v) => ({
          ...v,
          sampledValue: (v.sampledValue as Body[]).map((s) => ({
            ...s,
            signedMeterValue: { ...(s.signedMeterValue as Body), publicKey: "bm90IGEga2V5" },
          })),
        })),
      ended,
    ),
    step: "post",
  },
  // Wrong triggerReason for a periodic sample.
  TC_J_09_CS: {
    fault: (c) =>
      onSend(c, (a, b) =>
        a === "TransactionEvent" && b.triggerReason === "MeterValuePeriodic" ? { ...b, triggerReason: "ChargingStateChanged" } : b,
      ),
    step: "1",
  },
  TC_J_10_CS: {
    fault: meterValues(
      "TransactionEvent",
      (values) => values.filter((v) => (v.sampledValue as Body[])[0]?.context !== "Transaction.End"),
      ended,
    ),
    step: "post",
  },
};

/** Intervals of 2 s (clock-aligned) and 1 s (sampled), a transaction of 3 s. */
const config = (over = {}) => csConfig({ clockAlignedIntervalS: 2, sampledIntervalS: 1, transactionDurationS: 3, ...over });

describe("conformance cs, block J (MeterValues)", () => {
  it("every TC_J_*_CS case in scope passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(cases, config());
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id}: ${r.outcome} ${r.step ?? ""} ${r.reason ?? ""}`),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], config({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
