/** Block B, Provisioning (part 6 section 2.3): the TC_B_*_CS cases, steps numbered as there. */
import { Feature } from "../case.js";
import { type CsTest, PhysicalAction } from "./cs-test.js";
import {
  booted,
  changeAvailability,
  csCase,
  expectAllConnectors,
  expectBoot,
  expectFields,
  expectReasonAbsentOr,
  expectReport,
  field,
  requestId,
  unavailable,
} from "./states.js";

type Body = Record<string, unknown>;

const RO = ["ReadOnly"];
const RW = ["ReadWrite"];
const either = ["ReadOnly", "ReadWrite"];
/** TC_B_53 post scenario validations: "Required Core components/variables" (component, variable, instance, mutability, dataType). */
const requiredCoreVariables: readonly (readonly [string, string, string | undefined, string[], string])[] = [
  ["AlignedDataCtrlr", "Interval", undefined, RW, "integer"],
  ["AlignedDataCtrlr", "Measurands", undefined, RW, "MemberList"],
  ["AlignedDataCtrlr", "TxEndedInterval", undefined, RW, "integer"],
  ["AlignedDataCtrlr", "TxEndedMeasurands", undefined, RW, "MemberList"],
  ["AuthCtrlr", "AuthorizeRemoteStart", undefined, either, "boolean"],
  ["AuthCtrlr", "LocalAuthorizeOffline", undefined, RW, "boolean"],
  ["AuthCtrlr", "LocalPreAuthorize", undefined, RW, "boolean"],
  ["ChargingStation", "AvailabilityState", undefined, RO, "OptionList"],
  ["ChargingStation", "Available", undefined, RO, "boolean"],
  ["ChargingStation", "SupplyPhases", undefined, RO, "integer"],
  ["ClockCtrlr", "DateTime", undefined, RO, "dateTime"],
  ["ClockCtrlr", "TimeSource", undefined, RW, "SequenceList"],
  ["DeviceDataCtrlr", "BytesPerMessage", "GetReport", RO, "integer"],
  ["DeviceDataCtrlr", "BytesPerMessage", "GetVariables", RO, "integer"],
  ["DeviceDataCtrlr", "BytesPerMessage", "SetVariables", RO, "integer"],
  ["DeviceDataCtrlr", "ItemsPerMessage", "GetReport", RO, "integer"],
  ["DeviceDataCtrlr", "ItemsPerMessage", "GetVariables", RO, "integer"],
  ["DeviceDataCtrlr", "ItemsPerMessage", "SetVariables", RO, "integer"],
  ["OCPPCommCtrlr", "FileTransferProtocols", undefined, RO, "MemberList"],
  ["OCPPCommCtrlr", "MessageTimeout", "Default", RO, "integer"],
  ["OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent", RW, "integer"],
  ["OCPPCommCtrlr", "MessageAttempts", "TransactionEvent", RW, "integer"],
  ["OCPPCommCtrlr", "NetworkConfigurationPriority", undefined, RW, "SequenceList"],
  ["OCPPCommCtrlr", "NetworkProfileConnectionAttempts", undefined, RW, "integer"],
  ["OCPPCommCtrlr", "OfflineThreshold", undefined, RW, "integer"],
  ["OCPPCommCtrlr", "ResetRetries", undefined, RW, "integer"],
  ["OCPPCommCtrlr", "UnlockOnEVSideDisconnect", undefined, either, "boolean"],
  ["SampledDataCtrlr", "TxEndedInterval", undefined, RW, "integer"],
  ["SampledDataCtrlr", "TxEndedMeasurands", undefined, RW, "MemberList"],
  ["SampledDataCtrlr", "TxStartedMeasurands", undefined, RW, "MemberList"],
  ["SampledDataCtrlr", "TxUpdatedInterval", undefined, RW, "integer"],
  ["SampledDataCtrlr", "TxUpdatedMeasurands", undefined, RW, "MemberList"],
  ["SecurityCtrlr", "CertificateEntries", undefined, RO, "integer"],
  ["SecurityCtrlr", "OrganizationName", undefined, RW, "string"],
  ["SecurityCtrlr", "SecurityProfile", undefined, RO, "integer"],
  ["TxCtrlr", "EVConnectionTimeOut", undefined, RW, "integer"],
  ["TxCtrlr", "StopTxOnEVSideDisconnect", undefined, either, "boolean"],
  ["TxCtrlr", "StopTxOnInvalidId", undefined, RW, "boolean"],
  ["TxCtrlr", "TxStartPoint", undefined, either, "MemberList"],
  ["TxCtrlr", "TxStopPoint", undefined, either, "MemberList"],
];

const offlineThreshold = { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } };
const localAuthorizeOffline = { component: { name: "AuthCtrlr" }, variable: { name: "LocalAuthorizeOffline" } };

const pendingOrRejected = (t: CsTest, status: "Pending" | "Rejected") =>
  t.answer("BootNotification", () => ({ currentTime: t.now(), interval: t.config.heartbeatIntervalS, status }));

/** The answer of a Get/SetVariables for one component/variable, wherever it is in the list ("in arbitrary order"). */
function resultFor(results: unknown, component: string, variable: string): Body | undefined {
  return ((results as Body[] | undefined) ?? []).find(
    (r) => field(r, "component.name") === component && field(r, "variable.name") === variable,
  );
}

/** TC_B_11 steps: one SetVariables with an invalidly formatted value, Rejected (InvalidValue) or Accepted. */
async function setFormatted(t: CsTest, step: number, component: string, variable: string, value: string): Promise<void> {
  const response = await t.send(step, "SetVariables", {
    setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue: value }],
  });
  const result = (response.setVariableResult as Body[])[0];
  const name = `SetVariablesResponse ${component}.${variable}=${value}`;
  t.expectOneOf(step + 1, `${name} attributeStatus`, result?.attributeStatus, [
    "Rejected",
    "Accepted",
    "UnknownVariable",
    "UnknownComponent",
  ]);
  t.expectOneOf(step + 1, `${name} attributeType`, result?.attributeType, [undefined, "Actual"]);
  expectFields(t, step + 1, name, result, { "component.name": component, "variable.name": variable });
  if (result?.attributeStatus === "Rejected")
    expectReasonAbsentOr(t, step + 1, `${name} attributeStatusInfo.reasonCode`, result, "InvalidValue");
}

/** Resets the station and waits for its boot and connector reports: what several cases check after a reset. */
async function resetAndBoot(t: CsTest, request: Body, options: { reason?: string; status?: (evseId: number) => string } = {}) {
  const reset = await t.send(1, "Reset", request);
  t.expect(2, "ResetResponse status", reset.status, "Accepted");
  const boot = await expectBoot(t, 3);
  if (options.reason) t.expect(3, "BootNotificationRequest reason", boot.payload.reason, options.reason);
  await expectAllConnectors(t, 5, boot.index + 1, options.status);
}

export const provisioningCsCases = [
  csCase({
    id: "TC_B_01_CS",
    name: "Cold Boot Charging Station - Accepted",
    useCases: ["B01"],
    run: (t) => booted(t),
  }),
  csCase({
    id: "TC_B_02_CS",
    name: "Cold Boot Charging Station - Pending",
    useCases: ["B02", "F06"],
    async run(t) {
      pendingOrRejected(t, "Pending");
      await t.act("Manual Action", PhysicalAction.PowerCycle, "Reboot the Charging Station");
      await expectBoot(t, 1);
      const set = await t.send(3, "SetVariables", { setVariableData: [{ ...offlineThreshold, attributeValue: "300" }] });
      t.expect(
        4,
        "SetVariablesResponse setVariableResult[0].attributeStatus",
        field(set, "setVariableResult.0.attributeStatus"),
        "Accepted",
      );
      const get = await t.send(5, "GetVariables", { getVariableData: [offlineThreshold] });
      t.expect(
        6,
        "GetVariablesResponse getVariableResult[0].attributeStatus",
        field(get, "getVariableResult.0.attributeStatus"),
        "Accepted",
      );
      const id = requestId();
      const report = await t.send(7, "GetBaseReport", { requestId: id, reportBase: "FullInventory" });
      t.expect(8, "GetBaseReportResponse status", report.status, "Accepted");
      await expectReport(t, 9, id);
      const start = await t.send(11, "RequestStartTransaction", {
        idToken: t.config.idTokens.valid,
        remoteStartId: requestId(),
        evseId: t.evseId,
      });
      t.expect(12, "RequestStartTransactionResponse status", start.status, "Rejected");
      // The station keeps resending its BootNotification every Pending interval: those stay Pending until the
      // triggered one. Accepting a resend just before step 13 would make the trigger Rejected (F06.FR.17) and
      // leave step 15 a PowerUp boot to find.
      let acceptAny = false;
      t.answer("BootNotification", (payload) => ({
        currentTime: t.now(),
        interval: t.config.heartbeatIntervalS,
        status: acceptAny || payload.reason === "Triggered" ? "Accepted" : "Pending",
      }));
      const since = t.mark();
      const trigger = await t.send(13, "TriggerMessage", { requestedMessage: "BootNotification" });
      t.expectOneOf(14, "TriggerMessageResponse status", trigger.status, ["Accepted", "NotImplemented"]);
      // NotImplemented: the station sends its next BootNotification after the Pending interval.
      acceptAny = trigger.status !== "Accepted";
      const boot = await t.expectCall(15, "BootNotification", {
        since,
        timeoutS: t.config.heartbeatIntervalS + t.config.actionTimeoutS,
        ...(acceptAny ? {} : { where: (payload: Body) => payload.reason === "Triggered", describe: "reason Triggered" }),
      });
      t.answer("BootNotification", undefined);
      await expectAllConnectors(t, 17, boot.index + 1);
    },
  }),
  csCase({
    id: "TC_B_03_CS",
    name: "Cold Boot Charging Station - Rejected",
    useCases: ["B03"],
    async run(t) {
      pendingOrRejected(t, "Rejected");
      await t.act("Manual Action", PhysicalAction.PowerCycle, "Reboot the Charging Station");
      const rejected = await expectBoot(t, 1);
      t.answer("BootNotification", undefined);
      const boot = await t.expectCall(3, "BootNotification", { timeoutS: t.config.heartbeatIntervalS + t.config.actionTimeoutS });
      const waitedS = (boot.atMs - rejected.atMs) / 1000;
      // Timers of the station and this tool differ a little: half a second of slack.
      t.expectThat(
        3,
        "BootNotificationRequest resent after the interval",
        waitedS >= t.config.heartbeatIntervalS - 0.5,
        `after >= ${t.config.heartbeatIntervalS} s`,
        `after ${waitedS.toFixed(1)} s`,
      );
      const between = t.calls.filter((c) => c.index > rejected.index && c.index < boot.index).map((c) => c.action);
      t.expect(3, "no other message while Rejected", between, []);
      await expectAllConnectors(t, 5, boot.index + 1);
    },
  }),
  csCase({
    id: "TC_B_30_CS",
    name: "Cold Boot Charging Station - Pending/Rejected - SecurityError",
    useCases: ["B03"],
    async run(t) {
      pendingOrRejected(t, "Rejected");
      await t.act("Manual Action", PhysicalAction.PowerCycle, "Reboot the Charging Station");
      await expectBoot(t, 1);
      await t.sendExpectingError(3, "GetBaseReport", { requestId: requestId(), reportBase: "FullInventory" }, "SecurityError");
      // Not part 6: the station is let in again, so the next case starts from a booted station.
      t.answer("BootNotification", undefined);
      const boot = await t.expectCall("after 4", "BootNotification", { timeoutS: t.config.heartbeatIntervalS + t.config.actionTimeoutS });
      await expectAllConnectors(t, "after 4", boot.index + 1);
    },
  }),
  csCase({
    id: "TC_B_06_CS",
    name: "Get Variables - single value",
    useCases: ["B06"],
    async run(t) {
      const response = await t.send(1, "GetVariables", { getVariableData: [{ ...offlineThreshold, attributeType: "Actual" }] });
      const result = field(response, "getVariableResult.0");
      expectFields(t, 2, "GetVariablesResponse", result, {
        attributeStatus: "Accepted",
        attributeType: "Actual",
        attributeValue: "300",
        "component.name": "OCPPCommCtrlr",
        "variable.name": "OfflineThreshold",
      });
      expectReasonAbsentOr(t, 2, "GetVariablesResponse attributeStatusInfo.reasonCode", result, "NoError");
    },
  }),
  csCase({
    id: "TC_B_07_CS",
    name: "Get Variables - multiple values",
    useCases: ["B06"],
    async run(t) {
      const response = await t.send(1, "GetVariables", {
        getVariableData: [
          { ...offlineThreshold, attributeType: "Actual" },
          { ...localAuthorizeOffline, attributeType: "Actual" },
        ],
      });
      for (const [component, variable, value] of [
        ["OCPPCommCtrlr", "OfflineThreshold", "300"],
        ["AuthCtrlr", "LocalAuthorizeOffline", "true"],
      ] as const) {
        const result = resultFor(response.getVariableResult, component, variable);
        expectFields(t, 2, `GetVariablesResponse ${component}.${variable}`, result ?? {}, {
          attributeStatus: "Accepted",
          attributeType: "Actual",
          attributeValue: value,
        });
        expectReasonAbsentOr(t, 2, `GetVariablesResponse ${component}.${variable} attributeStatusInfo.reasonCode`, result, "NoError");
      }
    },
  }),
  ...(
    [
      [
        "TC_B_32_CS",
        "Get Variables - Unknown component",
        "GetVariables",
        "UnknownComponent",
        "OfflineThreshold",
        undefined,
        "UnknownComponent",
      ],
      ["TC_B_33_CS", "Get Variables - Unknown variable", "GetVariables", "OCPPCommCtrlr", "UnknownVariable", undefined, "UnknownVariable"],
      [
        "TC_B_34_CS",
        "Get Variables - Not supported attribute type",
        "GetVariables",
        "OCPPCommCtrlr",
        "OfflineThreshold",
        "Target",
        "NotSupportedAttributeType",
      ],
      [
        "TC_B_35_CS",
        "Set Variables - Unknown component",
        "SetVariables",
        "UnknownComponent",
        "OfflineThreshold",
        undefined,
        "UnknownComponent",
      ],
      ["TC_B_36_CS", "Set Variables - Unknown variable", "SetVariables", "OCPPCommCtrlr", "UnknownVariable", undefined, "UnknownVariable"],
      [
        "TC_B_37_CS",
        "Set Variables - Not supported attribute type",
        "SetVariables",
        "OCPPCommCtrlr",
        "OfflineThreshold",
        "Target",
        "NotSupportedAttributeType",
      ],
    ] as const
  ).map(([id, name, action, component, variable, attributeType, status]) =>
    csCase({
      id,
      name,
      useCases: [action === "GetVariables" ? "B06" : "B05"],
      async run(t) {
        const data = {
          component: { name: component },
          variable: { name: variable },
          ...(attributeType ? { attributeType } : {}),
          ...(action === "SetVariables" ? { attributeValue: "300" } : {}),
        };
        const list = action === "GetVariables" ? "getVariable" : "setVariable";
        const response = await t.send(1, action, { [`${list}Data`]: [data] });
        expectFields(t, 2, `${action}Response`, field(response, `${list}Result.0`), {
          attributeStatus: status,
          "component.name": component,
          "variable.name": variable,
          ...(attributeType ? { attributeType } : {}),
        });
      },
    }),
  ),
  csCase({
    id: "TC_B_08_CS",
    name: "Get Variables - limit to maximum number of values",
    useCases: ["B06"],
    async run(t) {
      const id = requestId();
      const report = await t.send(1, "GetBaseReport", { requestId: id, reportBase: "FullInventory" });
      t.expect(2, "GetBaseReportResponse status", report.status, "Accepted");
      const data = await expectReport(t, 3, id);
      const limitItem = data.find(
        (d) =>
          field(d, "component.name") === "DeviceDataCtrlr" &&
          field(d, "variable.name") === "ItemsPerMessage" &&
          field(d, "variable.instance") === "GetVariables",
      );
      const limit = Number(
        ((field(limitItem, "variableAttribute") as Body[] | undefined) ?? []).find((a) => (a.type ?? "Actual") === "Actual")?.value,
      );
      t.expectThat(
        3,
        "NotifyReportRequest DeviceDataCtrlr.ItemsPerMessage[GetVariables]",
        Number.isInteger(limit) && limit > 0,
        "a positive integer",
        limit,
      );
      const variables = data.map((d) => ({ component: d.component, variable: d.variable }));
      t.expectThat(
        5,
        "more configured variables than ItemsPerMessageGetVariables",
        variables.length > limit,
        `more than ${limit}`,
        variables.length,
      );
      const response = await t.send(5, "GetVariables", { getVariableData: variables.slice(0, limit + 1) });
      const results = (response.getVariableResult as Body[]) ?? [];
      const statuses = results.map((r) => r.attributeStatus);
      const allRejected = statuses.every((s) => s === "Rejected");
      const lastRejected = statuses.at(-1) === "Rejected" && statuses.slice(0, -1).every((s) => s === "Accepted");
      t.expectThat(
        6,
        "GetVariablesResponse statuses",
        results.length === limit + 1 && (allRejected || lastRejected),
        `${limit + 1} results, all Rejected or only the last`,
        statuses,
      );
      for (const r of results)
        expectReasonAbsentOr(
          t,
          6,
          "GetVariablesResponse attributeStatusInfo.reasonCode",
          r,
          r.attributeStatus === "Rejected" ? "TooManyElements" : "NoError",
        );
    },
  }),
  csCase({
    id: "TC_B_09_CS",
    name: "Set Variables - single value",
    useCases: ["B05"],
    async run(t) {
      const response = await t.send(1, "SetVariables", {
        setVariableData: [{ ...offlineThreshold, attributeValue: "300", attributeType: "Actual" }],
      });
      const result = field(response, "setVariableResult.0");
      expectFields(t, 2, "SetVariablesResponse setVariableResult[0]", result, {
        attributeStatus: "Accepted",
        "component.name": "OCPPCommCtrlr",
        "variable.name": "OfflineThreshold",
      });
      t.expectOneOf(2, "SetVariablesResponse setVariableResult[0] attributeType", field(result, "attributeType"), ["Actual", undefined]);
      expectReasonAbsentOr(t, 2, "SetVariablesResponse setVariableResult[0] attributeStatusInfo.reasonCode", result, "NoError");
    },
  }),
  csCase({
    id: "TC_B_10_CS",
    name: "Set Variables - multiple values",
    useCases: ["B05"],
    async run(t) {
      const response = await t.send(1, "SetVariables", {
        setVariableData: [
          { ...offlineThreshold, attributeValue: "300", attributeType: "Actual" },
          { ...localAuthorizeOffline, attributeValue: "true", attributeType: "Actual" },
        ],
      });
      for (const [component, variable] of [
        ["OCPPCommCtrlr", "OfflineThreshold"],
        ["AuthCtrlr", "LocalAuthorizeOffline"],
      ] as const) {
        const result = resultFor(response.setVariableResult, component, variable);
        t.expect(2, `SetVariablesResponse ${component}.${variable} attributeStatus`, result?.attributeStatus, "Accepted");
        t.expectOneOf(2, `SetVariablesResponse ${component}.${variable} attributeType`, result?.attributeType, ["Actual", undefined]);
        expectReasonAbsentOr(t, 2, `SetVariablesResponse ${component}.${variable} attributeStatusInfo.reasonCode`, result, "NoError");
      }
    },
  }),
  csCase({
    id: "TC_B_11_CS",
    name: "Set Variables - invalidly formatted values",
    useCases: ["B05"],
    async run(t) {
      for (const value of ["1", "1.1", "true", t.now(), "abc"]) {
        await setFormatted(t, 1, "OCPPCommCtrlr", "OfflineThreshold", value);
        await setFormatted(t, 3, "SmartChargingCtrlr", "LimitChangeSignificance", value);
        await setFormatted(t, 5, "AuthCtrlr", "AuthorizeRemoteStart", value);
        await setFormatted(t, 7, "ClockCtrlr", "NextTimeOffsetTransitionDateTime", value);
      }
      // Not part 6: the values the other cases assume are put back.
      await t.send("after 8", "SetVariables", {
        setVariableData: [
          { ...offlineThreshold, attributeValue: "300" },
          { component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" }, attributeValue: "false" },
        ],
      });
    },
  }),
  csCase({
    id: "TC_B_39_CS",
    name: "Set Variables - Read-only",
    useCases: ["B05"],
    async run(t) {
      const response = await t.send(1, "SetVariables", {
        setVariableData: [
          { component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" }, attributeValue: "30" },
        ],
      });
      expectFields(t, 2, "SetVariablesResponse setVariableResult[0]", field(response, "setVariableResult.0"), {
        attributeStatus: "Rejected",
        "component.name": "OCPPCommCtrlr",
        "variable.name": "MessageTimeout",
        "variable.instance": "Default",
      });
    },
  }),
  ...(
    [
      ["TC_B_12_CS", "Get Base Report - ConfigurationInventory", "ConfigurationInventory"],
      ["TC_B_13_CS", "Get Base Report - FullInventory", "FullInventory"],
    ] as const
  ).map(([id, name, reportBase]) =>
    csCase({
      id,
      name,
      useCases: ["B07"],
      async run(t) {
        const request = requestId();
        const response = await t.send(1, "GetBaseReport", { requestId: request, reportBase });
        t.expect(2, "GetBaseReportResponse status", response.status, "Accepted");
        expectReasonAbsentOr(t, 2, "GetBaseReportResponse statusInfo.reasonCode", response, "NoError");
        const data = await expectReport(t, 3, request);
        for (const item of data) {
          const name = `${field(item, "component.name")}.${field(item, "variable.name")}`;
          t.expectThat("post", `variableCharacteristics of ${name}`, item.variableCharacteristics !== undefined, "present", item);
          if (reportBase === "ConfigurationInventory") {
            const mutabilities = ((item.variableAttribute as Body[]) ?? []).map((a) => a.mutability ?? "ReadWrite");
            t.expectThat(
              "post",
              `mutability of ${name}`,
              mutabilities.some((m) => m === "ReadWrite" || m === "WriteOnly"),
              "ReadWrite or WriteOnly",
              mutabilities,
            );
          }
        }
        // Section "Referenced Components and Variables": the writable variables every station has (B, C, E blocks).
        const required =
          reportBase === "FullInventory"
            ? ["OCPPCommCtrlr.OfflineThreshold", "OCPPCommCtrlr.MessageTimeout", "AuthCtrlr.AuthorizeRemoteStart"]
            : ["OCPPCommCtrlr.OfflineThreshold", "AuthCtrlr.AuthorizeRemoteStart"];
        const reported = new Set(data.map((d) => `${field(d, "component.name")}.${field(d, "variable.name")}`));
        for (const name of required) t.expectThat("post", `${name} reported`, reported.has(name), "reported", [...reported].length);
      },
    }),
  ),
  csCase({
    id: "TC_B_15_CS",
    name: "Get Base Report - Not Supported base report",
    useCases: ["B07"],
    withoutFeatures: [Feature.SummaryInventory],
    async run(t) {
      const response = await t.send(1, "GetBaseReport", { requestId: requestId(), reportBase: "SummaryInventory" });
      t.expect(2, "GetBaseReportResponse status", response.status, "NotSupported");
      expectReasonAbsentOr(t, 2, "GetBaseReportResponse statusInfo.reasonCode", response, "UnsupportedParam");
      await t.expectNoCall(2, "NotifyReport", Math.min(5, t.config.actionTimeoutS));
    },
  }),
  csCase({
    id: "TC_B_53_CS",
    name: "Get Base Report - Test mandatory DM variables via FullInventory",
    useCases: ["B07"],
    async run(t) {
      const request = requestId();
      const response = await t.send(1, "GetBaseReport", { requestId: request, reportBase: "FullInventory" });
      t.expect(2, "GetBaseReportResponse status", response.status, "Accepted");
      expectReasonAbsentOr(t, 2, "GetBaseReportResponse statusInfo.reasonCode", response, "NoError");
      const data = await expectReport(t, 3, request);
      const key = (component: unknown, variable: unknown, instance: unknown) =>
        `${component}.${variable}${instance ? `[${instance}]` : ""}`;
      const reported = new Map(
        data.map((d) => [key(field(d, "component.name"), field(d, "variable.name"), field(d, "variable.instance")), d]),
      );
      for (const [component, variable, instance, mutabilities, dataType] of requiredCoreVariables) {
        const name = key(component, variable, instance);
        const item = reported.get(name);
        t.expectThat("post", `${name} reported`, item !== undefined, "reported in the FullInventory", "absent");
        const mutability =
          ((field(item, "variableAttribute") as Body[] | undefined) ?? []).find((a) => (a.type ?? "Actual") === "Actual")?.mutability ??
          "ReadWrite";
        t.expectOneOf("post", `${name} mutability`, mutability, mutabilities);
        t.expect("post", `${name} dataType`, field(item, "variableCharacteristics.dataType"), dataType);
      }
    },
  }),
  csCase({
    id: "TC_B_20_CS",
    name: "Reset Charging Station - Without ongoing transaction - OnIdle",
    useCases: ["B11"],
    run: (t) => resetAndBoot(t, { type: "OnIdle" }),
  }),
  csCase({
    id: "TC_B_23_CS",
    name: "Reset Charging Station - Unavailable persists reset",
    useCases: ["B11"],
    async run(t) {
      // Memory State: Unavailable for <Configured connectorId>.
      await unavailable(t, "connector");
      const unavailableHere = (evse: number) => (evse === t.evseId ? "Unavailable" : "Available");
      await resetAndBoot(t, { type: "OnIdle" }, { reason: "RemoteReset", status: unavailableHere });
      // Not part 6: the connector is made available again for the next case.
      await changeAvailability(t, "Operative", "connector", ["after", "after"]);
    },
  }),
  csCase({
    id: "TC_B_25_CS",
    name: "Reset EVSE - Without ongoing transaction",
    useCases: ["B11"],
    features: [Feature.B, Feature.ResetEvse],
    async run(t) {
      const reset = await t.send(1, "Reset", { type: "OnIdle", evseId: t.evseId });
      t.expect(2, "ResetResponse status", reset.status, "Accepted");
    },
  }),
  csCase({
    id: "TC_B_28_CS",
    name: "Reset EVSE - Not Supported",
    useCases: ["B11", "B12"],
    withoutFeatures: [Feature.ResetEvse],
    async run(t) {
      const reset = await t.send(1, "Reset", { type: "OnIdle", evseId: t.evseId });
      t.expect(2, "ResetResponse status", reset.status, "Rejected");
    },
  }),
  csCase({
    id: "TC_B_43_CS",
    name: "Set new NetworkConnectionProfile - Rejected",
    useCases: ["B09"],
    async run(t) {
      const n = t.config.networkProfile;
      const response = await t.send(1, "SetNetworkProfile", {
        configurationSlot: 999,
        connectionData: {
          messageTimeout: n.messageTimeout,
          ocppCsmsUrl: n.ocppCsmsUrl,
          ocppInterface: n.ocppInterface,
          ocppTransport: "JSON",
          ocppVersion: "OCPP20",
          securityProfile: t.config.securityProfile,
        },
      });
      t.expect(2, "SetNetworkProfileResponse status", response.status, "Rejected");
    },
  }),
];
