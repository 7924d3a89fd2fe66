/** Block F, Remote control (part 6 section 2.7): the TC_F_*_CS cases that need no transaction, steps numbered as there. */
import type { CsTest } from "./cs-test.js";
import { csCase, expectConnectorState, field } from "./states.js";

type Body = Record<string, unknown>;

/** Steps 1-2: TriggerMessage with `request`; the response status must be `status`. */
async function trigger(t: CsTest, request: Body, status: string): Promise<void> {
  const response = await t.send(1, "TriggerMessage", request);
  t.expect(2, "TriggerMessageResponse status", response.status, status);
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

export const remoteControlCsCases = [
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
];
