/**
 * One realistic request and response for each of the 39 OCPP 1.6 actions (28 core from 1.6 edition 2,
 * 11 from the security whitepaper), with the side that sends the CALL. DataTransfer goes both ways
 * (1.6 sections 4.3 and 5.6) and so has a row for each direction.
 */
import type { CallPayload } from "ocppkit";
import { type Action, type ChargingProfile, call, callResult } from "ocppkit/v16";

export interface RoundTrip {
  readonly action: Action;
  /** Who sends the CALL, per the spec's "Operations initiated by ..." sections. */
  readonly sender: "ChargePoint" | "CentralSystem";
  readonly request: CallPayload;
  readonly response: object;
}

const now = "2026-11-24T10:15:00.000Z";
const later = "2026-11-24T12:15:00Z";
const certificateHash = {
  hashAlgorithm: "SHA256",
  issuerNameHash: "f3b3e0b9c2d1a4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9",
  issuerKeyHash: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
  serialNumber: "4f2a9c",
} as const;
const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2hhcmdlUG9pbnRUZXN0MA==\n-----END CERTIFICATE-----\n";
const profile: ChargingProfile = {
  chargingProfileId: 12,
  stackLevel: 1,
  chargingProfilePurpose: "TxDefaultProfile",
  chargingProfileKind: "Recurring",
  recurrencyKind: "Daily",
  validFrom: "2026-11-24T00:00:00Z",
  chargingSchedule: {
    duration: 86_400,
    startSchedule: "2026-11-24T00:00:00Z",
    chargingRateUnit: "A",
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 16, numberPhases: 3 },
      { startPeriod: 25_200, limit: 21.4 },
      { startPeriod: 64_800, limit: 15.2 },
    ],
    minChargingRate: 6,
  },
};

export const roundTrips: readonly RoundTrip[] = [
  // Operations initiated by the charge point (1.6 section 4; security whitepaper).
  {
    action: "Authorize",
    sender: "ChargePoint",
    request: new call.Authorize({ idTag: "04A2B5C2E12380" }),
    response: new callResult.Authorize({ idTagInfo: { status: "Accepted", expiryDate: later, parentIdTag: "FLEET-7" } }),
  },
  {
    action: "BootNotification",
    sender: "ChargePoint",
    request: new call.BootNotification({
      chargePointVendor: "Acme Charging",
      chargePointModel: "AC-22 Duo",
      chargePointSerialNumber: "AC22-000481",
      firmwareVersion: "3.4.1",
      iccid: "8931440400012345678",
      imsi: "204043212345678",
      meterType: "EM340",
      meterSerialNumber: "EM-99812",
    }),
    response: new callResult.BootNotification({ status: "Accepted", currentTime: now, interval: 300 }),
  },
  {
    action: "DataTransfer",
    sender: "ChargePoint",
    request: new call.DataTransfer({ vendorId: "com.acme", messageId: "PlugTemperature", data: '{"celsius":41.5}' }),
    response: new callResult.DataTransfer({ status: "Accepted", data: "ok" }),
  },
  {
    action: "DiagnosticsStatusNotification",
    sender: "ChargePoint",
    request: new call.DiagnosticsStatusNotification({ status: "Uploaded" }),
    response: new callResult.DiagnosticsStatusNotification({}),
  },
  {
    action: "FirmwareStatusNotification",
    sender: "ChargePoint",
    request: new call.FirmwareStatusNotification({ status: "Installed" }),
    response: new callResult.FirmwareStatusNotification({}),
  },
  {
    action: "Heartbeat",
    sender: "ChargePoint",
    request: new call.Heartbeat({}),
    response: new callResult.Heartbeat({ currentTime: now }),
  },
  {
    action: "MeterValues",
    sender: "ChargePoint",
    request: new call.MeterValues({
      connectorId: 1,
      transactionId: 1742,
      meterValue: [
        {
          timestamp: now,
          sampledValue: [
            { value: "12175", context: "Sample.Periodic", measurand: "Energy.Active.Import.Register", location: "Outlet", unit: "Wh" },
            { value: "21.4", measurand: "Current.Import", phase: "L1", unit: "A" },
            { value: "230.1", measurand: "Voltage", phase: "L1-N", unit: "V", format: "Raw" },
          ],
        },
      ],
    }),
    response: new callResult.MeterValues({}),
  },
  {
    action: "StartTransaction",
    sender: "ChargePoint",
    request: new call.StartTransaction({ connectorId: 1, idTag: "04A2B5C2E12380", meterStart: 10_200, reservationId: 77, timestamp: now }),
    response: new callResult.StartTransaction({ idTagInfo: { status: "Accepted" }, transactionId: 1742 }),
  },
  {
    action: "StatusNotification",
    sender: "ChargePoint",
    request: new call.StatusNotification({
      connectorId: 1,
      errorCode: "NoError",
      status: "Charging",
      timestamp: now,
      info: "cable locked",
      vendorId: "com.acme",
    }),
    response: new callResult.StatusNotification({}),
  },
  {
    action: "StopTransaction",
    sender: "ChargePoint",
    request: new call.StopTransaction({
      idTag: "04A2B5C2E12380",
      meterStop: 22_375,
      timestamp: later,
      transactionId: 1742,
      reason: "EVDisconnected",
      transactionData: [{ timestamp: later, sampledValue: [{ value: "22375", context: "Transaction.End", unit: "Wh" }] }],
    }),
    response: new callResult.StopTransaction({ idTagInfo: { status: "Accepted" } }),
  },
  {
    action: "LogStatusNotification",
    sender: "ChargePoint",
    request: new call.LogStatusNotification({ status: "Uploaded", requestId: 31 }),
    response: new callResult.LogStatusNotification({}),
  },
  {
    action: "SecurityEventNotification",
    sender: "ChargePoint",
    request: new call.SecurityEventNotification({ type: "FirmwareUpdated", timestamp: now, techInfo: "3.4.0 -> 3.4.1" }),
    response: new callResult.SecurityEventNotification({}),
  },
  {
    action: "SignCertificate",
    sender: "ChargePoint",
    request: new call.SignCertificate({
      csr: "-----BEGIN CERTIFICATE REQUEST-----\nMIIBWDCB/gIBADAcMRowGAYDVQQDDBFDUC0x\n-----END CERTIFICATE REQUEST-----\n",
    }),
    response: new callResult.SignCertificate({ status: "Accepted" }),
  },
  {
    action: "SignedFirmwareStatusNotification",
    sender: "ChargePoint",
    request: new call.SignedFirmwareStatusNotification({ status: "SignatureVerified", requestId: 8 }),
    response: new callResult.SignedFirmwareStatusNotification({}),
  },

  // Operations initiated by the central system (1.6 section 5; security whitepaper).
  {
    action: "CancelReservation",
    sender: "CentralSystem",
    request: new call.CancelReservation({ reservationId: 77 }),
    response: new callResult.CancelReservation({ status: "Accepted" }),
  },
  {
    action: "ChangeAvailability",
    sender: "CentralSystem",
    request: new call.ChangeAvailability({ connectorId: 2, type: "Inoperative" }),
    response: new callResult.ChangeAvailability({ status: "Scheduled" }),
  },
  {
    action: "ChangeConfiguration",
    sender: "CentralSystem",
    request: new call.ChangeConfiguration({ key: "HeartbeatInterval", value: "900" }),
    response: new callResult.ChangeConfiguration({ status: "Accepted" }),
  },
  {
    action: "ClearCache",
    sender: "CentralSystem",
    request: new call.ClearCache({}),
    response: new callResult.ClearCache({ status: "Accepted" }),
  },
  {
    action: "ClearChargingProfile",
    sender: "CentralSystem",
    request: new call.ClearChargingProfile({ connectorId: 1, chargingProfilePurpose: "TxDefaultProfile", stackLevel: 1 }),
    response: new callResult.ClearChargingProfile({ status: "Accepted" }),
  },
  {
    action: "DataTransfer",
    sender: "CentralSystem",
    request: new call.DataTransfer({ vendorId: "com.acme", messageId: "SetLedColour", data: "green" }),
    response: new callResult.DataTransfer({ status: "UnknownMessageId" }),
  },
  {
    action: "GetCompositeSchedule",
    sender: "CentralSystem",
    request: new call.GetCompositeSchedule({ connectorId: 1, duration: 3_600, chargingRateUnit: "W" }),
    response: new callResult.GetCompositeSchedule({
      status: "Accepted",
      connectorId: 1,
      scheduleStart: now,
      chargingSchedule: {
        duration: 3_600,
        chargingRateUnit: "W",
        chargingSchedulePeriod: [
          { startPeriod: 0, limit: 11_000 },
          { startPeriod: 1_800, limit: 7_400.5 },
        ],
      },
    }),
  },
  {
    action: "GetConfiguration",
    sender: "CentralSystem",
    request: new call.GetConfiguration({ key: ["HeartbeatInterval", "NoSuchKey"] }),
    response: new callResult.GetConfiguration({
      configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "900" }],
      unknownKey: ["NoSuchKey"],
    }),
  },
  {
    action: "GetDiagnostics",
    sender: "CentralSystem",
    request: new call.GetDiagnostics({
      location: "ftp://diagnostics.example.com/uploads/",
      retries: 3,
      retryInterval: 60,
      startTime: "2026-11-23T00:00:00Z",
      stopTime: now,
    }),
    response: new callResult.GetDiagnostics({ fileName: "diagnostics-CP-1-20261124.zip" }),
  },
  {
    action: "GetLocalListVersion",
    sender: "CentralSystem",
    request: new call.GetLocalListVersion({}),
    response: new callResult.GetLocalListVersion({ listVersion: 14 }),
  },
  {
    action: "RemoteStartTransaction",
    sender: "CentralSystem",
    request: new call.RemoteStartTransaction({
      connectorId: 1,
      idTag: "04A2B5C2E12380",
      chargingProfile: {
        chargingProfileId: 5,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        chargingProfileKind: "Relative",
        chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 0.3 }] },
      },
    }),
    response: new callResult.RemoteStartTransaction({ status: "Accepted" }),
  },
  {
    action: "RemoteStopTransaction",
    sender: "CentralSystem",
    request: new call.RemoteStopTransaction({ transactionId: 1742 }),
    response: new callResult.RemoteStopTransaction({ status: "Rejected" }),
  },
  {
    action: "ReserveNow",
    sender: "CentralSystem",
    request: new call.ReserveNow({ connectorId: 2, expiryDate: later, idTag: "04A2B5C2E12380", parentIdTag: "FLEET-7", reservationId: 78 }),
    response: new callResult.ReserveNow({ status: "Occupied" }),
  },
  {
    action: "Reset",
    sender: "CentralSystem",
    request: new call.Reset({ type: "Soft" }),
    response: new callResult.Reset({ status: "Accepted" }),
  },
  {
    action: "SendLocalList",
    sender: "CentralSystem",
    request: new call.SendLocalList({
      listVersion: 15,
      updateType: "Differential",
      localAuthorizationList: [{ idTag: "04A2B5C2E12380", idTagInfo: { status: "Accepted", expiryDate: later } }, { idTag: "DEADBEEF01" }],
    }),
    response: new callResult.SendLocalList({ status: "VersionMismatch" }),
  },
  {
    action: "SetChargingProfile",
    sender: "CentralSystem",
    request: new call.SetChargingProfile({ connectorId: 0, csChargingProfiles: profile }),
    response: new callResult.SetChargingProfile({ status: "Accepted" }),
  },
  {
    action: "TriggerMessage",
    sender: "CentralSystem",
    request: new call.TriggerMessage({ requestedMessage: "StatusNotification", connectorId: 1 }),
    response: new callResult.TriggerMessage({ status: "Accepted" }),
  },
  {
    action: "UnlockConnector",
    sender: "CentralSystem",
    request: new call.UnlockConnector({ connectorId: 1 }),
    response: new callResult.UnlockConnector({ status: "Unlocked" }),
  },
  {
    action: "UpdateFirmware",
    sender: "CentralSystem",
    request: new call.UpdateFirmware({
      location: "https://firmware.example.com/acme/ac22-3.4.2.bin",
      retries: 2,
      retrieveDate: later,
      retryInterval: 120,
    }),
    response: new callResult.UpdateFirmware({}),
  },
  {
    action: "CertificateSigned",
    sender: "CentralSystem",
    request: new call.CertificateSigned({ certificateChain: pem }),
    response: new callResult.CertificateSigned({ status: "Accepted" }),
  },
  {
    action: "DeleteCertificate",
    sender: "CentralSystem",
    request: new call.DeleteCertificate({ certificateHashData: certificateHash }),
    response: new callResult.DeleteCertificate({ status: "NotFound" }),
  },
  {
    action: "ExtendedTriggerMessage",
    sender: "CentralSystem",
    request: new call.ExtendedTriggerMessage({ requestedMessage: "SignChargePointCertificate" }),
    response: new callResult.ExtendedTriggerMessage({ status: "Accepted" }),
  },
  {
    action: "GetInstalledCertificateIds",
    sender: "CentralSystem",
    request: new call.GetInstalledCertificateIds({ certificateType: "CentralSystemRootCertificate" }),
    response: new callResult.GetInstalledCertificateIds({ status: "Accepted", certificateHashData: [certificateHash] }),
  },
  {
    action: "GetLog",
    sender: "CentralSystem",
    request: new call.GetLog({
      log: { remoteLocation: "https://logs.example.com/upload", oldestTimestamp: "2026-11-20T00:00:00Z", latestTimestamp: now },
      logType: "SecurityLog",
      requestId: 31,
      retries: 1,
      retryInterval: 30,
    }),
    response: new callResult.GetLog({ status: "Accepted", filename: "security-CP-1.log" }),
  },
  {
    action: "InstallCertificate",
    sender: "CentralSystem",
    request: new call.InstallCertificate({ certificateType: "ManufacturerRootCertificate", certificate: pem }),
    response: new callResult.InstallCertificate({ status: "Accepted" }),
  },
  {
    action: "SignedUpdateFirmware",
    sender: "CentralSystem",
    request: new call.SignedUpdateFirmware({
      requestId: 8,
      retries: 3,
      retryInterval: 60,
      firmware: {
        location: "https://firmware.example.com/acme/ac22-3.4.2.bin",
        retrieveDateTime: now,
        installDateTime: later,
        signingCertificate: pem,
        signature: "MEUCIQDfirmwareSignatureBase64==",
      },
    }),
    response: new callResult.SignedUpdateFirmware({ status: "Accepted" }),
  },
];
