/** Realistic OCPP 2.0.1 payloads, typed by the generated classes (a type error here is a generator bug). */
import { call, callResult } from "ocppkit/v201";
import type { FixtureTable } from "../support/typed-fixtures.js";

const now = "2026-11-24T10:00:00.000Z";
const idToken = { idToken: "04A2B3C4D5E6F7", type: "ISO14443" } as const;
const component = { name: "OCPPCommCtrlr" };
const variable = { name: "HeartbeatInterval" };

export const fixtures: FixtureTable<typeof call, typeof callResult> = {
  BootNotification: {
    request: new call.BootNotification({
      reason: "PowerUp",
      chargingStation: {
        vendorName: "Acme",
        model: "X2",
        serialNumber: "S-0001",
        firmwareVersion: "1.4.2",
        modem: { iccid: "8931", imsi: "2040" },
      },
    }),
    response: new callResult.BootNotification({ currentTime: now, interval: 300, status: "Accepted" }),
  },
  Authorize: {
    request: new call.Authorize({ idToken }),
    response: new callResult.Authorize({ idTokenInfo: { status: "Accepted", cacheExpiryDateTime: now, evseId: [1] } }),
  },
  Heartbeat: { request: new call.Heartbeat(), response: new callResult.Heartbeat({ currentTime: now }) },
  StatusNotification: {
    request: new call.StatusNotification({ timestamp: now, connectorStatus: "Occupied", evseId: 1, connectorId: 1 }),
    response: new callResult.StatusNotification(),
  },
  TransactionEvent: {
    request: new call.TransactionEvent({
      eventType: "Updated",
      timestamp: now,
      triggerReason: "MeterValuePeriodic",
      seqNo: 3,
      transactionInfo: { transactionId: "f3a9c0de-1", chargingState: "Charging", timeSpentCharging: 900 },
      evse: { id: 1, connectorId: 1 },
      meterValue: [
        {
          timestamp: now,
          sampledValue: [
            { value: 12.5, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "kWh" } },
            { value: 7200, measurand: "Power.Active.Import", context: "Sample.Periodic" },
          ],
        },
      ],
    }),
    response: new callResult.TransactionEvent({ totalCost: 4.2, idTokenInfo: { status: "Accepted" } }),
  },
  MeterValues: {
    request: new call.MeterValues({
      evseId: 1,
      meterValue: [{ timestamp: now, sampledValue: [{ value: 230.1, measurand: "Voltage", phase: "L1-N" }] }],
    }),
    response: new callResult.MeterValues(),
  },
  SetVariables: {
    request: new call.SetVariables({ setVariableData: [{ attributeType: "Actual", attributeValue: "300", component, variable }] }),
    response: new callResult.SetVariables({ setVariableResult: [{ attributeStatus: "Accepted", component, variable }] }),
  },
  GetVariables: {
    request: new call.GetVariables({
      getVariableData: [
        { component, variable },
        { component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" } },
      ],
    }),
    response: new callResult.GetVariables({
      getVariableResult: [
        { attributeStatus: "Accepted", attributeValue: "300", component, variable },
        { attributeStatus: "UnknownVariable", component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "Power" } },
      ],
    }),
  },
  RequestStartTransaction: {
    request: new call.RequestStartTransaction({
      idToken,
      remoteStartId: 42,
      evseId: 1,
      chargingProfile: {
        id: 7,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: [{ id: 1, chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
      },
    }),
    response: new callResult.RequestStartTransaction({ status: "Accepted" }),
  },
  RequestStopTransaction: {
    request: new call.RequestStopTransaction({ transactionId: "f3a9c0de-1" }),
    response: new callResult.RequestStopTransaction({ status: "Accepted" }),
  },
  Reset: { request: new call.Reset({ type: "OnIdle" }), response: new callResult.Reset({ status: "Scheduled" }) },
  TriggerMessage: {
    request: new call.TriggerMessage({ requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } }),
    response: new callResult.TriggerMessage({ status: "Accepted" }),
  },
  DataTransfer: {
    request: new call.DataTransfer({ vendorId: "com.acme", messageId: "Diag", data: { temperature: 41.5, fans: [1, 2] } }),
    response: new callResult.DataTransfer({ status: "Accepted", data: "ok" }),
  },
  SecurityEventNotification: {
    request: new call.SecurityEventNotification({ type: "SettingSystemTime", timestamp: now, techInfo: "NTP" }),
    response: new callResult.SecurityEventNotification(),
  },
  SendLocalList: {
    request: new call.SendLocalList({
      versionNumber: 5,
      updateType: "Differential",
      localAuthorizationList: [{ idToken, idTokenInfo: { status: "Accepted" } }],
    }),
    response: new callResult.SendLocalList({ status: "Accepted" }),
  },
};
