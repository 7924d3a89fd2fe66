/** Part 6 section 3.8, G Availability: TC_G_*_CSMS (Tables 338-347). */
import type { CsmsCase } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import { energyTransferStarted, evConnectedPostSession, evDisconnected, notifyConnectors, stopAuthorized, unavailable } from "../states.js";
import { csmsCase } from "./define.js";

type Evse = { id: number; connectorId?: number } | undefined;

/** Steps 1-2: the CSMS sends ChangeAvailability for `evse` (the station when undefined); the OCTT answers `status`. */
async function changeAvailability(
  t: CsmsTest,
  operationalStatus: "Operative" | "Inoperative",
  evse: Evse,
  status: "Accepted" | "Scheduled",
): Promise<void> {
  const what =
    evse === undefined
      ? "the Charging Station"
      : evse.connectorId === undefined
        ? `EVSE ${evse.id}`
        : `connector ${evse.connectorId} of EVSE ${evse.id}`;
  const change = await t.receive(1, "ChangeAvailability", {
    instruction: `Request the CSMS to change the availability of ${what} to ${operationalStatus}`,
    payload: { operationalStatus, ...(evse ? { evse } : {}) },
  });
  t.expect(1, "ChangeAvailabilityRequest operationalStatus", change.payload.operationalStatus, operationalStatus);
  t.expect(1, "ChangeAvailabilityRequest evse", change.payload.evse, evse);
  await change.reply(2, { status });
}

/** G03/G04 with a transaction: Scheduled, the transaction ends (steps `first`..`first + 2`), then Unavailable. */
async function endTransaction(t: CsmsTest, first: number): Promise<void> {
  await t.wait(t.config.transactionDurationS);
  await t.state(`${first}`, () => stopAuthorized(t));
  await t.state(`${first + 1}`, () => evConnectedPostSession(t));
  await t.state(`${first + 2}`, () => evDisconnected(t));
}

export const availabilityCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_G_03_CSMS",
    name: "Change Availability EVSE - Operative to inoperative",
    useCases: ["G03"],
    run: (t) => unavailable(t, t.config.evseId),
  }),
  csmsCase({
    id: "TC_G_04_CSMS",
    name: "Change Availability EVSE - Inoperative to operative",
    useCases: ["G03"],
    async run(t) {
      await unavailable(t, t.config.evseId);
      await changeAvailability(t, "Operative", { id: t.config.evseId }, "Accepted");
      await notifyConnectors(t, 3, "Available", t.config.evseId);
    },
  }),
  csmsCase({
    id: "TC_G_05_CSMS",
    name: "Change Availability Charging Station - Operative to inoperative",
    useCases: ["G04"],
    async run(t) {
      await changeAvailability(t, "Inoperative", undefined, "Accepted");
      await notifyConnectors(t, 3, "Unavailable");
    },
  }),
  csmsCase({
    id: "TC_G_06_CSMS",
    name: "Change Availability Charging Station - Inoperative to operative",
    useCases: ["G04"],
    async run(t) {
      await unavailable(t, undefined);
      await changeAvailability(t, "Operative", undefined, "Accepted");
      await notifyConnectors(t, 3, "Available");
    },
  }),
  csmsCase({
    id: "TC_G_07_CSMS",
    name: "Change Availability Connector - Operative to inoperative",
    useCases: ["G03"],
    async run(t) {
      await changeAvailability(t, "Inoperative", { id: t.config.evseId, connectorId: t.config.connectorId }, "Accepted");
      await t.notifyConnector(3, "Unavailable");
    },
  }),
  csmsCase({
    id: "TC_G_08_CSMS",
    name: "Change Availability Connector - Inoperative to operative",
    useCases: ["G03"],
    async run(t) {
      await unavailable(t, t.config.evseId, t.config.connectorId);
      await changeAvailability(t, "Operative", { id: t.config.evseId, connectorId: t.config.connectorId }, "Accepted");
      await t.notifyConnector(3, "Available");
    },
  }),
  csmsCase({
    id: "TC_G_11_CSMS",
    name: "Change Availability EVSE - With ongoing transaction",
    useCases: ["G03"],
    async run(t) {
      await energyTransferStarted(t);
      await changeAvailability(t, "Inoperative", { id: t.config.evseId }, "Scheduled");
      await endTransaction(t, 3);
      await notifyConnectors(t, 6, "Unavailable", t.config.evseId);
    },
  }),
  csmsCase({
    id: "TC_G_14_CSMS",
    name: "Change Availability Charging Station - With ongoing transaction",
    useCases: ["G04"],
    async run(t) {
      await energyTransferStarted(t);
      await changeAvailability(t, "Inoperative", undefined, "Scheduled");
      for (let evse = 1; evse <= t.config.evses; evse++) if (evse !== t.config.evseId) await notifyConnectors(t, 3, "Unavailable", evse);
      await endTransaction(t, 5);
      await t.notifyConnector(8, "Unavailable");
    },
  }),
  csmsCase({
    id: "TC_G_17_CSMS",
    name: "Change Availability Connector - With ongoing transaction",
    useCases: ["G03"],
    async run(t) {
      await energyTransferStarted(t);
      await changeAvailability(t, "Inoperative", { id: t.config.evseId, connectorId: t.config.connectorId }, "Scheduled");
      await endTransaction(t, 3);
      await t.notifyConnector(6, "Unavailable");
    },
  }),
  csmsCase({
    id: "TC_G_20_CSMS",
    name: "Connector status Notification - Lock Failure",
    useCases: ["G05"],
    async run(t) {
      await t.send(1, "NotifyEvent", {
        generatedAt: t.now(),
        seqNo: 0,
        tbc: false,
        eventData: [
          {
            eventId: 1,
            timestamp: t.now(),
            trigger: "Delta",
            actualValue: "true",
            eventNotificationType: "HardWiredNotification",
            component: { name: "ConnectorPlugRetentionLock", evse: { id: t.config.evseId, connectorId: t.config.connectorId } },
            variable: { name: "Problem" },
          },
        ],
      });
    },
  }),
];
