/** Part 6 section 3.3, B Provisioning: TC_B_*_CSMS (Tables 267-284). */
import type { CsmsCase } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import { booted, energyTransferStarted } from "../states.js";
import { csmsCase, expectFields, field, readAttributeTypes } from "./define.js";

type Body = Record<string, unknown>;
type VariableData = { component?: { name?: string }; variable?: { name?: string }; attributeType?: string; attributeValue?: string };

/** The entry of getVariableData / setVariableData for `component.variable`, in any order. */
function entryFor(t: CsmsTest, step: number, message: string, list: unknown, component: string, variable: string): VariableData {
  const entries = (Array.isArray(list) ? list : []) as VariableData[];
  const entry = entries.find((e) => e.component?.name === component && e.variable?.name === variable);
  t.expectThat(
    step,
    `${message} has ${component}.${variable}`,
    entry !== undefined,
    `an entry for ${component}.${variable}`,
    entries.map((e) => `${e.component?.name}.${e.variable?.name}`),
  );
  return entry as VariableData;
}

/** B02: how long the tool waits after a Pending answer (interval, or the configured heartbeat interval for 0). */
function pendingWait(t: CsmsTest, response: Body): number {
  const interval = Number(response.interval) || t.config.heartbeatIntervalS;
  return Math.min(interval, t.config.maxWaitS);
}

const resetSteps = {
  /** Part 6 B12 steps 3-6 with OnIdle: the driver stops, the EV leaves, the transaction ends. */
  async onIdleStop(t: CsmsTest): Promise<void> {
    await t.transactionEvent(3, {
      eventType: "Updated",
      triggerReason: "StopAuthorized",
      chargingState: "EVConnected",
      idToken: t.config.idTokens.valid,
    });
    await t.transactionEvent(5, {
      eventType: "Ended",
      triggerReason: "EVCommunicationLost",
      chargingState: "Idle",
      stoppedReason: "EVDisconnected",
    });
    t.station.evConnected = false;
    t.station.authorized = false;
  },
};

export const provisioningCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_B_01_CSMS",
    name: "Cold Boot Charging Station - Accepted",
    useCases: ["B01"],
    bootsItself: true,
    run: (t) => booted(t),
  }),
  csmsCase({
    id: "TC_B_02_CSMS",
    name: "Cold Boot Charging Station - Pending",
    useCases: ["B02"],
    bootsItself: true,
    station: "pending",
    async run(t) {
      const first = await t.send(1, "BootNotification", t.bootPayload("PowerUp"));
      t.expect(2, "BootNotificationResponse status", first.status, "Pending");
      // Meanwhile the CSMS may read or set variables (B05-B08): the station model answers them.
      await t.wait(pendingWait(t, first));
      const second = await t.send(3, "BootNotification", t.bootPayload("PowerUp"));
      t.expect(4, "BootNotificationResponse status", second.status, "Accepted");
      await t.notifyAllConnectors(5);
    },
  }),
  csmsCase({
    id: "TC_B_30_CSMS",
    name: "Cold Boot Charging Station - Pending/Rejected - SecurityError",
    useCases: ["B02", "B03"],
    bootsItself: true,
    station: "pending",
    async run(t) {
      const boot = await t.send(1, "BootNotification", t.bootPayload("PowerUp"));
      t.expectOneOf(2, "BootNotificationResponse status", boot.status, ["Pending", "Rejected"]);
      const c = t.config;
      await t.sendExpectingError(
        4,
        "StatusNotification",
        { timestamp: t.now(), connectorStatus: "Available", evseId: c.evseId, connectorId: c.connectorId },
        "SecurityError",
      );
    },
  }),
  csmsCase({
    id: "TC_B_31_CSMS",
    name: "Cold Boot Charging Station - Pending/Rejected - TriggerMessage",
    useCases: ["B02", "F06"],
    bootsItself: true,
    station: "pending",
    async run(t) {
      const boot = await t.send(1, "BootNotification", t.bootPayload("PowerUp"));
      t.expectOneOf(2, "BootNotificationResponse status", boot.status, ["Pending", "Rejected"]);
      const trigger = await t.receive(3, "TriggerMessage", {
        instruction: "Request the CSMS to send a TriggerMessage for a BootNotification",
        payload: { requestedMessage: "BootNotification" },
      });
      t.expect(3, "TriggerMessageRequest requestedMessage", trigger.payload.requestedMessage, "BootNotification");
      await trigger.reply(4, { status: "Accepted" });
      const second = await t.send(5, "BootNotification", t.bootPayload("Triggered"));
      t.expect(6, "BootNotificationResponse status", second.status, "Accepted");
      await t.notifyAllConnectors(7);
    },
  }),
  csmsCase({
    id: "TC_B_06_CSMS",
    name: "Get Variables - single value",
    useCases: ["B06"],
    async run(t) {
      const get = await t.receive(1, "GetVariables", {
        instruction: "Request the CSMS to get OCPPCommCtrlr.OfflineThreshold",
        payload: { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }] },
      });
      const entry = entryFor(t, 1, "GetVariablesRequest", get.payload.getVariableData, "OCPPCommCtrlr", "OfflineThreshold");
      t.expectOneOf(1, "GetVariablesRequest attributeType", entry.attributeType, readAttributeTypes);
      await get.reply(2);
    },
  }),
  csmsCase({
    id: "TC_B_07_CSMS",
    name: "Get Variables - multiple values",
    useCases: ["B06"],
    async run(t) {
      const get = await t.receive(1, "GetVariables", {
        instruction: "Request the CSMS to get OCPPCommCtrlr.OfflineThreshold and AuthCtrlr.AuthorizeRemoteStart",
        payload: {
          getVariableData: [
            { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } },
            { component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" } },
          ],
        },
      });
      for (const [component, variable] of [
        ["OCPPCommCtrlr", "OfflineThreshold"],
        ["AuthCtrlr", "AuthorizeRemoteStart"],
      ]) {
        const entry = entryFor(t, 1, "GetVariablesRequest", get.payload.getVariableData, component, variable);
        t.expectOneOf(1, `GetVariablesRequest ${variable} attributeType`, entry.attributeType, readAttributeTypes);
      }
      await get.reply(2);
    },
  }),
  csmsCase({
    id: "TC_B_09_CSMS",
    name: "Set Variables - single value",
    useCases: ["B05"],
    async run(t) {
      const set = await t.receive(1, "SetVariables", {
        instruction: 'Request the CSMS to set OCPPCommCtrlr.OfflineThreshold to "123"',
        payload: {
          setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "123" }],
        },
      });
      const entry = entryFor(t, 1, "SetVariablesRequest", set.payload.setVariableData, "OCPPCommCtrlr", "OfflineThreshold");
      t.expect(1, "SetVariablesRequest OfflineThreshold attributeValue", entry.attributeValue, "123");
      t.expectOneOf(1, "SetVariablesRequest OfflineThreshold attributeType", entry.attributeType, [undefined, "Actual"]);
      await set.reply(2);
    },
  }),
  csmsCase({
    id: "TC_B_10_CSMS",
    name: "Set Variables - multiple values",
    useCases: ["B05"],
    async run(t) {
      const set = await t.receive(1, "SetVariables", {
        instruction: 'Request the CSMS to set OCPPCommCtrlr.OfflineThreshold to "123" and AuthCtrlr.AuthorizeRemoteStart to "false"',
        payload: {
          setVariableData: [
            { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "123" },
            { component: { name: "AuthCtrlr" }, variable: { name: "AuthorizeRemoteStart" }, attributeValue: "false" },
          ],
        },
      });
      for (const [component, variable, value] of [
        ["OCPPCommCtrlr", "OfflineThreshold", "123"],
        ["AuthCtrlr", "AuthorizeRemoteStart", "false"],
      ]) {
        const entry = entryFor(t, 1, "SetVariablesRequest", set.payload.setVariableData, component, variable);
        t.expect(1, `SetVariablesRequest ${variable} attributeValue`, entry.attributeValue, value);
        t.expectOneOf(1, `SetVariablesRequest ${variable} attributeType`, entry.attributeType, [undefined, "Actual"]);
      }
      await set.reply(2);
    },
  }),
  ...(["ConfigurationInventory", "FullInventory"] as const).map((reportBase, index) =>
    csmsCase({
      id: index === 0 ? "TC_B_12_CSMS" : "TC_B_13_CSMS",
      name: `Get Base Report - ${reportBase}`,
      useCases: ["B07"],
      async run(t) {
        const get = await t.receive(1, "GetBaseReport", {
          instruction: `Request the CSMS to retrieve a ${reportBase} report`,
          payload: { requestId: 1, reportBase },
        });
        const requestId = get.payload.requestId;
        t.expectThat(
          1,
          "GetBaseReportRequest requestId",
          Number.isInteger(requestId) && (requestId as number) >= 0,
          "an integer >= 0",
          requestId,
        );
        t.expect(1, "GetBaseReportRequest reportBase", get.payload.reportBase, reportBase);
        // Step 2, then the station model sends the NotifyReport parts; the CSMS must answer each.
        await get.reply(2);
      },
    }),
  ),
  csmsCase({
    id: "TC_B_20_CSMS",
    name: "Reset Charging Station - Without ongoing transaction - OnIdle",
    useCases: ["B11"],
    async run(t) {
      const reset = await t.receive(1, "Reset", {
        instruction: "Request the CSMS to reset the Charging Station with type OnIdle",
        payload: { type: "OnIdle" },
      });
      t.expect(1, "ResetRequest type", reset.payload.type, "OnIdle");
      await reset.reply(2, { status: "Accepted" });
      const boot = await t.send(3, "BootNotification", t.bootPayload("RemoteReset"));
      t.expect(4, "BootNotificationResponse status", boot.status, "Accepted");
      await t.notifyAllConnectors(5);
    },
  }),
  csmsCase({
    id: "TC_B_21_CSMS",
    name: "Reset Charging Station - With Ongoing Transaction - OnIdle",
    useCases: ["B12"],
    async run(t) {
      await energyTransferStarted(t);
      const reset = await t.receive(1, "Reset", {
        instruction: "Request the CSMS to reset the Charging Station with type OnIdle",
        payload: { type: "OnIdle" },
      });
      t.expect(1, "ResetRequest type", reset.payload.type, "OnIdle");
      await reset.reply(2, { status: "Scheduled" });
      await resetSteps.onIdleStop(t);
      const boot = await t.send(7, "BootNotification", t.bootPayload("ScheduledReset"));
      t.expect(8, "BootNotificationResponse status", boot.status, "Accepted");
      await t.notifyAllConnectors(9);
    },
  }),
  csmsCase({
    id: "TC_B_22_CSMS",
    name: "Reset Charging Station - With Ongoing Transaction - Immediate",
    useCases: ["B12"],
    async run(t) {
      await energyTransferStarted(t);
      const reset = await t.receive(1, "Reset", {
        instruction: "Request the CSMS to reset the Charging Station with type Immediate",
        payload: { type: "Immediate" },
      });
      t.expect(1, "ResetRequest type", reset.payload.type, "Immediate");
      await reset.reply(2, { status: "Accepted" });
      await t.transactionEvent(3, {
        eventType: "Ended",
        triggerReason: "ResetCommand",
        chargingState: "EVConnected",
        stoppedReason: "ImmediateReset",
      });
      const boot = await t.send(5, "BootNotification", t.bootPayload("RemoteReset"));
      t.expect(6, "BootNotificationResponse status", boot.status, "Accepted");
      // The EV is still plugged in at the configured connector.
      await t.notifyAllConnectors(7, "Available", t.config.evseId);
    },
  }),
  csmsCase({
    id: "TC_B_25_CSMS",
    name: "Reset EVSE - Without ongoing transaction",
    useCases: ["B11"],
    async run(t) {
      const evseId = t.config.evseId;
      const reset = await t.receive(1, "Reset", {
        instruction: `Request the CSMS to reset EVSE ${evseId} with type OnIdle`,
        payload: { type: "OnIdle", evseId },
      });
      expectFields(t, 1, "ResetRequest", reset.payload, { type: "OnIdle", evseId });
      await reset.reply(2, { status: "Accepted" });
    },
  }),
  csmsCase({
    id: "TC_B_26_CSMS",
    name: "Reset EVSE - With Ongoing Transaction - OnIdle",
    useCases: ["B12"],
    async run(t) {
      await energyTransferStarted(t);
      const evseId = t.config.evseId;
      const reset = await t.receive(1, "Reset", {
        instruction: `Request the CSMS to reset EVSE ${evseId} with type OnIdle`,
        payload: { type: "OnIdle", evseId },
      });
      expectFields(t, 1, "ResetRequest", reset.payload, { type: "OnIdle", evseId });
      await reset.reply(2, { status: "Scheduled" });
      await resetSteps.onIdleStop(t);
    },
  }),
  csmsCase({
    id: "TC_B_27_CSMS",
    name: "Reset EVSE - With Ongoing Transaction - Immediate",
    useCases: ["B12"],
    async run(t) {
      await energyTransferStarted(t);
      const evseId = t.config.evseId;
      const reset = await t.receive(1, "Reset", {
        instruction: `Request the CSMS to reset EVSE ${evseId} with type Immediate`,
        payload: { type: "Immediate", evseId },
      });
      expectFields(t, 1, "ResetRequest", reset.payload, { type: "Immediate", evseId });
      await reset.reply(2, { status: "Accepted" });
      await t.transactionEvent(3, {
        eventType: "Ended",
        triggerReason: "ResetCommand",
        chargingState: "EVConnected",
        stoppedReason: "ImmediateReset",
      });
    },
  }),
  csmsCase({
    id: "TC_B_42_CSMS",
    name: "Set new NetworkConnectionProfile - Accepted",
    useCases: ["B09"],
    async run(t) {
      const n = t.config.networkProfile;
      const connectionData = {
        ocppVersion: "OCPP20",
        ocppTransport: "JSON",
        ocppCsmsUrl: n.ocppCsmsUrl,
        messageTimeout: n.messageTimeout,
        securityProfile: t.config.securityProfile,
        ocppInterface: n.ocppInterface,
      };
      const set = await t.receive(1, "SetNetworkProfile", {
        instruction: `Request the CSMS to set network profile slot ${n.configurationSlot} to ${n.ocppCsmsUrl}`,
        payload: { configurationSlot: n.configurationSlot, connectionData },
      });
      expectFields(t, 1, "SetNetworkProfileRequest", set.payload, {
        configurationSlot: n.configurationSlot,
        "connectionData.messageTimeout": n.messageTimeout,
        "connectionData.ocppCsmsUrl": n.ocppCsmsUrl,
        "connectionData.ocppInterface": n.ocppInterface,
        "connectionData.ocppTransport": "JSON",
        "connectionData.ocppVersion": "OCPP20",
        "connectionData.securityProfile": t.config.securityProfile,
      });
      await set.reply(2, { status: "Accepted" });
    },
  }),
  csmsCase({
    id: "TC_B_44_CSMS",
    name: "Set new NetworkConnectionProfile - Failed",
    useCases: ["B09"],
    async run(t) {
      const n = t.config.networkProfile;
      const set = await t.receive(1, "SetNetworkProfile", {
        instruction: `Request the CSMS to set network profile slot ${n.configurationSlot}`,
        payload: {
          configurationSlot: n.configurationSlot,
          connectionData: {
            ocppVersion: "OCPP20",
            ocppTransport: "JSON",
            ocppCsmsUrl: n.ocppCsmsUrl,
            messageTimeout: n.messageTimeout,
            securityProfile: t.config.securityProfile,
            ocppInterface: n.ocppInterface,
          },
        },
      });
      t.expectThat(
        1,
        "SetNetworkProfileRequest received",
        field(set.payload, "connectionData") !== undefined,
        "connectionData",
        set.payload,
      );
      await set.reply(2, { status: "Failed" });
    },
  }),
];
