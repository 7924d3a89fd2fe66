/** Block F, Remote control (part 6 section 2.7): the TC_F_*_CS cases that need no transaction, steps numbered as there. */
import { randomUUID } from "node:crypto";
import type { CsTest } from "./cs-test.js";
import { connectionTimeout } from "./e-transactions.js";
import { TxSession, withSession } from "./session-states.js";
import { csCase, expectConnectorState, field } from "./states.js";

type Body = Record<string, unknown>;

/** Steps 1-2: TriggerMessage with `request`; the response status must be `status`. */
async function trigger(t: CsTest, request: Body, status: string, step = 1): Promise<void> {
  const response = await t.send(step, "TriggerMessage", request);
  t.expect(step + 1, "TriggerMessageResponse status", response.status, status);
}

const unlock = (id: string, name: string, connectorId: (t: CsTest) => number, status: string) =>
  csCase({
    id,
    name,
    useCases: ["F05"],
    async run(t) {
      const response = await t.send(1, "UnlockConnector", { evseId: t.evseId, connectorId: connectorId(t) });
      t.expect(2, "UnlockConnectorResponse status", response.status, status);
    },
  });

/** A remote start, then energy (TC_F_01-03): `settings` as the case's Configuration State. */
const remoteStart = (id: string, name: string, pluginFirst: boolean, authorizeRemoteStart?: boolean) =>
  csCase({
    id,
    name,
    useCases: ["F01", "F02"],
    run: (t) =>
      withSession(
        t,
        authorizeRemoteStart === undefined ? [] : [["AuthCtrlr", "AuthorizeRemoteStart", String(authorizeRemoteStart)]],
        async (s) => {
          if (pluginFirst) await s.evConnectedPreSession();
          await t.state("1", () => s.authorizedRemote());
          await t.state("2", () => s.energyTransferStarted());
        },
      ),
  });

/** TriggerMessage TransactionEvent (F06): the Updated event of `evseId`'s transaction, triggerReason Trigger. */
async function expectTriggeredEvent(t: CsTest, s: TxSession, since: number): Promise<void> {
  const event = await t.expectCall(3, "TransactionEvent", {
    since,
    where: (p) => p.triggerReason === "Trigger" && field(p, "transactionInfo.transactionId") === s.transactionId,
    describe: `triggerReason Trigger, EVSE ${s.evseId}`,
  });
  t.expectOneOf(3, "TransactionEventRequest evse.id", field(event.payload, "evse.id"), [undefined, s.evseId]);
  t.expect(3, "TransactionEventRequest transactionInfo.chargingState", field(event.payload, "transactionInfo.chargingState"), "Charging");
  t.expect(
    3,
    "TransactionEventRequest meterValue[0].sampledValue[0].context",
    field(event.payload, "meterValue.0.sampledValue.0.context"),
    "Trigger",
  );
}

/** TC_F_nn's number, for part 6's order. */
const numberOf = (kase: { id: string }) => Number(kase.id.split("_")[2]);

export const remoteControlCsCases = [
  remoteStart("TC_F_01_CS", "Remote start transaction - Cable plugin first", true),
  remoteStart("TC_F_02_CS", "Remote start transaction - Remote start first - AuthorizeRemoteStart is true", false, true),
  remoteStart("TC_F_03_CS", "Remote start transaction - Remote start first - AuthorizeRemoteStart is false", false, false),
  // TxStartPoint Authorized: part 6 lets it be ParkingBayOccupancy OR Authorized.
  csCase({
    id: "TC_F_04_CS",
    name: "Remote start transaction - Remote start first - Cable plugin timeout",
    useCases: ["F01", "F02"],
    run: (t) =>
      withSession(
        t,
        [
          ["TxCtrlr", "EVConnectionTimeOut", String(t.config.evConnectionTimeoutS)],
          ["TxCtrlr", "TxStartPoint", "Authorized"],
        ],
        async (s) => {
          await s.authorizedRemote();
          await connectionTimeout(s, t);
          s.started = false;
          s.ended = false;
          s.transactionId = undefined;
          await t.state("3", () => s.authorizedRemote());
        },
      ),
  }),
  csCase({
    id: "TC_F_05_CS",
    name: "Remote unlock Connector - With ongoing transaction",
    useCases: ["F05"],
    run: (t) =>
      withSession(t, [], async (s) => {
        await s.energyTransferStarted();
        const response = await t.send(1, "UnlockConnector", { evseId: t.evseId, connectorId: t.connectorId });
        t.expect(2, "UnlockConnectorResponse status", response.status, "OngoingAuthorizedTransaction");
      }),
  }),
  csCase({
    id: "TC_F_08_CS",
    name: "Remote stop transaction - Success",
    useCases: ["F03"],
    run: (t) =>
      withSession(t, [], async (s) => {
        await s.energyTransferStarted();
        await t.state("1", async () => {
          await s.stopAuthorizedRemote();
        });
      }),
  }),
  csCase({
    id: "TC_F_09_CS",
    name: "Remote stop transaction - Rejected",
    useCases: ["F03"],
    run: (t) =>
      withSession(t, [], async (s) => {
        await s.energyTransferStarted();
        const response = await t.send(1, "RequestStopTransaction", { transactionId: randomUUID() });
        t.expect(2, "RequestStopTransactionResponse status", response.status, "Rejected");
      }),
  }),
  csCase({
    id: "TC_F_13_CS",
    name: "Trigger message - TransactionEvent - Specific EVSE",
    useCases: ["F06"],
    run: (t) =>
      withSession(t, [], async (s) => {
        await s.energyTransferStarted();
        const since = t.mark();
        await trigger(t, { requestedMessage: "TransactionEvent", evse: { id: t.evseId } }, "Accepted");
        await expectTriggeredEvent(t, s, since);
      }),
  }),
  csCase({
    id: "TC_F_14_CS",
    name: "Trigger message - TransactionEvent - All EVSE",
    useCases: ["F06"],
    async run(t) {
      const sessions: TxSession[] = [];
      for (let evse = 1; evse <= t.config.evses; evse++) {
        const s = await new TxSession(t, evse).prepare();
        await s.energyTransferStarted();
        sessions.push(s);
      }
      const since = t.mark();
      await trigger(t, { requestedMessage: "TransactionEvent" }, "Accepted");
      for (const s of sessions) await expectTriggeredEvent(t, s, since);
      for (const s of sessions) await s.cleanup();
    },
  }),
  csCase({
    id: "TC_F_15_CS",
    name: "Trigger message - LogStatusNotification - Idle",
    useCases: ["F06"],
    async run(t) {
      await trigger(t, { requestedMessage: "LogStatusNotification" }, "Accepted");
      const status = await t.expectCall(3, "LogStatusNotification");
      t.expect(3, "LogStatusNotificationRequest status", status.payload.status, "Idle");
    },
  }),
  csCase({
    id: "TC_F_16_CS",
    name: "Trigger message - LogStatusNotification - Uploading",
    useCases: ["F06", "N01"],
    async run(t) {
      // The upload must still be under way at step 7: <Configured log_location> is a server that takes its time.
      const requestId = Math.floor(Math.random() * 1_000_000);
      const getLog = await t.send(1, "GetLog", {
        logType: "DiagnosticsLog",
        requestId,
        log: { remoteLocation: t.config.logRemoteLocation },
      });
      t.expect(2, "GetLogResponse status", getLog.status, "Accepted");
      const uploading = await t.expectCall(3, "LogStatusNotification");
      t.expect(3, "LogStatusNotificationRequest status", uploading.payload.status, "Uploading");
      await trigger(t, { requestedMessage: "LogStatusNotification" }, "Accepted", 5);
      const again = await t.expectCall(7, "LogStatusNotification");
      t.expect(7, "LogStatusNotificationRequest status", again.payload.status, "Uploading");
    },
  }),
  csCase({
    id: "TC_F_19_CS",
    name: "Trigger message - FirmwareStatusNotification - Downloading",
    useCases: ["F06", "L01"],
    async run(t) {
      // The download must still be under way at step 7: <Configured firmware_location> is a server that takes its time.
      const { location, signingCertificate, signature } = t.config.firmware;
      const retrieveDateTime = new Date(Date.now() - 2 * 3600_000).toISOString();
      const update = await t.send(1, "UpdateFirmware", {
        requestId: Math.floor(Math.random() * 1_000_000),
        firmware: { location, retrieveDateTime, signingCertificate, signature },
      });
      t.expect(2, "UpdateFirmwareResponse status", update.status, "Accepted");
      const downloading = await t.expectCall(3, "FirmwareStatusNotification");
      t.expect(3, "FirmwareStatusNotificationRequest status", downloading.payload.status, "Downloading");
      await trigger(t, { requestedMessage: "FirmwareStatusNotification" }, "Accepted", 5);
      const again = await t.expectCall(7, "FirmwareStatusNotification");
      t.expect(7, "FirmwareStatusNotificationRequest status", again.payload.status, "Downloading");
    },
  }),
  csCase({
    id: "TC_F_24_CS",
    name: "Trigger message - StatusNotification - Specific EVSE - Occupied",
    useCases: ["F06"],
    run: (t) =>
      withSession(t, [], async (s) => {
        await s.evConnectedPreSession();
        const since = t.mark();
        await trigger(t, { requestedMessage: "StatusNotification", evse: { id: t.evseId, connectorId: t.connectorId } }, "Accepted");
        await expectConnectorState(t, 3, "Occupied", t.evseId, t.connectorId, since);
      }),
  }),
  unlock("TC_F_06_CS", "Remote unlock Connector - Without ongoing transaction - Accepted", (t) => t.connectorId, "Unlocked"),
  unlock("TC_F_07_CS", "Remote unlock Connector - Without ongoing transaction - No cable connected", (t) => t.connectorId, "Unlocked"),
  unlock("TC_F_10_CS", "Remote unlock Connector - Without ongoing transaction - UnknownConnector", () => 999, "UnknownConnector"),
  csCase({
    id: "TC_F_11_CS",
    name: "Trigger message - MeterValues - Specific EVSE",
    useCases: ["F06"],
    async run(t) {
      await trigger(t, { requestedMessage: "MeterValues", evse: { id: t.evseId } }, "Accepted");
      const meter = await t.expectCall(3, "MeterValues");
      t.expect(3, "MeterValuesRequest evseId", meter.payload.evseId, t.evseId);
      t.expect(
        3,
        "MeterValuesRequest meterValue[0].sampledValue[0].context",
        field(meter.payload, "meterValue.0.sampledValue.0.context"),
        "Trigger",
      );
    },
  }),
  csCase({
    id: "TC_F_12_CS",
    name: "Trigger message - MeterValues - All EVSE",
    useCases: ["F06"],
    async run(t) {
      const since = t.mark();
      await trigger(t, { requestedMessage: "MeterValues" }, "Accepted");
      for (let evse = 1; evse <= t.config.evses; evse++) {
        const meter = await t.expectCall(3, "MeterValues", { since, where: (p) => p.evseId === evse, describe: `EVSE ${evse}` });
        t.expect(
          3,
          `MeterValuesRequest meterValue[0].sampledValue[0].context (EVSE ${evse})`,
          field(meter.payload, "meterValue.0.sampledValue.0.context"),
          "Trigger",
        );
      }
    },
  }),
  ...(
    [
      ["TC_F_17_CS", "Trigger message - FirmwareStatusNotification - Specific EVSE not relevant", true],
      ["TC_F_18_CS", "Trigger message - FirmwareStatusNotification - Idle", false],
    ] as const
  ).map(([id, name, withEvse]) =>
    csCase({
      id,
      name,
      useCases: ["F06"],
      async run(t) {
        await trigger(t, { requestedMessage: "FirmwareStatusNotification", ...(withEvse ? { evse: { id: t.evseId } } : {}) }, "Accepted");
        const status = await t.expectCall(3, "FirmwareStatusNotification");
        t.expect(3, "FirmwareStatusNotificationRequest status", status.payload.status, "Idle");
      },
    }),
  ),
  csCase({
    id: "TC_F_20_CS",
    name: "Trigger message - Heartbeat",
    useCases: ["F06"],
    async run(t) {
      await trigger(t, { requestedMessage: "Heartbeat" }, "Accepted");
      await t.expectCall(3, "Heartbeat");
    },
  }),
  csCase({
    id: "TC_F_23_CS",
    name: "Trigger message - StatusNotification - Specific EVSE - Available",
    useCases: ["F06"],
    async run(t) {
      const since = t.mark();
      await trigger(t, { requestedMessage: "StatusNotification", evse: { id: t.evseId, connectorId: t.connectorId } }, "Accepted");
      await expectConnectorState(t, 3, "Available", t.evseId, t.connectorId, since);
    },
  }),
  csCase({
    id: "TC_F_26_CS",
    name: "Trigger message - BootNotification - Rejected",
    useCases: ["F06"],
    run: (t) => trigger(t, { requestedMessage: "BootNotification" }, "Rejected"),
  }),
  csCase({
    id: "TC_F_27_CS",
    name: "Trigger message - NotImplemented",
    useCases: ["F06"],
    run: (t) => trigger(t, { requestedMessage: "SignCombinedCertificate" }, "NotImplemented"),
  }),
].sort((a, b) => numberOf(a) - numberOf(b));
