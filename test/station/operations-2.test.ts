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
const firmwareFile = Buffer.from("ocppkit simulated firmware image 2.0\n".repeat(1000));
const signature = sign("sha256", firmwareFile, signingKey).toString("base64");
const past = () => new Date(Date.now() - 2 * 3600_000).toISOString();

/** The station's CALLs (and answers) since `from`, firmware notifications as `FirmwareStatusNotification:<status>`. */
const steps = (station: Station, from: number) =>
  station.received.slice(from).map((r) => {
    if (r.action === "FirmwareStatusNotification" || r.action === "LogStatusNotification") return `${r.action}:${r.payload.status}`;
    if (r.action === "SecurityEventNotification") return `${r.action}:${r.payload.type}`;
    if (r.action === "BootNotification") return `${r.action}:${r.payload.reason}`;
    if (r.action === "StatusNotification") return `${r.action}:${r.payload.evseId}:${r.payload.connectorStatus}`;
    if (r.action === "TransactionEvent") return `${r.action}:${r.payload.eventType}`;
    return r.action;
  });

test("UpdateFirmware over HTTPS: the file is fetched, its signature checked, and the station reboots into it in the TC_L_01_CS order", async (t) => {
  const files = await FileServer.start(t, true);
  files.files.set("/fw/image-2.0.bin", firmwareFile);
  const station = await StationUnderTest.start(t, {
    version: "2.0.1",
    env: { NODE_EXTRA_CA_CERTS: repoFile("test/fixtures/certs/ca.crt") },
  });
  const from = station.received.length;
  const answer = await station.call("UpdateFirmware", {
    requestId: 17,
    firmware: {
      location: `${files.url}/fw/image-2.0.bin`,
      retrieveDateTime: past(),
      installDateTime: past(),
      signingCertificate: certificate,
      signature,
    },
  });
  assert.deepEqual(answer, { status: "Accepted" });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "Installed");
  assert.deepEqual(steps(station, from), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:Downloaded",
    "FirmwareStatusNotification:SignatureVerified",
    "FirmwareStatusNotification:Installing",
    "FirmwareStatusNotification:InstallRebooting",
    "BootNotification:FirmwareUpdate",
    "SecurityEventNotification:FirmwareUpdated",
    "StatusNotification:1:Available",
    "StatusNotification:2:Available",
    "FirmwareStatusNotification:Installed",
  ]);
  assert.deepEqual(
    files.requests.map((r) => `${r.method} ${r.path}`),
    ["GET /fw/image-2.0.bin"],
  );
  for (const notification of station.of("FirmwareStatusNotification")) assert.equal(notification.requestId, 17);
  const boots = station.of("BootNotification");
  const version = (boots[boots.length - 1].chargingStation as Body).firmwareVersion;
  assert.match(String(version), /^sim-[0-9a-f]{12}$/);
  assert.notEqual(version, (boots[0].chargingStation as Body).firmwareVersion, "the new firmware reports its own version");
});

test("UpdateFirmware failure paths: DownloadFailed after the retries, InvalidSignature with its security event, InvalidCertificate, Rejected unsigned (TC_L_05/06/07/18)", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/fw.bin", firmwareFile);
  const station = await StationUnderTest.start(t, { version: "2.0.1" });

  let from = station.received.length;
  await station.call("UpdateFirmware", {
    requestId: 1,
    retries: 1,
    retryInterval: 0,
    firmware: { location: `${files.url}/fw.bin_does_not_exist`, retrieveDateTime: past(), signingCertificate: certificate, signature },
  });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "DownloadFailed");
  assert.deepEqual(steps(station, from), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:DownloadFailed",
  ]);
  assert.equal(files.requests.length, 2, "one try and one retry");

  from = station.received.length;
  const forged = sign("sha256", Buffer.from("another image"), signingKey).toString("base64");
  await station.call("UpdateFirmware", {
    requestId: 2,
    firmware: { location: `${files.url}/fw.bin`, retrieveDateTime: past(), signingCertificate: certificate, signature: forged },
  });
  await station.waitFor((r) => r.action === "SecurityEventNotification" && r.payload.type === "InvalidFirmwareSignature");
  assert.deepEqual(steps(station, from), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:Downloaded",
    "FirmwareStatusNotification:InvalidSignature",
    "SecurityEventNotification:InvalidFirmwareSignature",
  ]);

  from = station.received.length;
  const refused = await station.call("UpdateFirmware", {
    requestId: 3,
    firmware: {
      location: `${files.url}/fw.bin`,
      retrieveDateTime: past(),
      signingCertificate: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----",
      signature,
    },
  });
  assert.deepEqual(refused, { status: "InvalidCertificate" });
  await station.waitFor((r, i) => i >= from && r.action === "SecurityEventNotification");
  assert.deepEqual(steps(station, from), ["UpdateFirmwareResponse", "SecurityEventNotification:InvalidFirmwareSigningCertificate"]);

  // TC_L_18_CS: the station updates only signed firmware.
  const unsigned = { requestId: 4, firmware: { location: `${files.url}/fw.bin`, retrieveDateTime: past() } };
  assert.deepEqual(await station.call("UpdateFirmware", unsigned), { status: "Rejected" });

  // TC_L_05_CS: once a ManufacturerRootCertificate is installed, a signing certificate it did not issue is refused.
  const otherRoot = readFileSync(repoFile("test/fixtures/certs/untrusted-ca.crt"), "utf8");
  const install = await station.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: otherRoot });
  assert.equal(install.status, "Accepted");
  from = station.received.length;
  const untrusted = await station.call("UpdateFirmware", {
    requestId: 5,
    firmware: { location: `${files.url}/fw.bin`, retrieveDateTime: past(), signingCertificate: certificate, signature },
  });
  assert.deepEqual(untrusted, { status: "InvalidCertificate" });
  await station.waitFor((r, i) => i >= from && r.action === "SecurityEventNotification");
  assert.equal(station.count("BootNotification"), 1, "no reboot on a failed update");
});

test("UpdateFirmware with future dates reports DownloadScheduled and InstallScheduled (TC_L_02_CS, TC_L_08_CS)", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/fw.bin", firmwareFile);
  const station = await StationUnderTest.start(t, { version: "2.1" });
  const from = station.received.length;
  const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
  await station.call("UpdateFirmware", {
    requestId: 4,
    firmware: {
      location: `${files.url}/fw.bin`,
      retrieveDateTime: soon(300),
      installDateTime: soon(600),
      signingCertificate: certificate,
      signature,
    },
  });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "Installed");
  assert.deepEqual(steps(station, from), [
    "UpdateFirmwareResponse",
    "FirmwareStatusNotification:DownloadScheduled",
    "FirmwareStatusNotification:Downloading",
    "FirmwareStatusNotification:Downloaded",
    "FirmwareStatusNotification:SignatureVerified",
    "FirmwareStatusNotification:InstallScheduled",
    "FirmwareStatusNotification:Installing",
    "FirmwareStatusNotification:InstallRebooting",
    "BootNotification:FirmwareUpdate",
    "SecurityEventNotification:FirmwareUpdated",
    "StatusNotification:1:Available",
    "StatusNotification:2:Available",
    "FirmwareStatusNotification:Installed",
  ]);
});

test("GetLog uploads the diagnostics or the security log to the given URL with PUT and reports Uploading then Uploaded, or UploadFailure (N01)", async (t) => {
  const files = await FileServer.start(t);
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  let from = station.received.length;
  const answer = await station.call("GetLog", { requestId: 8, logType: "DiagnosticsLog", log: { remoteLocation: `${files.url}/logs/` } });
  assert.deepEqual(answer, { status: "Accepted", filename: "diagnostics-8.log" });
  await station.waitFor((r) => r.action === "LogStatusNotification" && r.payload.status === "Uploaded");
  assert.deepEqual(steps(station, from), ["GetLogResponse", "LogStatusNotification:Uploading", "LogStatusNotification:Uploaded"]);
  assert.deepEqual(
    station.of("LogStatusNotification").map((p) => p.requestId),
    [8, 8],
  );
  assert.equal(files.requests[0].method, "PUT");
  assert.equal(files.requests[0].path, "/logs/diagnostics-8.log");
  assert.match(files.requests[0].body.toString(), /^ocppkit simulator CS1 DiagnosticsLog/);

  // The security log is its own file: the security events the station reported (the start's, A04).
  from = station.received.length;
  await station.call("GetLog", { requestId: 10, logType: "SecurityLog", log: { remoteLocation: `${files.url}/logs/` } });
  await station.waitFor((r, i) => i >= from && r.action === "LogStatusNotification" && r.payload.status === "Uploaded");
  assert.equal(files.requests[1].path, "/logs/security-10.log");
  assert.match(files.requests[1].body.toString(), /^ocppkit simulator CS1 SecurityLog\n\S+ StartupOfTheDevice$/m);
  assert.doesNotMatch(files.requests[0].body.toString(), /StartupOfTheDevice/);

  files.putStatus = 500;
  from = station.received.length;
  await station.call("GetLog", { requestId: 9, logType: "SecurityLog", log: { remoteLocation: `${files.url}/logs/sec.log` } });
  await station.waitFor((r) => r.action === "LogStatusNotification" && r.payload.status === "UploadFailure");
  assert.deepEqual(steps(station, from), ["GetLogResponse", "LogStatusNotification:Uploading", "LogStatusNotification:UploadFailure"]);
  assert.equal(files.requests[2].path, "/logs/sec.log");
});

const idToken = (id: string) => ({ idToken: id, type: "ISO14443" });

test("ReserveNow: the EVSE shows Reserved, refuses other tokens, and expires with ReservationStatusUpdate (H01, H04)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  let from = station.received.length;
  const expiry = new Date(Date.now() + 1500).toISOString();
  assert.deepEqual(await station.call("ReserveNow", { id: 5, expiryDateTime: expiry, idToken: idToken("ALICE"), evseId: 1 }), {
    status: "Accepted",
  });
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["ReserveNowResponse", "StatusNotification:1:Reserved"]);
  assert.deepEqual(await station.call("ReserveNow", { id: 6, expiryDateTime: expiry, idToken: idToken("BOB"), evseId: 1 }), {
    status: "Occupied",
  });
  assert.deepEqual(await station.call("ReserveNow", { id: 6, expiryDateTime: expiry, idToken: idToken("BOB"), evseId: 9 }), {
    status: "Rejected",
  });
  assert.deepEqual(await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 1, idToken: idToken("BOB") }), {
    status: "Rejected",
  });
  from = station.received.length;
  await station.waitFor((r) => r.action === "ReservationStatusUpdate");
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["ReservationStatusUpdate", "StatusNotification:1:Available"]);
  assert.deepEqual(station.of("ReservationStatusUpdate")[0], { reservationId: 5, reservationUpdateStatus: "Expired" });
  assert.deepEqual(await station.call("RequestStartTransaction", { remoteStartId: 2, evseId: 1, idToken: idToken("BOB") }), {
    status: "Accepted",
  });
});

test("a reservation is used by its own token (reservationId in TransactionEvent Started) and CancelReservation frees the EVSE", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const expiry = new Date(Date.now() + 600_000).toISOString();
  await station.call("ReserveNow", { id: 11, expiryDateTime: expiry, idToken: idToken("ALICE"), evseId: 2 });
  await station.call("ReserveNow", { id: 12, expiryDateTime: expiry, idToken: idToken("CAROL") });
  await station.waitFor(() => station.of("StatusNotification").filter((s) => s.connectorStatus === "Reserved").length === 2);
  assert.deepEqual(await station.call("RequestStartTransaction", { remoteStartId: 3, idToken: idToken("ALICE") }), { status: "Accepted" });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  assert.equal(started.payload.reservationId, 11);
  assert.deepEqual(started.payload.evse, { id: 2, connectorId: 1 });
  assert.deepEqual(await station.call("CancelReservation", { reservationId: 11 }), { status: "Rejected" }, "used up");
  const from = station.received.length;
  assert.deepEqual(await station.call("CancelReservation", { reservationId: 12 }), { status: "Accepted" });
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["CancelReservationResponse", "StatusNotification:1:Available"]);
});

test("ChangeAvailability: an idle EVSE goes Unavailable at once, a charging one is Scheduled and changes when its transaction ends (G03)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  let from = station.received.length;
  assert.deepEqual(await station.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 2 } }), { status: "Accepted" });
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["ChangeAvailabilityResponse", "StatusNotification:2:Unavailable"]);
  assert.deepEqual(await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 2, idToken: idToken("A") }), {
    status: "Rejected",
  });

  await station.call("RequestStartTransaction", { remoteStartId: 2, evseId: 1, idToken: idToken("A") });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  assert.deepEqual(await station.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } }), {
    status: "Scheduled",
  });
  from = station.received.length;
  await station.call("RequestStopTransaction", { transactionId: (started.payload.transactionInfo as Body).transactionId });
  await station.waitFor((r, i) => i >= from && r.action === "StatusNotification");
  assert.deepEqual(steps(station, from), ["RequestStopTransactionResponse", "TransactionEvent:Ended", "StatusNotification:1:Unavailable"]);

  from = station.received.length;
  assert.deepEqual(await station.call("ChangeAvailability", { operationalStatus: "Operative" }), { status: "Accepted" });
  await station.waitFor(() => steps(station, from).length === 3);
  assert.deepEqual(steps(station, from), [
    "ChangeAvailabilityResponse",
    "StatusNotification:1:Available",
    "StatusNotification:2:Available",
  ]);
});

/** The first StatusNotification after a BootNotification, both since `from`. */
const statusAfterBoot = (station: Station, from: number) =>
  station.waitFor(
    (r, i) =>
      i >= from && r.action === "StatusNotification" && station.received.slice(from, i).some((x) => x.action === "BootNotification"),
  );

test("Reset OnIdle waits for the transaction to end; Reset Immediate ends it first; each boot reports its security event (B11, B12, A04)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1 });
  assert.deepEqual(steps(station, 0), [
    "BootNotification:PowerUp",
    "SecurityEventNotification:StartupOfTheDevice",
    "StatusNotification:1:Available",
  ]);
  await station.call("RequestStartTransaction", { remoteStartId: 1, idToken: idToken("A") });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  let from = station.received.length;
  assert.deepEqual(await station.call("Reset", { type: "OnIdle" }), { status: "Scheduled" });
  await station.call("RequestStopTransaction", { transactionId: (started.payload.transactionInfo as Body).transactionId });
  await statusAfterBoot(station, from);
  assert.deepEqual(steps(station, from), [
    "ResetResponse",
    "RequestStopTransactionResponse",
    "TransactionEvent:Ended",
    "StatusNotification:1:Available",
    // TC_B_21_CS step 7: the reset carried out later, once idle, is a ScheduledReset (not RemoteReset).
    "BootNotification:ScheduledReset",
    // Part 6 reusable state Booted step 7 (TC_B_21 step 11): the security event of the restart.
    "SecurityEventNotification:ResetOrReboot",
    "StatusNotification:1:Available",
  ]);

  await station.call("RequestStartTransaction", { remoteStartId: 2, idToken: idToken("A") });
  await station.waitFor(() => station.of("TransactionEvent").filter((e) => e.eventType === "Started").length === 2);
  from = station.received.length;
  assert.deepEqual(await station.call("Reset", { type: "Immediate" }), { status: "Accepted" });
  await statusAfterBoot(station, from);
  assert.deepEqual(steps(station, from), [
    "ResetResponse",
    "TransactionEvent:Ended",
    "StatusNotification:1:Available",
    "BootNotification:RemoteReset",
    // Part 6 reusable state Booted step 7 (TC_B_21 step 11): the security event of the restart.
    "SecurityEventNotification:ResetOrReboot",
    "StatusNotification:1:Available",
  ]);
  const ended = station.of("TransactionEvent").at(-1) as Body;
  assert.equal(ended.triggerReason, "ResetCommand");
  assert.equal((ended.transactionInfo as Body).stoppedReason, "ImmediateReset");
});

test("TriggerMessage sends every message 2.0.1 defines that the station supports, after its answer (F06)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const expect = async (requestedMessage: string, status: string, follow?: string, extra: Body = {}) => {
    const from = station.received.length;
    assert.deepEqual(await station.call("TriggerMessage", { requestedMessage, ...extra }), { status }, requestedMessage);
    if (follow) {
      await station.waitFor((r, i) => i >= from && r.action === follow);
      assert.deepEqual(station.actionsSince(from).slice(0, 2), ["TriggerMessageResponse", follow]);
    }
    return station.received.slice(from + 1);
  };
  await expect("BootNotification", "Rejected");
  await expect("Heartbeat", "Accepted", "Heartbeat");
  const statuses = await expect("StatusNotification", "Accepted", "StatusNotification", { evse: { id: 2, connectorId: 1 } });
  assert.equal(statuses[0].payload.evseId, 2);
  const meter = await expect("MeterValues", "Accepted", "MeterValues", { evse: { id: 1 } });
  assert.equal(((meter[0].payload.meterValue as { sampledValue: Body[] }[])[0].sampledValue[0] as Body).context, "Trigger");
  assert.deepEqual((await expect("FirmwareStatusNotification", "Accepted", "FirmwareStatusNotification"))[0].payload, { status: "Idle" });
  assert.deepEqual((await expect("LogStatusNotification", "Accepted", "LogStatusNotification"))[0].payload, { status: "Idle" });
  assert.deepEqual((await expect("PublishFirmwareStatusNotification", "Accepted", "PublishFirmwareStatusNotification"))[0].payload, {
    status: "Idle",
  });
  await expect("TransactionEvent", "Rejected");
  await expect("SignV2GCertificate", "NotImplemented");
  await expect("StatusNotification", "Rejected", undefined, { evse: { id: 7 } });

  await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 1, idToken: idToken("A") });
  await station.waitFor((r) => r.action === "TransactionEvent");
  const event = await expect("TransactionEvent", "Accepted", "TransactionEvent", { evse: { id: 1 } });
  assert.deepEqual([event[0].payload.eventType, event[0].payload.triggerReason], ["Updated", "Trigger"]);
});

test("UnlockConnector unlocks an idle connector, refuses during a transaction, and knows its connectors (F05)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  assert.deepEqual(await station.call("UnlockConnector", { evseId: 1, connectorId: 1 }), { status: "Unlocked" });
  assert.deepEqual(await station.call("UnlockConnector", { evseId: 3, connectorId: 1 }), { status: "UnknownConnector" });
  assert.deepEqual(await station.call("UnlockConnector", { evseId: 1, connectorId: 2 }), { status: "UnknownConnector" });
  await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 2, idToken: idToken("A") });
  await station.waitFor((r) => r.action === "TransactionEvent");
  assert.deepEqual(await station.call("UnlockConnector", { evseId: 2, connectorId: 1 }), { status: "OngoingAuthorizedTransaction" });
});

test("display messages: SetDisplayMessage checks format, priority, state and transaction; GetDisplayMessages sends NotifyDisplayMessages (O01-O06)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const message = (id: number, extra: Body = {}) => ({
    message: { id, priority: "NormalCycle", message: { format: "UTF8", language: "en", content: `hello ${id}` }, ...extra },
  });
  assert.deepEqual(await station.call("SetDisplayMessage", message(1)), { status: "Accepted" });
  assert.deepEqual(await station.call("SetDisplayMessage", message(2, { priority: "AlwaysFront", state: "Idle" })), { status: "Accepted" });
  assert.deepEqual(await station.call("SetDisplayMessage", message(3, { transactionId: "no-such" })), { status: "UnknownTransaction" });
  const from = station.received.length;
  assert.deepEqual(await station.call("GetDisplayMessages", { requestId: 70, priority: "AlwaysFront" }), { status: "Accepted" });
  const notified = await station.waitFor((r) => r.action === "NotifyDisplayMessages");
  assert.deepEqual(station.actionsSince(from), ["GetDisplayMessagesResponse", "NotifyDisplayMessages"]);
  assert.deepEqual(notified.payload, {
    requestId: 70,
    tbc: false,
    messageInfo: [message(2, { priority: "AlwaysFront", state: "Idle" }).message],
  });
  assert.deepEqual(await station.call("ClearDisplayMessage", { id: 2 }), { status: "Accepted" });
  assert.deepEqual(await station.call("ClearDisplayMessage", { id: 2 }), { status: "Unknown" });
  assert.deepEqual(await station.call("GetDisplayMessages", { requestId: 71, id: [2] }), { status: "Unknown" });
  assert.equal(station.count("NotifyDisplayMessages"), 1);
});

test("CustomerInformation reports and clears what the station holds about an idToken in NotifyCustomerInformation (N09, N10)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  await station.call("ReserveNow", {
    id: 31,
    expiryDateTime: new Date(Date.now() + 600_000).toISOString(),
    idToken: idToken("DAVE"),
    evseId: 1,
  });
  assert.deepEqual(await station.call("CustomerInformation", { requestId: 1, report: true, clear: false }), { status: "Invalid" });
  assert.deepEqual(await station.call("CustomerInformation", { requestId: 2, report: false, clear: false, idToken: idToken("DAVE") }), {
    status: "Rejected",
  });
  const from = station.received.length;
  assert.deepEqual(await station.call("CustomerInformation", { requestId: 3, report: true, clear: true, idToken: idToken("DAVE") }), {
    status: "Accepted",
  });
  const notified = await station.waitFor((r) => r.action === "NotifyCustomerInformation");
  assert.equal(station.actionsSince(from)[0], "CustomerInformationResponse");
  assert.deepEqual([notified.payload.requestId, notified.payload.seqNo, notified.payload.tbc], [3, 0, false]);
  assert.match(String(notified.payload.data), /reservation 31 of EVSE 1/);
  assert.deepEqual(await station.call("CancelReservation", { reservationId: 31 }), { status: "Rejected" }, "cleared");
  await station.call("CustomerInformation", { requestId: 4, report: true, clear: false, customerIdentifier: "C-9" });
  const none = await station.waitFor((r) => r.action === "NotifyCustomerInformation" && r.payload.requestId === 4);
  // Nothing held under a customerIdentifier: empty data (part 6 TC_N_62 step 7).
  assert.equal(none.payload.data, "");
});

test("PublishFirmware fetches the file, checks its MD5, and publishes it over HTTP; UnpublishFirmware stops (L03, L04)", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/pub/fw.bin", firmwareFile);
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const { createHash } = await import("node:crypto");
  const checksum = createHash("md5").update(firmwareFile).digest("hex");
  const from = station.received.length;
  assert.deepEqual(await station.call("PublishFirmware", { location: `${files.url}/pub/fw.bin`, checksum, requestId: 12 }), {
    status: "Accepted",
  });
  const published = await station.waitFor((r) => r.action === "PublishFirmwareStatusNotification" && r.payload.status === "Published");
  assert.deepEqual(
    station.received.slice(from).map((r) => (r.action === "PublishFirmwareStatusNotification" ? r.payload.status : r.action)),
    ["PublishFirmwareResponse", "Downloading", "Downloaded", "ChecksumVerified", "Published"],
  );
  const [url] = published.payload.location as string[];
  const served = Buffer.from(await (await fetch(url)).arrayBuffer());
  assert.deepEqual(served, firmwareFile, "the published URL serves the file");
  assert.deepEqual(await station.call("UnpublishFirmware", { checksum: "0".repeat(32) }), { status: "NoFirmware" });
  assert.deepEqual(await station.call("UnpublishFirmware", { checksum }), { status: "Unpublished" });

  await station.call("PublishFirmware", { location: `${files.url}/pub/fw.bin`, checksum: "f".repeat(32), requestId: 13 });
  await station.waitFor((r) => r.action === "PublishFirmwareStatusNotification" && r.payload.status === "InvalidChecksum");
});
