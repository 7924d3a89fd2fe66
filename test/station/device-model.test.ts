import assert from "node:assert/strict";
import { test } from "node:test";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
type Result = Body & { attributeStatus: string; attributeValue?: string; component: Body; variable: Body };

const get = async (station: StationUnderTest, ...data: Body[]) =>
  (await station.call("GetVariables", { getVariableData: data })).getVariableResult as Result[];
const set = async (station: StationUnderTest, ...data: Body[]) =>
  (await station.call("SetVariables", { setVariableData: data })).setVariableResult as Result[];

test("GetVariables answers with the device model's values and the spec's statuses (TC_B_06/07/32/33/34)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const results = await get(
    station,
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Actual" },
    { component: { name: "AuthCtrlr" }, variable: { name: "LocalAuthorizeOffline" } },
    { component: { name: "UnknownComponent" }, variable: { name: "OfflineThreshold" } },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "UnknownVariable" } },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "Target" },
    { component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" } },
    { component: { name: "EVSE", evse: { id: 2 } }, variable: { name: "Power" }, attributeType: "MaxSet" },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" } },
  );
  assert.deepEqual(
    results.map((r) => [r.attributeStatus, r.attributeValue]),
    [
      ["Accepted", "300"],
      ["Accepted", "true"],
      ["UnknownComponent", undefined],
      ["UnknownVariable", undefined],
      ["NotSupportedAttributeType", undefined],
      ["Rejected", undefined],
      ["Accepted", "11000"],
      ["Accepted", "30"],
    ],
  );
  assert.equal(results[0].attributeType, "Actual");
  assert.equal(results[4].attributeType, "Target");
  assert.deepEqual(results[2].component, { name: "UnknownComponent" });
  assert.deepEqual(results[7].variable, { name: "MessageTimeout", instance: "Default" });
});

test("SetVariables writes what may be written and refuses the rest with the spec's statuses (TC_B_09/10/11/39)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const results = await set(
    station,
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "123" },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" }, attributeValue: "10" },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "1.1" },
    { component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" }, attributeValue: "abc" },
    { component: { name: "SmartChargingCtrlr" }, variable: { name: "LimitChangeSignificance" }, attributeValue: "2.5" },
    { component: { name: "ClockCtrlr" }, variable: { name: "NextTimeOffsetTransitionDateTime" }, attributeValue: "true" },
    // Slot 1 holds the command line's profile; a slot without a profile would be Rejected (network-profiles.test.ts).
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "NetworkConfigurationPriority" }, attributeValue: "1" },
    { component: { name: "Nope" }, variable: { name: "OfflineThreshold" }, attributeValue: "1" },
    { component: { name: "TxCtrlr" }, variable: { name: "Nope" }, attributeValue: "1" },
    { component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" }, attributeValue: "Sometime" },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeType: "MaxSet", attributeValue: "1" },
    { component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" }, attributeValue: "0123456789abcdef" },
  );
  assert.deepEqual(
    results.map((r) => r.attributeStatus),
    [
      "Accepted",
      "Rejected",
      "Rejected",
      "Rejected",
      "Accepted",
      "Rejected",
      "RebootRequired",
      "UnknownComponent",
      "UnknownVariable",
      "Rejected",
      "NotSupportedAttributeType",
      "Accepted",
    ],
  );
  assert.deepEqual(results[2].attributeStatusInfo, { reasonCode: "InvalidValue" });
  const read = await get(
    station,
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } },
    { component: { name: "SmartChargingCtrlr" }, variable: { name: "LimitChangeSignificance" } },
    { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" } },
  );
  assert.deepEqual(
    read.map((r) => r.attributeValue),
    ["123", "2.5", "30"],
  );
});

test("a HeartbeatInterval set by the CSMS makes the station beat at that interval", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  assert.equal(station.count("Heartbeat"), 0, "the boot gave 300 s");
  const [result] = await set(station, {
    component: { name: "OCPPCommCtrlr" },
    variable: { name: "HeartbeatInterval" },
    attributeValue: "1",
  });
  assert.equal(result.attributeStatus, "Accepted");
  const from = station.received.length;
  await station.waitFor((r, i) => i >= from && r.action === "Heartbeat");
  await station.waitFor(
    (r, i) => i >= from && r.action === "Heartbeat" && station.received.slice(from).filter((x) => x.action === "Heartbeat").length >= 2,
  );
});

interface Report {
  requestId: number;
  seqNo: number;
  tbc?: boolean;
  generatedAt: string;
  reportData?: {
    component: { name: string; evse?: { id: number; connectorId?: number } };
    variable: { name: string; instance?: string };
    variableAttribute: { type?: string; value?: string; mutability?: string; persistent?: boolean }[];
    variableCharacteristics?: { dataType: string; valuesList?: string; unit?: string };
  }[];
}

async function reportOf(station: StationUnderTest, requestId: number): Promise<Report[]> {
  await station.waitFor((r) => r.action === "NotifyReport" && (r.payload as unknown as Report).requestId === requestId && !r.payload.tbc);
  return station
    .of("NotifyReport")
    .map((p) => p as unknown as Report)
    .filter((p) => p.requestId === requestId);
}

const entries = (parts: Report[]) => parts.flatMap((p) => p.reportData ?? []);
const named = (parts: Report[]) =>
  entries(parts).map(
    (d) =>
      `${d.component.name}${d.component.evse ? `@${d.component.evse.id}` : ""}.${d.variable.name}${d.variable.instance ? `[${d.variable.instance}]` : ""}`,
  );

test("GetBaseReport FullInventory: Accepted, then NotifyReport parts with seqNo counting from 0 and tbc until the last (TC_B_13)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const from = station.received.length;
  assert.deepEqual(await station.call("GetBaseReport", { requestId: 41, reportBase: "FullInventory" }), { status: "Accepted" });
  const parts = await reportOf(station, 41);
  assert.equal(station.actionsSince(from)[0], "GetBaseReportResponse", "the answer comes before the report");
  assert.ok(parts.length >= 3, `a full inventory takes several parts, got ${parts.length}`);
  assert.deepEqual(
    parts.map((p) => p.seqNo),
    parts.map((_, i) => i),
  );
  assert.deepEqual(
    parts.map((p) => p.tbc ?? false),
    parts.map((_, i) => i < parts.length - 1),
  );
  for (const p of parts) assert.ok((p.reportData?.length ?? 0) <= 20, "ItemsPerMessage[GetReport] is 20");
  const names = named(parts);
  for (const required of [
    "OCPPCommCtrlr.OfflineThreshold",
    "OCPPCommCtrlr.MessageTimeout[Default]",
    "OCPPCommCtrlr.FileTransferProtocols",
    "AuthCtrlr.AuthorizeRemoteStart",
    "TxCtrlr.TxStartPoint",
    "SampledDataCtrlr.TxUpdatedMeasurands",
    "DeviceDataCtrlr.ItemsPerMessage[GetVariables]",
    "SecurityCtrlr.SecurityProfile",
    "ChargingStation.AvailabilityState",
    "EVSE@1.Power",
    "EVSE@2.AvailabilityState",
    "Connector@2.ConnectorType",
  ]) {
    assert.ok(names.includes(required), `${required} is reported`);
  }
  for (const data of entries(parts)) {
    assert.ok(data.variableCharacteristics, `${data.variable.name} has characteristics`);
    if (/List$/.test(data.variableCharacteristics.dataType))
      assert.ok(data.variableCharacteristics.valuesList, `${data.variable.name} has a valuesList`);
  }
  const password = entries(parts).find((d) => d.variable.name === "BasicAuthPassword");
  assert.equal(password?.variableAttribute[0].mutability, "WriteOnly");
  assert.equal(password?.variableAttribute[0].value, undefined, "a WriteOnly value is not reported");
  const power = entries(parts).find((d) => d.component.name === "EVSE" && d.variable.name === "Power");
  assert.deepEqual(
    power?.variableAttribute.map((a) => a.type),
    ["Actual", "MaxSet"],
  );
});

test("GetBaseReport ConfigurationInventory reports only what the CSMS can write; an unknown base is NotSupported (TC_B_12)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.1" });
  assert.deepEqual(await station.call("GetBaseReport", { requestId: 5, reportBase: "ConfigurationInventory" }), { status: "Accepted" });
  const parts = await reportOf(station, 5);
  const data = entries(parts);
  assert.ok(data.length > 20);
  for (const entry of data)
    assert.ok(
      entry.variableAttribute.some((a) => a.mutability === "ReadWrite" || a.mutability === "WriteOnly"),
      entry.variable.name,
    );
  assert.ok(named(parts).includes("OCPPCommCtrlr.HeartbeatInterval"));
  assert.ok(!named(parts).includes("SecurityCtrlr.SecurityProfile"));
  assert.deepEqual(await station.call("GetBaseReport", { requestId: 6, reportBase: "SummaryInventory" }), { status: "Accepted" });
  const summary = named(await reportOf(station, 6));
  assert.ok(summary.includes("EVSE@1.AvailabilityState") && summary.includes("ChargingStation.Problem"), summary.join());
});

test("GetReport selects by component/variable and criteria, EmptyResultSet when nothing matches (B08)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const answer = await station.call("GetReport", {
    requestId: 9,
    componentVariable: [
      { component: { name: "EVSE" }, variable: { name: "AvailabilityState" } },
      { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" } },
      { component: { name: "Connector", evse: { id: 2 } } },
    ],
  });
  assert.deepEqual(answer, { status: "Accepted" });
  const names = named(await reportOf(station, 9));
  assert.deepEqual(names.sort(), [
    "Connector@2.AvailabilityState",
    "Connector@2.Available",
    "Connector@2.ConnectorType",
    "Connector@2.SupplyPhases",
    "EVSE@1.AvailabilityState",
    "EVSE@2.AvailabilityState",
    "OCPPCommCtrlr.MessageTimeout[Default]",
  ]);
  assert.deepEqual(
    await station.call("GetReport", {
      requestId: 10,
      componentCriteria: ["Enabled"],
      componentVariable: [{ component: { name: "AuthCtrlr" } }],
    }),
    {
      status: "Accepted",
    },
  );
  assert.ok(named(await reportOf(station, 10)).every((name) => name.startsWith("AuthCtrlr.")));
  assert.deepEqual(await station.call("GetReport", { requestId: 11, componentCriteria: ["Problem"] }), { status: "EmptyResultSet" });
  assert.deepEqual(await station.call("GetReport", { requestId: 12, componentVariable: [{ component: { name: "NoSuchThing" } }] }), {
    status: "EmptyResultSet",
  });
  assert.equal(station.of("NotifyReport").filter((p) => p.requestId === 11 || p.requestId === 12).length, 0);
});

test("SetVariableMonitoring echoes each request; monitors fire NotifyEvent on a threshold crossing and on a delta (N04, N07)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1" });
  const answer = await station.call("SetVariableMonitoring", {
    setMonitoringData: [
      { value: 500, type: "UpperThreshold", severity: 4, component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } },
      { value: 0, type: "Delta", severity: 8, component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" } },
      { value: 1, type: "Delta", severity: 1, component: { name: "mhName" }, variable: { name: "mhVariable" } },
      { value: 1, type: "UpperThreshold", severity: 2, component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" } },
      { value: 1, type: "Delta", severity: 2, component: { name: "TxCtrlr" }, variable: { name: "Nope" } },
    ],
  });
  const results = answer.setMonitoringResult as Body[];
  assert.deepEqual(results[2], {
    status: "UnknownComponent",
    type: "Delta",
    severity: 1,
    component: { name: "mhName" },
    variable: { name: "mhVariable" },
  });
  assert.deepEqual(
    results.map((r) => r.status),
    ["Accepted", "Accepted", "UnknownComponent", "UnsupportedMonitorType", "UnknownVariable"],
  );
  const [threshold, delta] = results.map((r) => r.id as number);
  assert.ok(threshold > 0 && delta > threshold);
  assert.deepEqual(results[0], {
    id: threshold,
    status: "Accepted",
    type: "UpperThreshold",
    severity: 4,
    component: { name: "OCPPCommCtrlr" },
    variable: { name: "OfflineThreshold" },
  });

  await set(station, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "400" });
  await set(station, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "600" });
  const alert = await station.waitFor((r) => r.action === "NotifyEvent");
  const [event] = alert.payload.eventData as Body[];
  assert.equal(event.trigger, "Alerting");
  assert.equal(event.actualValue, "600");
  assert.equal(event.variableMonitoringId, threshold);
  assert.equal(event.eventNotificationType, "CustomMonitor");
  assert.equal(event.cleared, undefined);
  await set(station, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "450" });
  await station.waitFor(() => station.count("NotifyEvent") >= 2);
  assert.equal((station.of("NotifyEvent")[1].eventData as Body[])[0].cleared, true, "back below the threshold: cleared");

  await set(station, { component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" }, attributeValue: "EVConnected" });
  await station.waitFor(() => station.count("NotifyEvent") >= 3);
  const deltaEvent = (station.of("NotifyEvent")[2].eventData as Body[])[0];
  assert.deepEqual([deltaEvent.trigger, deltaEvent.actualValue, deltaEvent.variableMonitoringId], ["Delta", "EVConnected", delta]);

  // Level 5: the severity-8 delta monitor stays quiet, the severity-4 threshold still reports.
  assert.deepEqual(await station.call("SetMonitoringLevel", { severity: 5 }), { status: "Accepted" });
  assert.deepEqual(await station.call("SetMonitoringLevel", { severity: 10 }), { status: "Rejected" });
  await set(station, { component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" }, attributeValue: "Authorized" });
  await set(station, { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "700" });
  await station.waitFor(() => station.count("NotifyEvent") >= 4);
  const events = station.of("NotifyEvent").flatMap((n) => n.eventData as Body[]);
  assert.deepEqual(
    events.map((e) => e.variableMonitoringId),
    [threshold, threshold, delta, threshold],
  );

  assert.deepEqual(await station.call("GetMonitoringReport", { requestId: 3, monitoringCriteria: ["DeltaMonitoring"] }), {
    status: "Accepted",
  });
  const report = await station.waitFor((r) => r.action === "NotifyMonitoringReport");
  assert.deepEqual(report.payload.monitor, [
    {
      component: { name: "TxCtrlr" },
      variable: { name: "TxStopPoint" },
      variableMonitoring: [{ id: delta, transaction: false, value: 0, type: "Delta", severity: 8 }],
    },
  ]);

  const cleared = await station.call("ClearVariableMonitoring", { id: [threshold, 999] });
  assert.deepEqual(cleared, {
    clearMonitoringResult: [
      { id: threshold, status: "Accepted" },
      { id: 999, status: "NotFound" },
    ],
  });
  assert.deepEqual(await station.call("SetMonitoringBase", { monitoringBase: "HardWiredOnly" }), { status: "Accepted" });
  assert.deepEqual(await station.call("GetMonitoringReport", { requestId: 4 }), { status: "EmptyResultSet" });
});

test("TxStartPoint and TxStopPoint EVConnected: the transaction spans the cable, authorization and stop come as Updated events (E01, E06)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1 });
  await set(
    station,
    { component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" }, attributeValue: "EVConnected" },
    { component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" }, attributeValue: "EVConnected" },
    { component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" }, attributeValue: "true" },
    {
      component: { name: "SampledDataCtrlr" },
      variable: { name: "TxStartedMeasurands" },
      attributeValue: "Energy.Active.Import.Register,Voltage",
    },
    { component: { name: "SampledDataCtrlr" }, variable: { name: "TxEndedMeasurands" }, attributeValue: "" },
  );
  const from = station.received.length;
  await station.call("RequestStartTransaction", { remoteStartId: 77, idToken: { idToken: "TAG1", type: "ISO14443" } });
  const started = await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Updated");
  assert.deepEqual(station.actionsSince(from), [
    "RequestStartTransactionResponse",
    "StatusNotification",
    "TransactionEvent",
    "Authorize",
    "TransactionEvent",
  ]);
  const [first, second] = station.of("TransactionEvent");
  assert.equal(first.triggerReason, "CablePluggedIn");
  assert.equal(first.idToken, undefined);
  assert.equal((first.transactionInfo as Body).chargingState, "EVConnected");
  const sampled = (first.meterValue as { sampledValue: Body[] }[])[0].sampledValue;
  assert.deepEqual(
    sampled.map((s) => [s.measurand, s.context]),
    [
      ["Energy.Active.Import.Register", "Transaction.Begin"],
      ["Voltage", "Transaction.Begin"],
    ],
  );
  assert.equal(second.triggerReason, "RemoteStart");
  assert.deepEqual(second.idToken, { idToken: "TAG1", type: "ISO14443" });
  assert.equal(started.payload.seqNo, 1);

  const transactionId = (first.transactionInfo as Body).transactionId;
  const stopFrom = station.received.length;
  await station.call("RequestStopTransaction", { transactionId });
  await station.waitFor((r) => r.action === "TransactionEvent" && r.payload.eventType === "Ended");
  const [updated, ended] = station.of("TransactionEvent").slice(2);
  assert.deepEqual(station.actionsSince(stopFrom).slice(0, 3), ["RequestStopTransactionResponse", "TransactionEvent", "TransactionEvent"]);
  assert.deepEqual(
    [updated.eventType, updated.triggerReason, (updated.transactionInfo as Body).chargingState],
    ["Updated", "RemoteStop", "EVConnected"],
  );
  assert.deepEqual([ended.triggerReason, (ended.transactionInfo as Body).stoppedReason], ["EVCommunicationLost", "Remote"]);
  assert.equal(ended.meterValue, undefined, "TxEndedMeasurands is empty");
});
