import assert from "node:assert/strict";
import { test } from "node:test";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const idToken = (id: string) => ({ idToken: id, type: "ISO14443" });
const entry2 = (id: string, status?: string) => ({ idToken: idToken(id), ...(status ? { idTokenInfo: { status } } : {}) });
const setVariable = (station: StationUnderTest, component: string, variable: string, attributeValue: string) =>
  station.call("SetVariables", { setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue }] });

test("2.x SendLocalList full and differential with version checks, GetLocalListVersion, and the list used before the CSMS (D01, D02, C14)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", args: ["--json"] });
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { versionNumber: 0 });
  assert.deepEqual(
    await station.call("SendLocalList", {
      versionNumber: 3,
      updateType: "Full",
      localAuthorizationList: [entry2("ALICE", "Accepted"), entry2("BOB", "Blocked")],
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { versionNumber: 3 });
  assert.deepEqual(
    await station.call("SendLocalList", {
      versionNumber: 3,
      updateType: "Differential",
      localAuthorizationList: [entry2("CAROL", "Accepted")],
    }),
    {
      status: "VersionMismatch",
    },
  );
  assert.deepEqual(
    await station.call("SendLocalList", {
      versionNumber: 4,
      updateType: "Differential",
      localAuthorizationList: [entry2("CAROL", "Accepted"), entry2("ALICE")],
    }),
    { status: "Accepted" },
  );
  const entries = await station.call("GetVariables", {
    getVariableData: [{ component: { name: "LocalAuthListCtrlr" }, variable: { name: "Entries" } }],
  });
  assert.equal((entries.getVariableResult as Body[])[0].attributeValue, "2", "BOB and CAROL");

  // LocalPreAuthorize: a token the list accepts starts without an Authorize; one it does not know is asked about.
  await setVariable(station, "AuthCtrlr", "LocalPreAuthorize", "true");
  await setVariable(station, "AuthCtrlr", "AuthorizeRemoteStart", "true");
  await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 1, idToken: idToken("CAROL") });
  await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  assert.equal(station.count("Authorize"), 0, "CAROL is on the list");
  await station.call("RequestStartTransaction", { remoteStartId: 2, evseId: 2, idToken: idToken("DAVE") });
  await station.waitFor((r) => r.action === "Authorize");
  assert.deepEqual(station.of("Authorize")[0].idToken, idToken("DAVE"));
});

test("2.x offline: the local list and the authorization cache decide, unknown tokens per OfflineTxForUnknownIdEnabled (C12, C13)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 3, args: ["--json"] });
  await station.call("SendLocalList", {
    versionNumber: 1,
    updateType: "Full",
    localAuthorizationList: [entry2("ALICE", "Accepted"), entry2("BOB", "Blocked")],
  });
  await setVariable(station, "AuthCtrlr", "OfflineTxForUnknownIdEnabled", "false");
  await setVariable(station, "AuthCtrlr", "AuthorizeRemoteStart", "true");
  // DAVE gets into the cache by an Authorize answered Accepted.
  await station.call("RequestStartTransaction", { remoteStartId: 1, evseId: 3, idToken: idToken("DAVE") });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Started");
  await station.call("RequestStopTransaction", { transactionId: (started.payload.transactionInfo as Body).transactionId });
  await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Ended");

  await station.stopCentral();
  await station.event((line) => line.event === "disconnected");
  station.charger.write("start 1 BOB");
  await station.event((line) => line.event === "info" && /BOB was not accepted/.test(line.message ?? ""));
  station.charger.write("start 1 ERIN");
  await station.event((line) => line.event === "info" && /ERIN was not accepted/.test(line.message ?? ""));
  station.charger.write("start 1 ALICE");
  await station.event((line) => line.event === "started" && /ALICE/.test(line.message ?? ""));
  station.charger.write("start 2 DAVE");
  await station.event((line) => line.event === "started" && /DAVE/.test(line.message ?? ""));
});

test("1.6 SendLocalList, GetLocalListVersion (-1 when disabled), ClearCache, and the list deciding offline (sections 3.5, 5.10, 5.15)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", args: ["--json"] });
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { listVersion: 0 });
  const list = [
    { idTag: "ALICE", idTagInfo: { status: "Accepted" } },
    { idTag: "BOB", idTagInfo: { status: "Blocked" } },
  ];
  assert.deepEqual(await station.call("SendLocalList", { listVersion: 5, updateType: "Full", localAuthorizationList: list }), {
    status: "Accepted",
  });
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { listVersion: 5 });
  assert.deepEqual(await station.call("SendLocalList", { listVersion: 4, updateType: "Differential", localAuthorizationList: [] }), {
    status: "VersionMismatch",
  });
  assert.deepEqual(await station.call("ClearCache", {}), { status: "Accepted" });
  assert.deepEqual(await station.call("ChangeConfiguration", { key: "AllowOfflineTxForUnknownId", value: "false" }), {
    status: "Accepted",
  });

  await station.stopCentral();
  await station.event((line) => line.event === "disconnected");
  station.charger.write("start 1 BOB");
  await station.event((line) => line.event === "info" && /BOB was not accepted/.test(line.message ?? ""));
  station.charger.write("start 1 ZED");
  await station.event((line) => line.event === "info" && /ZED was not accepted/.test(line.message ?? ""));
  station.charger.write("start 1 ALICE");
  await station.event((line) => line.event === "started" && /ALICE/.test(line.message ?? ""));
});

test("1.6 GetLocalListVersion is -1 and SendLocalList NotSupported while LocalAuthListEnabled is false", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  assert.deepEqual(await station.call("ChangeConfiguration", { key: "LocalAuthListEnabled", value: "false" }), { status: "Accepted" });
  assert.deepEqual(await station.call("GetLocalListVersion", {}), { listVersion: -1 });
  assert.deepEqual(await station.call("SendLocalList", { listVersion: 1, updateType: "Full" }), { status: "NotSupported" });
});
