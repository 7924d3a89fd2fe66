import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allFeatures, type ConformanceConfig, Feature } from "../../src/conformance/index.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;
const cases = csCasesOf("E");
/** The cases that take the station offline run against it as `ocppkit charge-point` runs it: reconnecting, with the offline queue. */
const offline = new Set(["TC_E_16_CS", "TC_E_29_CS", "TC_E_31_CS", "TC_E_33_CS", "TC_E_40_CS", "TC_E_43_CS", "TC_E_44_CS", "TC_E_45_CS"]);
/** The simulator claims a permanently attached cable (and has one) only where a case needs it: TC_E_17, 24, 25 unplug at the station side. */
const fixedCable = { features: allFeatures };
const config = (over: Partial<ConformanceConfig> = {}) =>
  csConfig({ evConnectionTimeoutS: 2, retryBackOffWaitMinimumS: 2, sampledIntervalS: 1, ...over });

/** The station changes (or, returning undefined, drops) the TransactionEvents `which` picks. */
const tx = (which: (b: Body) => boolean, change: (b: Body) => Body | undefined) => (c: SimulatedCharger2) =>
  onSend(c, (a, b) => (a === "TransactionEvent" && which(b) ? change(b) : b));
const info = (b: Body) => b.transactionInfo as Body;
const withInfo = (b: Body, over: Body) => ({ ...b, transactionInfo: { ...info(b), ...over } });
const reason = (r: string) => (b: Body) => b.triggerReason === r;
/** The station changes the TransactionEvents it queues (the reconnecting station sends them through its offline queue). */
const queued = (change: (b: Body) => void) => (c: SimulatedCharger2) => {
  const queue = c.queue;
  if (!queue) throw new Error("this fault needs the reconnecting station");
  const call = queue.call.bind(queue);
  queue.call = (payload: never) => {
    if ((payload as { constructor: { action?: string } }).constructor.action === "TransactionEvent") change(payload as Body);
    return call(payload);
  };
};
/** A station that never sends a TransactionEvent again (no E13 retries): a repeat of a seqNo is dropped, as if answered. */
const noRetries = (c: SimulatedCharger2) => {
  const sent = new Set<string>();
  onSend(c, (a, b) => {
    if (a !== "TransactionEvent") return b;
    const key = `${info(b).transactionId}/${b.seqNo}`;
    if (sent.has(key)) return undefined;
    sent.add(key);
    return b;
  });
};
const transactionStatus = (answer: Body) => (_c: SimulatedCharger2, p: ChargePoint) => p.route("GetTransactionStatus", () => answer);

/** One fault per case: a wrong triggerReason, chargingState, stoppedReason or eventType, a missing event, a wrong answer. */
const faults: Record<string, FaultCase> = {
  TC_E_01_CS: {
    fault: tx(
      (b) => b.eventType === "Started",
      (b) => withInfo(b, { chargingState: "Idle" }),
    ),
    step: "EVConnectedPreSession 3",
  },
  TC_E_02_CS: {
    fault: tx(
      (b) => b.eventType === "Started",
      (b) => ({ ...b, triggerReason: "CablePluggedIn" }),
    ),
    step: "3",
  },
  TC_E_09_CS: {
    fault: tx(
      (b) => b.eventType === "Started",
      (b) => withInfo(b, { chargingState: "Charging" }),
    ),
    step: "3",
  },
  TC_E_10_CS: {
    fault: tx(
      (b) => b.eventType === "Started",
      (b) => ({ ...b, triggerReason: "ChargingStateChanged" }),
    ),
    step: "Authorized 3",
  },
  TC_E_13_CS: { fault: tx(reason("RemoteStart"), (b) => withInfo(b, { remoteStartId: undefined })), step: "Authorized 5" },
  // Unsigned readings: a station that ignores SignReadings.
  TC_E_11_CS: {
    fault: tx(reason("SignedDataReceived"), (b) => ({
      ...b,
      meterValue: (b.meterValue as Body[]).map((m) => ({
        ...m,
        sampledValue: (m.sampledValue as Body[]).map(({ signedMeterValue: _, ...v }) => v),
      })),
    })),
    step: "3",
  },
  TC_E_12_CS: { fault: tx(reason("EVDetected"), (b) => ({ ...b, triggerReason: "CablePluggedIn" })), step: "ParkingBayOccupied 1" },
  TC_E_17_CS: { fault: tx(reason("EVCommunicationLost"), (b) => withInfo(b, { stoppedReason: "Local" })), step: "1" },
  TC_E_39_CS: { fault: tx(reason("EVConnectTimeout"), (b) => withInfo(b, { stoppedReason: "Local" })), step: "1" },
  TC_E_03_CS: {
    fault: tx(
      (b) => info(b).chargingState === "Charging",
      (b) => withInfo(b, { chargingState: "SuspendedEV" }),
    ),
    step: "EnergyTransferStarted 9",
  },
  TC_E_04_CS: {
    fault: tx(
      (b) => info(b).chargingState === "SuspendedEVSE",
      () => undefined,
    ),
    step: "EnergyTransferStarted 7",
  },
  TC_E_05_CS: { fault: tx(reason("EVConnectTimeout"), (b) => ({ ...b, eventType: "Updated" })), step: "1" },
  TC_E_38_CS: {
    fault: tx(
      (b) => info(b).chargingState === "SuspendedEV",
      (b) => withInfo(b, { chargingState: "Charging" }),
    ),
    step: "2",
  },
  TC_E_06_CS: { fault: tx(reason("StopAuthorized"), (b) => withInfo(b, { stoppedReason: "Remote" })), step: "StopAuthorized 3" },
  TC_E_07_CS: { fault: tx(reason("StopAuthorized"), (b) => ({ ...b, eventType: "Updated" })), step: "StopAuthorized 3" },
  TC_E_35_CS: { fault: tx(reason("RemoteStop"), (b) => withInfo(b, { stoppedReason: "Local" })), step: "3" },
  TC_E_37_CS: { fault: tx(reason("EVCommunicationLost"), (b) => withInfo(b, { chargingState: "EVConnected" })), step: "1" },
  TC_E_08_CS: { fault: tx(reason("StopAuthorized"), () => undefined), step: "StopAuthorized 1" },
  TC_E_22_CS: {
    fault: tx(
      (b) => info(b).stoppedReason === "StoppedByEV",
      (b) => withInfo(b, { stoppedReason: "Local" }),
    ),
    step: "1 EnergyTransferSuspended 1",
  },
  TC_E_14_CS: { fault: tx(reason("EVCommunicationLost"), (b) => ({ ...b, eventType: "Updated" })), step: "3" },
  TC_E_20_CS: { fault: tx(reason("EVCommunicationLost"), (b) => withInfo(b, { stoppedReason: "Remote" })), step: "1" },
  TC_E_54_CS: { fault: tx(reason("EVCommunicationLost"), (b) => withInfo(b, { stoppedReason: "Remote" })), step: "1" },
  TC_E_15_CS: { fault: tx(reason("StopAuthorized"), (b) => ({ ...b, eventType: "Updated" })), step: "1" },
  TC_E_21_CS: { fault: tx(reason("RemoteStop"), (b) => ({ ...b, eventType: "Updated" })), step: "3" },
  TC_E_19_CS: { fault: tx(reason("EVDeparted"), () => undefined), step: "1 ParkingBayUnoccupied 1" },
  TC_E_24_CS: { fault: tx(reason("EVCommunicationLost"), (b) => withInfo(b, { chargingState: "Charging" })), step: "1" },
  TC_E_25_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "StatusNotification" && b.connectorStatus === "Available" ? undefined : b)),
    step: "3",
  },
  TC_E_26_CS: { fault: tx(reason("CablePluggedIn"), (b) => ({ ...b, triggerReason: "ChargingStateChanged" })), step: "5" },
  TC_E_41_CS: { fault: noRetries, step: "5" },
  TC_E_42_CS: { fault: noRetries, step: "5" },
  TC_E_50_CS: { fault: noRetries, step: "5" },
  TC_E_51_CS: { fault: noRetries, step: "5" },
  TC_E_16_CS: {
    fault: queued((b) => {
      if (b.eventType === "Ended") b.triggerReason = "StopAuthorized";
    }),
    step: "3",
  },
  TC_E_40_CS: { fault: queued((b) => delete b.offline), step: "3" },
  // A station that does not look into its queue.
  TC_E_29_CS: { fault: transactionStatus({ ongoingIndicator: true, messagesInQueue: false }), step: "4" },
  TC_E_31_CS: { fault: transactionStatus({ ongoingIndicator: false, messagesInQueue: false }), step: "2" },
  TC_E_33_CS: { fault: queued((b) => delete b.offline), step: "5" },
  TC_E_43_CS: { fault: queued((b) => delete b.offline), step: "2" },
  TC_E_44_CS: { fault: queued((b) => delete b.offline), step: "3" },
  // A station that does not know groups: the other idToken of the group stops nothing, only the unplugging ends the transaction.
  TC_E_45_CS: {
    fault: (c) => {
      c.station.groupOf = () => undefined;
    },
    step: "3",
  },
  // A station that asks the CSMS all the same.
  TC_E_52_CS: {
    fault: (c) => {
      const enabled = c.station.enabled.bind(c.station);
      c.station.enabled = (component, variable) => variable !== "DisableRemoteAuthorization" && enabled(component, variable);
    },
    step: "1",
  },
  TC_E_27_CS: { fault: tx(reason("EVConnectTimeout"), (b) => withInfo(b, { stoppedReason: "Local" })), step: "5", config: fixedCable },
  TC_E_28_CS: { fault: transactionStatus({ ongoingIndicator: true, messagesInQueue: false }), step: "2" },
  TC_E_30_CS: { fault: transactionStatus({ ongoingIndicator: false, messagesInQueue: false }), step: "2" },
  TC_E_32_CS: { fault: transactionStatus({ ongoingIndicator: true, messagesInQueue: false }), step: "2" },
  TC_E_34_CS: { fault: transactionStatus({ messagesInQueue: true }), step: "2" },
};

describe("conformance cs, block E (Transactions)", () => {
  it("every TC_E_*_CS case in scope passes against the simulated charger, its EV driven through the control endpoint", async () => {
    const results = await runAgainstSimulator(
      cases.filter((kase) => !offline.has(kase.id) && kase.id !== "TC_E_27_CS"),
      config(),
    );
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id} ${r.step} ${r.reason}`),
      [],
    );
  });

  it("every offline TC_E_*_CS case passes against the reconnecting simulated charger with its offline queue", async () => {
    const results = await runAgainstSimulator(
      cases.filter((kase) => offline.has(kase.id)),
      config(),
      undefined,
      { reconnecting: true },
    );
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id} ${r.step} ${r.reason}`),
      [],
    );
  });

  it("TC_E_27_CS passes against the simulated charger with a permanently attached cable, and is not applicable without the claim", async () => {
    const kase = cases.filter((k) => k.id === "TC_E_27_CS");
    const [fixed] = await runAgainstSimulator(kase, config(fixedCable));
    assert.equal(fixed?.outcome, "pass", `${fixed?.step} ${fixed?.reason}`);
    const [detachable] = await runAgainstSimulator(kase, config());
    assert.equal(detachable?.outcome, "not applicable");
    assert.match(detachable?.reason ?? "", new RegExp(Feature.PermanentCable));
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], config({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault, {
        reconnecting: offline.has(kase.id),
      });
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
