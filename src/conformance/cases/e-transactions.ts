/** Part 6 section 3.6, E Transactions: TC_E_*_CSMS (Tables 296-322). */
import type { CsmsCase } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import {
  authorized,
  energyTransferStarted,
  energyTransferSuspended,
  evConnectedPostSession,
  evConnectedPreSession,
  evDisconnected,
  stopAuthorized,
} from "../states.js";
import { csmsCase, idTokenStatus } from "./define.js";

/** Steps 1-4 of E01's start options: Authorize Accepted, then the cable. */
async function authorizeThenPlugIn(t: CsmsTest): Promise<void> {
  const authorize = await t.send(1, "Authorize", { idToken: t.config.idTokens.valid });
  t.expect(2, "AuthorizeResponse idTokenInfo.status", idTokenStatus(authorize), "Accepted");
  await t.notifyConnector(3, "Occupied");
  t.station.evConnected = true;
}

/** E14: the CSMS asks for the status of a transaction (or of none). */
async function transactionStatus(
  t: CsmsTest,
  step: number,
  transactionId: string | undefined,
  answer: Record<string, unknown>,
): Promise<void> {
  const get = await t.receive(step, "GetTransactionStatus", {
    instruction: transactionId
      ? `Request the CSMS to get the status of transaction ${transactionId}`
      : "Request the CSMS to get the transaction status without a transactionId",
    payload: transactionId ? { transactionId } : {},
  });
  t.expect(step, "GetTransactionStatusRequest transactionId", get.payload.transactionId, transactionId);
  await get.reply(step + 1, answer);
}

const stopCase = (
  id: string,
  name: string,
  useCases: string[],
  before: (t: CsmsTest) => Promise<void>,
  event: Parameters<CsmsTest["transactionEvent"]>[1],
): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases,
    async run(t) {
      await before(t);
      await t.transactionEvent(1, event);
    },
  });

export const transactionCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_E_01_CSMS",
    name: "Start transaction options - PowerPathClosed",
    useCases: ["E01"],
    async run(t) {
      await authorizeThenPlugIn(t);
      const started = await t.transactionEvent(5, {
        eventType: "Started",
        triggerReason: "ChargingStateChanged",
        idToken: t.config.idTokens.valid,
        chargingState: "SuspendedEVSE",
      });
      t.expect(6, "TransactionEventResponse idTokenInfo.status", idTokenStatus(started), "Accepted");
      await t.transactionEvent(7, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "Charging" });
    },
  }),
  csmsCase({
    id: "TC_E_02_CSMS",
    name: "Start transaction options - EnergyTransfer",
    useCases: ["E01"],
    async run(t) {
      await authorizeThenPlugIn(t);
      const started = await t.transactionEvent(5, {
        eventType: "Started",
        triggerReason: "ChargingStateChanged",
        idToken: t.config.idTokens.valid,
        chargingState: "Charging",
      });
      t.expect(6, "TransactionEventResponse idTokenInfo.status", idTokenStatus(started), "Accepted");
    },
  }),
  csmsCase({
    id: "TC_E_03_CSMS",
    name: "Local start transaction - Cable plugin first - Success",
    useCases: ["E02"],
    async run(t) {
      await evConnectedPreSession(t);
      await authorized(t);
      await energyTransferStarted(t);
    },
  }),
  csmsCase({
    id: "TC_E_04_CSMS",
    name: "Local start transaction - Authorization first - Success",
    useCases: ["E03"],
    async run(t) {
      await authorized(t);
      await energyTransferStarted(t);
    },
  }),
  stopCase("TC_E_39_CSMS", "Stop transaction options - Deauthorized - timeout", ["E03", "E06"], authorized, {
    eventType: "Ended",
    triggerReason: "EVConnectTimeout",
    stoppedReason: "Timeout",
  }),
  csmsCase({
    id: "TC_E_14_CSMS",
    name: "Stop transaction options - EVDisconnected - Charging Station side",
    useCases: ["E06"],
    async run(t) {
      await evConnectedPostSession(t);
      await evDisconnected(t);
    },
  }),
  csmsCase({
    id: "TC_E_20_CSMS",
    name: "Stop transaction options - EVDisconnected - EV side (able to charge IEC 61851-1 EV)",
    useCases: ["E06", "E10"],
    async run(t) {
      await energyTransferSuspended(t);
      await evDisconnected(t);
    },
  }),
  stopCase("TC_E_15_CSMS", "Stop transaction options - StopAuthorized - Local", ["E06"], energyTransferStarted, {
    eventType: "Ended",
    triggerReason: "StopAuthorized",
    stoppedReason: "Local",
  }),
  csmsCase({
    id: "TC_E_21_CSMS",
    name: "Stop transaction options - StopAuthorized - Remote",
    useCases: ["E06", "F03"],
    async run(t) {
      await energyTransferStarted(t);
      const transactionId = t.station.transaction?.id;
      const stop = await t.receive(1, "RequestStopTransaction", {
        instruction: `Request the CSMS to stop transaction ${transactionId}`,
        payload: { transactionId },
      });
      t.expect(1, "RequestStopTransactionRequest transactionId", stop.payload.transactionId, transactionId);
      await stop.reply(2, { status: "Accepted" });
      await t.transactionEvent(3, { eventType: "Ended", triggerReason: "RemoteStop", stoppedReason: "Remote" });
    },
  }),
  csmsCase({
    id: "TC_E_09_CSMS",
    name: "Start transaction options - EVConnected",
    useCases: ["E01"],
    async run(t) {
      await t.notifyConnector(1, "Occupied");
      await t.transactionEvent(3, { eventType: "Started", triggerReason: "CablePluggedIn", chargingState: "EVConnected" });
    },
  }),
  csmsCase({
    id: "TC_E_10_CSMS",
    name: "Start transaction options - Authorized - Local",
    useCases: ["E01"],
    async run(t) {
      const authorize = await t.send(1, "Authorize", { idToken: t.config.idTokens.valid });
      t.expect(2, "AuthorizeResponse idTokenInfo.status", idTokenStatus(authorize), "Accepted");
      const started = await t.transactionEvent(3, { eventType: "Started", triggerReason: "Authorized", idToken: t.config.idTokens.valid });
      t.expect(4, "TransactionEventResponse idTokenInfo.status", idTokenStatus(started), "Accepted");
    },
  }),
  csmsCase({
    id: "TC_E_11_CSMS",
    name: "Start transaction options - DataSigned",
    useCases: ["E01"],
    async run(t) {
      await authorizeThenPlugIn(t);
      const started = await t.transactionEvent(5, {
        eventType: "Started",
        triggerReason: "SignedDataReceived",
        idToken: t.config.idTokens.valid,
        meterValue: [t.meterValue(0, "Transaction.Begin", { signedMeterValue: t.signedMeterValue(0) })],
      });
      t.expect(6, "TransactionEventResponse idTokenInfo.status", idTokenStatus(started), "Accepted");
      await t.transactionEvent(7, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "Charging" });
    },
  }),
  csmsCase({
    id: "TC_E_12_CSMS",
    name: "Start transaction options - ParkingBayOccupied",
    useCases: ["E01"],
    run: async (t) => {
      await t.transactionEvent(1, { eventType: "Started", triggerReason: "EVDetected" });
    },
  }),
  csmsCase({
    id: "TC_E_38_CSMS",
    name: "Local start transaction - EV not ready",
    useCases: ["E03"],
    async run(t) {
      await authorized(t);
      await evConnectedPreSession(t);
      await t.transactionEvent(2, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "SuspendedEV" });
    },
  }),
  stopCase("TC_E_07_CSMS", "Stop transaction options - PowerPathClosed - Local stop", ["E06"], energyTransferStarted, {
    eventType: "Ended",
    triggerReason: "StopAuthorized",
    stoppedReason: "Local",
  }),
  stopCase("TC_E_08_CSMS", "Stop transaction options - EnergyTransfer stopped - StopAuthorized", ["E06"], stopAuthorized, {
    eventType: "Ended",
    triggerReason: "ChargingStateChanged",
    chargingState: "EVConnected",
    stoppedReason: "Local",
  }),
  csmsCase({
    id: "TC_E_16_CSMS",
    name: "Stop transaction options - Deauthorized - Invalid idToken",
    useCases: ["E06"],
    async run(t) {
      const started = await t.transactionEvent(1, {
        eventType: "Started",
        triggerReason: "Authorized",
        idToken: t.config.idTokens.invalid,
      });
      t.expectOneOf(2, "TransactionEventResponse idTokenInfo.status", idTokenStatus(started), ["Invalid", "Unknown"]);
      await t.transactionEvent(3, { eventType: "Ended", triggerReason: "Deauthorized", stoppedReason: "DeAuthorized" });
    },
  }),
  stopCase("TC_E_17_CSMS", "Stop transaction options - Deauthorized - EV side disconnect", ["E06"], energyTransferSuspended, {
    eventType: "Ended",
    triggerReason: "EVCommunicationLost",
    chargingState: "Idle",
    stoppedReason: "EVDisconnected",
  }),
  stopCase("TC_E_22_CSMS", "Stop transaction options - EnergyTransfer stopped - SuspendedEV", ["E06"], energyTransferStarted, {
    eventType: "Ended",
    triggerReason: "ChargingStateChanged",
    chargingState: "SuspendedEV",
    stoppedReason: "StoppedByEV",
  }),
  // Part 6 ends the transaction of the EVDisconnected state again, for the parking bay: same transactionId.
  stopCase("TC_E_19_CSMS", "Stop transaction options - ParkingBayUnoccupied", ["E06"], evDisconnected, {
    eventType: "Ended",
    triggerReason: "EVDeparted",
    stoppedReason: "Local",
    ended: true,
  }),
  csmsCase({
    id: "TC_E_26_CSMS",
    name: "Disconnect cable on EV-side - Suspend transaction",
    useCases: ["E10"],
    async run(t) {
      await energyTransferSuspended(t);
      await t.transactionEvent(1, { eventType: "Updated", triggerReason: "EVCommunicationLost", chargingState: "Idle" });
      await t.notifyConnector(3, "Available");
      await t.transactionEvent(5, { eventType: "Updated", triggerReason: "CablePluggedIn", chargingState: "EVConnected" });
      await t.transactionEvent(7, { eventType: "Updated", triggerReason: "ChargingStateChanged", chargingState: "Charging" });
    },
  }),
  csmsCase({
    id: "TC_E_29_CSMS",
    name: "Check Transaction status - Transaction with id ongoing - with message in queue",
    useCases: ["E14"],
    async run(t) {
      await energyTransferStarted(t);
      await t.reconnect(1);
      await transactionStatus(t, 3, t.station.transaction?.id, { ongoingIndicator: true, messagesInQueue: true });
      await t.transactionEvent(5, {
        eventType: "Updated",
        triggerReason: "MeterValuePeriodic",
        meterValue: [t.meterValue(1500)],
        offline: true,
      });
    },
  }),
  csmsCase({
    id: "TC_E_30_CSMS",
    name: "Check Transaction status - Transaction with id ongoing - without message in queue",
    useCases: ["E14"],
    async run(t) {
      await energyTransferStarted(t);
      await transactionStatus(t, 1, t.station.transaction?.id, { ongoingIndicator: true, messagesInQueue: false });
    },
  }),
  csmsCase({
    id: "TC_E_31_CSMS",
    name: "Check Transaction status - Transaction with id ended - with message in queue",
    useCases: ["E14"],
    async run(t) {
      await energyTransferStarted(t);
      const tx = t.station.transaction;
      await t.reconnect(1);
      const skipped = tx?.seqNo ?? 0;
      await t.transactionEvent(3, {
        eventType: "Ended",
        triggerReason: "EVCommunicationLost",
        chargingState: "Idle",
        stoppedReason: "EVDisconnected",
        offline: true,
        seqNo: skipped + 2,
      });
      await transactionStatus(t, 5, tx?.id, { ongoingIndicator: false, messagesInQueue: true });
      // The two queued messages of the ended transaction, with the seqNo values the Ended one skipped.
      await t.transactionEvent(7, { eventType: "Updated", triggerReason: "StopAuthorized", offline: true, seqNo: skipped, ended: true });
      await t.transactionEvent(9, {
        eventType: "Updated",
        triggerReason: "ChargingStateChanged",
        chargingState: "EVConnected",
        offline: true,
        seqNo: skipped + 1,
        ended: true,
      });
    },
  }),
  csmsCase({
    id: "TC_E_33_CSMS",
    name: "Check Transaction status - Without transactionId - with message in queue",
    useCases: ["E14"],
    async run(t) {
      await energyTransferStarted(t);
      await t.reconnect(1);
      await transactionStatus(t, 3, undefined, { messagesInQueue: true });
      await t.transactionEvent(5, {
        eventType: "Updated",
        triggerReason: "MeterValuePeriodic",
        meterValue: [t.meterValue(1500)],
        offline: true,
      });
    },
  }),
  csmsCase({
    id: "TC_E_34_CSMS",
    name: "Check Transaction status - Without transactionId - without message in queue",
    useCases: ["E14"],
    run: (t) => transactionStatus(t, 1, undefined, { messagesInQueue: false }),
  }),
  csmsCase({
    id: "TC_E_53_CSMS",
    name: "Reset Sequence Number - CSMS accepting seqNo = 0 at start of transaction",
    useCases: ["E01"],
    async run(t) {
      // Steps 1 and 3: each new transaction starts again at seqNo 0.
      for (const step of [1, 3]) {
        await t.state(`${step}`, async () => {
          await energyTransferStarted(t);
          await evDisconnected(t);
        });
      }
    },
  }),
];
