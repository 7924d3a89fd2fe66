import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;
const cases = csCasesOf("E");

/** The station changes (or, returning undefined, drops) the TransactionEvents `which` picks. */
const tx = (which: (b: Body) => boolean, change: (b: Body) => Body | undefined) => (c: SimulatedCharger2) =>
  onSend(c, (a, b) => (a === "TransactionEvent" && which(b) ? change(b) : b));
const info = (b: Body) => b.transactionInfo as Body;
const withInfo = (b: Body, over: Body) => ({ ...b, transactionInfo: { ...info(b), ...over } });
const reason = (r: string) => (b: Body) => b.triggerReason === r;
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
  TC_E_28_CS: { fault: transactionStatus({ ongoingIndicator: true, messagesInQueue: false }), step: "2" },
  TC_E_30_CS: { fault: transactionStatus({ ongoingIndicator: false, messagesInQueue: false }), step: "2" },
  TC_E_32_CS: { fault: transactionStatus({ ongoingIndicator: true, messagesInQueue: false }), step: "2" },
  TC_E_34_CS: { fault: transactionStatus({ messagesInQueue: true }), step: "2" },
};

describe("conformance cs, block E (Transactions)", () => {
  it("every TC_E_*_CS case in scope passes against the simulated charger, its EV driven through the control endpoint", async () => {
    const results = await runAgainstSimulator(cases, csConfig({ evConnectionTimeoutS: 2 }));
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id} ${r.step} ${r.reason}`),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const config = csConfig({ actionTimeoutS: 4, evConnectionTimeoutS: 2, ...faultCase.config });
      const [result] = await runAgainstSimulator([kase], config, faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
