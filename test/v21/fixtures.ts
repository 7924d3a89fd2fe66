/** Realistic OCPP 2.1 payloads, typed by the generated classes (a type error here is a generator bug). */
import { call, callResult } from "ocppkit/v21";
import type { FixtureTable } from "../support/typed-fixtures.js";

const now = "2026-11-24T10:00:00.000Z";
const idToken = { idToken: "04A2B3C4D5E6F7", type: "ISO14443" };
const streamParams = { interval: 5, values: 12 };

export const fixtures: FixtureTable<typeof call, typeof callResult> = {
  BootNotification: {
    request: new call.BootNotification({ reason: "PowerUp", chargingStation: { vendorName: "Acme", model: "X3", serialNumber: "S-0021" } }),
    response: new callResult.BootNotification({ currentTime: now, interval: 300, status: "Accepted" }),
  },
  Heartbeat: { request: new call.Heartbeat(), response: new callResult.Heartbeat({ currentTime: now }) },
  Authorize: {
    request: new call.Authorize({ idToken }),
    response: new callResult.Authorize({ idTokenInfo: { status: "Accepted" } }),
  },
  TransactionEvent: {
    request: new call.TransactionEvent({
      eventType: "Started",
      timestamp: now,
      triggerReason: "Authorized",
      seqNo: 0,
      transactionInfo: { transactionId: "tx-21-1", chargingState: "EVConnected" },
      idToken,
      evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: now, sampledValue: [{ value: 0, measurand: "Energy.Active.Import.Register" }] }],
    }),
    response: new callResult.TransactionEvent({ idTokenInfo: { status: "Accepted" } }),
  },
  RequestStartTransaction: {
    request: new call.RequestStartTransaction({ idToken, remoteStartId: 7, evseId: 1 }),
    response: new callResult.RequestStartTransaction({ status: "Accepted", transactionId: "tx-21-2" }),
  },
  GetVariables: {
    request: new call.GetVariables({
      getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }],
    }),
    response: new callResult.GetVariables({
      getVariableResult: [
        {
          attributeStatus: "Accepted",
          attributeValue: "300",
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
        },
      ],
    }),
  },
  OpenPeriodicEventStream: {
    request: new call.OpenPeriodicEventStream({ constantStreamData: { id: 1, variableMonitoringId: 12, params: streamParams } }),
    response: new callResult.OpenPeriodicEventStream({ status: "Accepted" }),
  },
  AdjustPeriodicEventStream: {
    request: new call.AdjustPeriodicEventStream({ id: 1, params: { interval: 10 } }),
    response: new callResult.AdjustPeriodicEventStream({ status: "Accepted" }),
  },
  ClosePeriodicEventStream: {
    request: new call.ClosePeriodicEventStream({ id: 1 }),
    response: new callResult.ClosePeriodicEventStream(),
  },
  NotifySettlement: {
    request: new call.NotifySettlement({
      transactionId: "tx-21-1",
      pspRef: "PSP-778",
      status: "Settled",
      settlementAmount: 12.34,
      settlementTime: now,
      receiptId: "R-1",
    }),
    response: new callResult.NotifySettlement({ receiptUrl: "https://receipts.example.com/R-1" }),
  },
  UsePriorityCharging: {
    request: new call.UsePriorityCharging({ transactionId: "tx-21-1", activate: true }),
    response: new callResult.UsePriorityCharging({ status: "Accepted" }),
  },
};
