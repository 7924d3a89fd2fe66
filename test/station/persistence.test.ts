import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoFile } from "../cli/cli-process.js";
import { FileServer } from "./file-server.js";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const idToken = (id: string) => ({ idToken: id, type: "ISO14443" });

function stateDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-station-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("2.x: device model values, monitors, local list, profiles, reservations, availability and display messages survive a restart (station.json in --queue-dir)", async (t) => {
  const dir = stateDir(t);
  const station = await StationUnderTest.start(t, { version: "2.0.1", args: ["--queue-dir", dir] });
  await station.call("SetVariables", {
    setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "123" }],
  });
  const monitor = await station.call("SetVariableMonitoring", {
    setMonitoringData: [{ value: 1, type: "Delta", severity: 5, component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" } }],
  });
  await station.call("SendLocalList", {
    versionNumber: 7,
    updateType: "Full",
    localAuthorizationList: [{ idToken: idToken("ALICE"), idTokenInfo: { status: "Accepted" } }],
  });
  await station.call("SetChargingProfile", {
    evseId: 0,
    chargingProfile: {
      id: 9,
      stackLevel: 1,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: [
        {
          id: 1,
          startSchedule: new Date().toISOString(),
          chargingRateUnit: "W",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 5000 }],
        },
      ],
    },
  });
  await station.call("ReserveNow", {
    id: 4,
    expiryDateTime: new Date(Date.now() + 600_000).toISOString(),
    idToken: idToken("BOB"),
    evseId: 1,
  });
  await station.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 2 } });
  await station.call("SetDisplayMessage", { message: { id: 3, priority: "NormalCycle", message: { format: "UTF8", content: "welcome" } } });
  const ca = readFileSync(repoFile("test/fixtures/certs/ca.crt"), "utf8");
  await station.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: ca });
  assert.ok(existsSync(join(dir, "station.json")));

  const from = station.received.length;
  await station.restart();
  await station.waitFor(
    (r, i) =>
      i >= from &&
      r.action === "StatusNotification" &&
      station.received.slice(from).filter((x) => x.action === "StatusNotification").length === 2,
  );
  const statuses = station.received
    .slice(from)
    .filter((r) => r.action === "StatusNotification")
    .map((r) => [r.payload.evseId, r.payload.connectorStatus]);
  assert.deepEqual(statuses, [
    [1, "Reserved"],
    [2, "Unavailable"],
  ]);
  const read = await station.call("GetVariables", {
    getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }],
  });
  assert.equal((read.getVariableResult as Body[])[0].attributeValue, "123");
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { versionNumber: 7 });
  assert.deepEqual(await station.call("GetChargingProfiles", { requestId: 1, chargingProfile: { chargingProfileId: [9] } }), {
    status: "Accepted",
  });
  assert.deepEqual(await station.call("GetDisplayMessages", { requestId: 2, id: [3] }), { status: "Accepted" });
  assert.deepEqual(await station.call("ClearVariableMonitoring", { id: [(monitor.setMonitoringResult as Body[])[0].id as number] }), {
    clearMonitoringResult: [{ id: (monitor.setMonitoringResult as Body[])[0].id, status: "Accepted" }],
  });
  assert.deepEqual(
    await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 1, idToken: idToken("ERIN") }),
    { status: "Rejected" },
    "still reserved",
  );
  assert.equal((await station.call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] })).status, "Accepted");
  const composite = await station.call("GetCompositeSchedule", { duration: 60, evseId: 1 });
  assert.deepEqual((composite.schedule as Body).chargingSchedulePeriod, [{ startPeriod: 0, limit: 5000 }]);
});

test("a firmware update under way when the station restarts goes on after the boot", async (t) => {
  const dir = stateDir(t);
  const files = await FileServer.start(t);
  const firmware = Buffer.from("firmware");
  files.files.set("/fw.bin", firmware);
  const signingCertificate = readFileSync(repoFile("test/fixtures/certs/cp-1.crt"), "utf8");
  const signature = sign("sha256", firmware, readFileSync(repoFile("test/fixtures/certs/cp-1.key"), "utf8")).toString("base64");
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1, args: ["--queue-dir", dir] });
  const installAt = new Date(Date.now() + 4000).toISOString();
  await station.call("UpdateFirmware", {
    requestId: 55,
    firmware: {
      location: `${files.url}/fw.bin`,
      retrieveDateTime: new Date().toISOString(),
      installDateTime: installAt,
      signingCertificate,
      signature,
    },
  });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "InstallScheduled");
  const saved = JSON.parse(readFileSync(join(dir, "station.json"), "utf8")) as Record<
    string,
    { operations: { firmware?: { request: Body } } }
  >;
  assert.equal(saved["2.0.1"].operations.firmware?.request.requestId, 55);
  await station.restart();
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "Installed");
  const statuses = station.of("FirmwareStatusNotification").map((p) => p.status);
  assert.deepEqual(statuses.slice(-3), ["Installing", "InstallRebooting", "Installed"]);
  assert.equal(statuses.at(-1), "Installed");
  assert.ok(statuses.lastIndexOf("Downloading") > statuses.indexOf("InstallScheduled"), "the update started over after the restart");
  assert.equal(files.requests.length, 2, "the file was fetched again");
});

test("1.6: configuration and the local list survive a restart; an unreadable station.json is set aside", async (t) => {
  const dir = stateDir(t);
  writeFileSync(join(dir, "station.json"), "{ not json");
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1, args: ["--queue-dir", dir] });
  assert.ok(existsSync(join(dir, "station.json.corrupt")));
  assert.deepEqual(await station.call("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "33" }), { status: "Accepted" });
  await station.call("SendLocalList", {
    listVersion: 12,
    updateType: "Full",
    localAuthorizationList: [{ idTag: "ALICE", idTagInfo: { status: "Accepted" } }],
  });
  await station.restart();
  const config = await station.call("GetConfiguration", { key: ["MeterValueSampleInterval"] });
  assert.deepEqual(config.configurationKey, [{ key: "MeterValueSampleInterval", readonly: false, value: "33" }]);
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { listVersion: 12 });
});

test("2.x: a transaction a power loss ended takes its TxProfile with it; the TxDefaultProfile stays", async (t) => {
  const dir = stateDir(t);
  const station = await StationUnderTest.start(t, { version: "2.0.1", args: ["--queue-dir", dir] });
  await station.call("RequestStartTransaction", { remoteStartId: 5, evseId: 1, idToken: idToken("ALICE") });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  const transactionId = (started.payload.transactionInfo as Body).transactionId;
  const profile = (id: number, purpose: string) => ({
    id,
    stackLevel: 1,
    chargingProfilePurpose: purpose,
    chargingProfileKind: "Absolute",
    ...(purpose === "TxProfile" ? { transactionId } : {}),
    chargingSchedule: [
      { id: 1, startSchedule: new Date().toISOString(), chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 4000 }] },
    ],
  });
  assert.deepEqual(await station.call("SetChargingProfile", { evseId: 1, chargingProfile: profile(21, "TxProfile") }), {
    status: "Accepted",
  });
  assert.deepEqual(await station.call("SetChargingProfile", { evseId: 1, chargingProfile: profile(22, "TxDefaultProfile") }), {
    status: "Accepted",
  });
  // The power cut comes once both files hold what the station answered (each is written just after its message).
  const saved = () => {
    const open = JSON.parse(readFileSync(join(dir, "charger-state.json"), "utf8")) as { transactions: Body[] };
    const profiles = (JSON.parse(readFileSync(join(dir, "station.json"), "utf8")) as Record<string, { chargingProfiles?: Body[] }>)[
      "2.0.1"
    ];
    return open.transactions[0]?.startQueued === true && profiles.chargingProfiles?.length === 2;
  };
  for (let tries = 0; !saved() && tries < 500; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(saved(), "the open transaction and both profiles are on disk");
  station.charger.child.kill("SIGKILL");
  await station.charger.exited;

  await station.restart();
  const ended = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Ended");
  assert.equal((ended.payload.transactionInfo as Body).stoppedReason, "PowerLoss");
  assert.equal((ended.payload.transactionInfo as Body).transactionId, transactionId);
  assert.deepEqual(await station.call("GetChargingProfiles", { requestId: 1, chargingProfile: { chargingProfileId: [21] } }), {
    status: "NoProfiles",
  });
  assert.deepEqual(await station.call("GetChargingProfiles", { requestId: 2, chargingProfile: { chargingProfileId: [22] } }), {
    status: "Accepted",
  });
});
