import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { repoFile } from "../cli/cli-process.js";
import { FileServer } from "./file-server.js";
import { type StationUnderTest as Station, StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const certificate = readFileSync(repoFile("test/fixtures/certs/cp-1.crt"), "utf8");
const signingKey = readFileSync(repoFile("test/fixtures/certs/cp-1.key"), "utf8");
const firmwareFile = Buffer.from("ocppkit simulated 1.6 firmware\n".repeat(500));
const past = () => new Date(Date.now() - 3600_000).toISOString();

const steps = (station: Station, from: number) =>
  station.received.slice(from).map((r) => {
    if (/StatusNotification$/.test(r.action) && r.action !== "StatusNotification") return `${r.action}:${r.payload.status}`;
    if (r.action === "StatusNotification") return `${r.action}:${r.payload.connectorId}:${r.payload.status}`;
    if (r.action === "SecurityEventNotification") return `${r.action}:${r.payload.type}`;
    return r.action;
  });

test("1.6 UpdateFirmware: Downloading, Downloaded, Installing, the reboot, Installed; the file fetched over HTTP (section 5.19)", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/cp.bin", firmwareFile);
  const station = await StationUnderTest.start(t, { version: "1.6" });
  const from = station.received.length;
  assert.deepEqual(await station.call("UpdateFirmware", { location: `${files.url}/cp.bin`, retrieveDate: past() }), {});
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "Installed");
  assert.deepEqual(steps(station, from), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:Downloaded",
    "FirmwareStatusNotification:Installing",
    "BootNotification",
    "StatusNotification:0:Available",
    "StatusNotification:1:Available",
    "StatusNotification:2:Available",
    "FirmwareStatusNotification:Installed",
  ]);
  assert.deepEqual(
    files.requests.map((r) => `${r.method} ${r.path}`),
    ["GET /cp.bin"],
  );
  const [first, second] = station.of("BootNotification");
  assert.notEqual(second.firmwareVersion, first.firmwareVersion);

  const failedFrom = station.received.length;
  await station.call("UpdateFirmware", { location: `${files.url}/missing.bin`, retrieveDate: past() });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "DownloadFailed");
  assert.deepEqual(steps(station, failedFrom), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:DownloadFailed",
  ]);
});

test("1.6 SignedUpdateFirmware: the security whitepaper's statuses, with InvalidSignature and its security event", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/signed.bin", firmwareFile);
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  let from = station.received.length;
  const firmware = {
    location: `${files.url}/signed.bin`,
    retrieveDateTime: past(),
    signingCertificate: certificate,
    signature: sign("sha256", firmwareFile, signingKey).toString("base64"),
  };
  assert.deepEqual(await station.call("SignedUpdateFirmware", { requestId: 3, firmware }), { status: "Accepted" });
  await station.waitFor((r) => r.action === "SignedFirmwareStatusNotification" && r.payload.status === "Installed");
  assert.deepEqual(steps(station, from), [
    "SignedUpdateFirmwareResponse",
    "SignedFirmwareStatusNotification:Downloading",
    "SignedFirmwareStatusNotification:Downloaded",
    "SignedFirmwareStatusNotification:SignatureVerified",
    "SignedFirmwareStatusNotification:Installing",
    "SignedFirmwareStatusNotification:InstallRebooting",
    "BootNotification",
    "SecurityEventNotification:FirmwareUpdated",
    "StatusNotification:0:Available",
    "StatusNotification:1:Available",
    "SignedFirmwareStatusNotification:Installed",
  ]);
  for (const notification of station.of("SignedFirmwareStatusNotification")) assert.equal(notification.requestId, 3);

  from = station.received.length;
  await station.call("SignedUpdateFirmware", {
    requestId: 4,
    firmware: { ...firmware, signature: Buffer.from("forged").toString("base64") },
  });
  await station.waitFor((r, i) => i >= from && r.action === "SecurityEventNotification");
  assert.deepEqual(steps(station, from), [
    "SignedUpdateFirmwareResponse",
    "SignedFirmwareStatusNotification:Downloading",
    "SignedFirmwareStatusNotification:Downloaded",
    "SignedFirmwareStatusNotification:InvalidSignature",
    "SecurityEventNotification:InvalidFirmwareSignature",
  ]);
  assert.deepEqual(
    await station.call("SignedUpdateFirmware", { requestId: 5, firmware: { ...firmware, signingCertificate: "not a certificate" } }),
    {
      status: "InvalidCertificate",
    },
  );
});

test("1.6 GetDiagnostics and GetLog upload to the location and report their statuses; the security log holds the AuthorizationKey change, not the key", async (t) => {
  const files = await FileServer.start(t);
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  let from = station.received.length;
  const answer = await station.call("GetDiagnostics", { location: `${files.url}/diag/` });
  assert.match(String(answer.fileName), /^diagnostics-.*\.log$/);
  await station.waitFor((r) => r.action === "DiagnosticsStatusNotification" && r.payload.status === "Uploaded");
  assert.deepEqual(steps(station, from), [
    "GetDiagnosticsResponse",
    "DiagnosticsStatusNotification:Uploading",
    "DiagnosticsStatusNotification:Uploaded",
  ]);
  assert.equal(files.requests[0].path, `/diag/${answer.fileName}`);
  assert.match(files.requests[0].body.toString(), /^ocppkit simulator CS1 Diagnostics/);

  // Security whitepaper A01.FR.11/12: the security log has the change of the AuthorizationKey, never the key.
  const key = "0123456789abcdef0123";
  assert.deepEqual(await station.call("ChangeConfiguration", { key: "AuthorizationKey", value: key }), { status: "Accepted" });
  from = station.received.length;
  assert.deepEqual(await station.call("GetLog", { requestId: 6, logType: "SecurityLog", log: { remoteLocation: `${files.url}/logs/` } }), {
    status: "Accepted",
    filename: "security-6.log",
  });
  await station.waitFor((r) => r.action === "LogStatusNotification" && r.payload.status === "Uploaded");
  assert.deepEqual(steps(station, from), ["GetLogResponse", "LogStatusNotification:Uploading", "LogStatusNotification:Uploaded"]);
  assert.equal(files.requests[1].path, "/logs/security-6.log");
  const securityLog = files.requests[1].body.toString();
  assert.match(securityLog, /^ocppkit simulator CS1 SecurityLog\n.* AuthorizationKey changed$/m);
  assert.ok(!securityLog.includes(key), "the key is not in the log");
  assert.ok(!files.requests[0].body.toString().includes("AuthorizationKey changed"), "the diagnostics log is another file");

  files.putStatus = 403;
  from = station.received.length;
  await station.call("GetDiagnostics", { location: `${files.url}/diag/` });
  await station.waitFor((r) => r.action === "DiagnosticsStatusNotification" && r.payload.status === "UploadFailed");
  assert.deepEqual(steps(station, from), [
    "GetDiagnosticsResponse",
    "DiagnosticsStatusNotification:Uploading",
    "DiagnosticsStatusNotification:UploadFailed",
  ]);
});

test("1.6 ReserveNow: Reserved, other idTags refused, the reservation used by its idTag or expiring to Available (section 5.13)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6" });
  let from = station.received.length;
  const soon = new Date(Date.now() + 1500).toISOString();
  assert.deepEqual(await station.call("ReserveNow", { connectorId: 1, expiryDate: soon, idTag: "ALICE", reservationId: 21 }), {
    status: "Accepted",
  });
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["ReserveNowResponse", "StatusNotification:1:Reserved"]);
  assert.deepEqual(await station.call("RemoteStartTransaction", { connectorId: 1, idTag: "BOB" }), { status: "Rejected" });
  assert.deepEqual(await station.call("ReserveNow", { connectorId: 1, expiryDate: soon, idTag: "BOB", reservationId: 22 }), {
    status: "Occupied",
  });
  from = station.received.length;
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["StatusNotification:1:Available"]);

  const later = new Date(Date.now() + 600_000).toISOString();
  await station.call("ReserveNow", { connectorId: 2, expiryDate: later, idTag: "ALICE", reservationId: 23 });
  assert.deepEqual(await station.call("RemoteStartTransaction", { idTag: "ALICE" }), { status: "Accepted" });
  const start = await station.waitFor((r) => r.action === "StartTransaction");
  assert.equal(start.payload.connectorId, 2, "the reserved connector");
  assert.equal(start.payload.reservationId, 23);
  assert.deepEqual(await station.call("CancelReservation", { reservationId: 23 }), { status: "Rejected" });
});

test("1.6 ChangeAvailability during a transaction is Scheduled and makes the connector Unavailable once it ends (section 5.2)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  await station.call("RemoteStartTransaction", { connectorId: 1, idTag: "A" });
  await station.waitFor((r) => r.action === "StatusNotification" && r.payload.status === "Charging");
  assert.deepEqual(await station.call("ChangeAvailability", { connectorId: 1, type: "Inoperative" }), { status: "Scheduled" });
  const from = station.received.length;
  await station.call("RemoteStopTransaction", { transactionId: 7 });
  await station.waitFor((r) => r.action === "StatusNotification" && r.payload.status === "Unavailable");
  assert.deepEqual(steps(station, from), [
    "RemoteStopTransactionResponse",
    "StopTransaction",
    "StatusNotification:1:Finishing",
    "StatusNotification:1:Unavailable",
  ]);
  assert.deepEqual(await station.call("RemoteStartTransaction", { connectorId: 1, idTag: "A" }), { status: "Rejected" });
  assert.deepEqual(await station.call("ChangeAvailability", { connectorId: 3, type: "Inoperative" }), { status: "Rejected" });
});

test("1.6 TriggerMessage and ExtendedTriggerMessage report the diagnostics, firmware and log state", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  const trigger = async (action: string, requestedMessage: string, expected: Body) => {
    const from = station.received.length;
    assert.deepEqual(await station.call(action, { requestedMessage }), { status: "Accepted" });
    const sent = await station.waitFor((r, i) => i > from && r.action === requestedMessage);
    assert.deepEqual(sent.payload, expected);
  };
  await trigger("TriggerMessage", "DiagnosticsStatusNotification", { status: "Idle" });
  await trigger("TriggerMessage", "FirmwareStatusNotification", { status: "Idle" });
  await trigger("ExtendedTriggerMessage", "LogStatusNotification", { status: "Idle" });
  await trigger("ExtendedTriggerMessage", "FirmwareStatusNotification", { status: "Idle" });
  assert.deepEqual(await station.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }), {
    status: "Accepted",
  });
  await station.waitFor((r) => r.action === "SignCertificate");
  assert.deepEqual(await station.call("TriggerMessage", { requestedMessage: "Heartbeat", connectorId: 4 }), { status: "Rejected" });
});
