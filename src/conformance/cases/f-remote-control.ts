/** Part 6 section 3.7, F Remote Control: TC_F_*_CSMS (Tables 323-337). */
import type { CsmsCase } from "../case.js";
import type { CsmsTest, IncomingCall } from "../csms-test.js";
import { energyTransferStarted, evConnectedPreSession } from "../states.js";
import { csmsCase, expectFields, field, idTokenStatus } from "./define.js";

type Body = Record<string, unknown>;

/** Step 1 of F01/F02: the CSMS sends RequestStartTransaction for the valid idToken. */
async function remoteStart(t: CsmsTest): Promise<IncomingCall> {
  const { valid } = t.config.idTokens;
  const start = await t.receive(1, "RequestStartTransaction", {
    instruction: `Request the CSMS to start a transaction on EVSE ${t.evseId} for idToken ${valid.idToken}`,
    payload: { idToken: valid, remoteStartId: 1, evseId: t.evseId },
  });
  expectFields(t, 1, "RequestStartTransactionRequest", start.payload, { "idToken.idToken": valid.idToken, "idToken.type": valid.type });
  return start;
}

/** F02: remote start first; with `authorize` the station authorizes the idToken like a local start (AuthorizeRemoteStart true). */
async function remoteStartFirst(t: CsmsTest, authorize: boolean): Promise<number> {
  const start = await remoteStart(t);
  await start.reply(2, { status: "Accepted" });
  let step = 3;
  if (authorize) {
    const response = await t.send(3, "Authorize", { idToken: t.config.idTokens.valid });
    t.expect(4, "AuthorizeResponse idTokenInfo.status", idTokenStatus(response), "Accepted");
    step = 5;
  }
  await t.transactionEvent(step, {
    eventType: "Started",
    triggerReason: "RemoteStart",
    remoteStartId: start.payload.remoteStartId as number,
    idToken: t.config.idTokens.valid,
  });
  t.station.authorized = true;
  t.station.idToken = t.config.idTokens.valid;
  return step + 2;
}

/** F06: the CSMS sends TriggerMessage for `requestedMessage` (on the configured EVSE with `evse`); the OCTT accepts. */
async function triggered(t: CsmsTest, step: number, requestedMessage: string, evse?: Body): Promise<void> {
  const trigger = await t.receive(step, "TriggerMessage", {
    instruction: `Request the CSMS to trigger a ${requestedMessage}${evse ? ` for EVSE ${evse.id}` : ""}`,
    payload: { requestedMessage, ...(evse ? { evse } : {}) },
  });
  t.expect(step, "TriggerMessageRequest requestedMessage", trigger.payload.requestedMessage, requestedMessage);
  if (evse) t.expect(step, "TriggerMessageRequest evse.id", field(trigger.payload, "evse.id"), evse.id);
  await trigger.reply(step + 1, { status: "Accepted" });
}

const triggerCase = (id: string, name: string, requestedMessage: string, send: (t: CsmsTest) => Promise<unknown>): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["F06"],
    async run(t) {
      await triggered(t, 1, requestedMessage);
      await send(t);
    },
  });

export const remoteControlCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_F_01_CSMS",
    name: "Remote start transaction - Cable plugin first",
    useCases: ["F01"],
    async run(t) {
      await evConnectedPreSession(t);
      const start = await remoteStart(t);
      await start.reply(2, { status: "Accepted", transactionId: t.station.transaction?.id });
      await t.transactionEvent(3, {
        eventType: "Updated",
        triggerReason: "RemoteStart",
        remoteStartId: start.payload.remoteStartId as number,
      });
      t.station.authorized = true;
      await t.state("5", () => energyTransferStarted(t));
    },
  }),
  csmsCase({
    id: "TC_F_02_CSMS",
    name: "Remote start transaction - Remote start first - AuthorizeRemoteStart is true",
    useCases: ["F02"],
    async run(t) {
      const next = await remoteStartFirst(t, true);
      await t.state(`${next}`, () => energyTransferStarted(t));
    },
  }),
  csmsCase({
    id: "TC_F_03_CSMS",
    name: "Remote start transaction - Remote start first - AuthorizeRemoteStart is false",
    useCases: ["F02"],
    async run(t) {
      const next = await remoteStartFirst(t, false);
      await t.state(`${next}`, () => energyTransferStarted(t));
    },
  }),
  csmsCase({
    id: "TC_F_04_CSMS",
    name: "Remote start transaction - Remote start first - Cable plugin timeout",
    useCases: ["F02", "E03"],
    async run(t) {
      const next = await remoteStartFirst(t, false);
      await t.wait(t.config.transactionDurationS);
      await t.transactionEvent(next, { eventType: "Updated", triggerReason: "EVConnectTimeout" });
    },
  }),
  csmsCase({
    id: "TC_F_06_CSMS",
    name: "Remote unlock Connector - Without ongoing transaction - Accepted",
    useCases: ["F05"],
    async run(t) {
      const { evseId, connectorId } = t.config;
      const unlock = await t.receive(1, "UnlockConnector", {
        instruction: `Request the CSMS to unlock connector ${connectorId} of EVSE ${evseId}`,
        payload: { evseId, connectorId },
      });
      expectFields(t, 1, "UnlockConnectorRequest", unlock.payload, { evseId, connectorId });
      await unlock.reply(2, { status: "Unlocked" });
    },
  }),
  csmsCase({
    id: "TC_F_11_CSMS",
    name: "Trigger message - MeterValues - Specific EVSE",
    useCases: ["F06"],
    async run(t) {
      await triggered(t, 1, "MeterValues", { id: t.config.evseId });
      await t.send(3, "MeterValues", { evseId: t.config.evseId, meterValue: [t.meterValue(0, "Trigger")] });
    },
  }),
  triggerCase("TC_F_12_CSMS", "Trigger message - MeterValues - All EVSE", "MeterValues", async (t) => {
    for (let evseId = 1; evseId <= t.config.evses; evseId++)
      await t.send(3, "MeterValues", { evseId, meterValue: [t.meterValue(0, "Trigger")] });
  }),
  csmsCase({
    id: "TC_F_13_CSMS",
    name: "Trigger message - TransactionEvent - Specific EVSE",
    useCases: ["F06"],
    async run(t) {
      await energyTransferStarted(t);
      await triggered(t, 1, "TransactionEvent", { id: t.config.evseId });
      await t.transactionEvent(3, {
        eventType: "Updated",
        triggerReason: "Trigger",
        chargingState: "Charging",
        meterValue: [t.meterValue(1000, "Trigger")],
      });
    },
  }),
  csmsCase({
    id: "TC_F_14_CSMS",
    name: "Trigger message - TransactionEvent - All EVSE",
    useCases: ["F06"],
    async run(t) {
      await energyTransferStarted(t);
      await triggered(t, 1, "TransactionEvent");
      // For every EVSE with a transaction: here the configured one.
      await t.transactionEvent(3, {
        eventType: "Updated",
        triggerReason: "Trigger",
        chargingState: "Charging",
        meterValue: [t.meterValue(1000, "Trigger")],
      });
    },
  }),
  triggerCase("TC_F_15_CSMS", "Trigger message - LogStatusNotification - Idle", "LogStatusNotification", (t) =>
    t.send(3, "LogStatusNotification", { status: "Idle" }),
  ),
  triggerCase("TC_F_18_CSMS", "Trigger message - FirmwareStatusNotification - Idle", "FirmwareStatusNotification", (t) =>
    t.send(3, "FirmwareStatusNotification", { status: "Idle" }),
  ),
  triggerCase("TC_F_20_CSMS", "Trigger message - Heartbeat", "Heartbeat", (t) => t.send(3, "Heartbeat", {})),
  csmsCase({
    id: "TC_F_23_CSMS",
    name: "Trigger message - StatusNotification - Specific EVSE - Available",
    useCases: ["F06"],
    async run(t) {
      await triggered(t, 1, "StatusNotification", { id: t.config.evseId, connectorId: t.config.connectorId });
      await t.notifyConnector(3, "Available");
    },
  }),
  csmsCase({
    id: "TC_F_24_CSMS",
    name: "Trigger message - StatusNotification - Specific EVSE - Occupied",
    useCases: ["F06"],
    async run(t) {
      await t.notifyConnector(1, "Occupied");
      await triggered(t, 3, "StatusNotification", { id: t.config.evseId, connectorId: t.config.connectorId });
      await t.notifyConnector(5, "Occupied");
    },
  }),
  csmsCase({
    id: "TC_F_27_CSMS",
    name: "Trigger message - NotImplemented",
    useCases: ["F06"],
    async run(t) {
      const trigger = await t.receive(1, "TriggerMessage", {
        instruction: "Request the CSMS to trigger a message the station does not implement (e.g. SignV2GCertificate)",
        payload: { requestedMessage: "SignV2GCertificate" },
      });
      await trigger.reply(2, { status: "NotImplemented" });
    },
  }),
];
