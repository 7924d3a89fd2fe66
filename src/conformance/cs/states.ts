/**
 * The reusable states of part 6 for a station under test (section 3.x, "System under test: Charging
 * Station"), and the checks several cases repeat, as building blocks of the TC_*_CS cases.
 */
import { type CsCase, Direction } from "../case.js";
import { blockOf, expectFields, field } from "../cases/define.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";

type Body = Record<string, unknown>;

/** A TC_*_CS case: its block is read from the id. */
export function csCase(kase: Omit<CsCase, "direction" | "block">): CsCase {
  return { ...kase, block: blockOf(kase.id), direction: Direction.ChargingStation };
}

export { expectFields, field };

/** `attributeStatusInfo is absent or attributeStatusInfo.reasonCode = <code>`. */
export function expectReasonAbsentOr(t: CsTest, step: number | string, check: string, result: unknown, code: string): void {
  const reason = field(result, "attributeStatusInfo.reasonCode") ?? field(result, "statusInfo.reasonCode");
  t.expectOneOf(step, check, reason, [undefined, code]);
}

/** Is this CALL the report of a connector's state: its StatusNotification, or NotifyEvent of Connector.AvailabilityState? */
function reportsConnector(call: Body, action: string, evseId: number, connectorId: number): boolean {
  if (action === "StatusNotification") return call.evseId === evseId && call.connectorId === connectorId;
  const events = (call.eventData as Body[] | undefined) ?? [];
  return events.some(
    (e) =>
      field(e, "component.name") === "Connector" &&
      field(e, "variable.name") === "AvailabilityState" &&
      field(e, "component.evse.id") === evseId &&
      (field(e, "component.evse.connectorId") ?? connectorId) === connectorId,
  );
}

/**
 * "The Charging Station notifies the CSMS about the current state of" a connector: a StatusNotification
 * with `status`, or a NotifyEvent of Connector.AvailabilityState with trigger Delta and actualValue `status`
 * (part 6 names both messages; a 2.0.1 station reports with either).
 */
export async function expectConnectorState(
  t: CsTest,
  step: number | string,
  status: string,
  evseId: number,
  connectorId: number,
  since: number,
): Promise<StationCall> {
  const call = await t.expectCall(step, ["StatusNotification", "NotifyEvent"], {
    since,
    where: (payload) =>
      reportsConnector(payload, "StatusNotification", evseId, connectorId) || reportsConnector(payload, "NotifyEvent", evseId, connectorId),
    describe: `the state of EVSE ${evseId} connector ${connectorId}`,
  });
  if (call.action === "StatusNotification") {
    t.expect(step, `StatusNotificationRequest connectorStatus (EVSE ${evseId})`, call.payload.connectorStatus, status);
  } else {
    const event = ((call.payload.eventData as Body[]) ?? []).find((e) => field(e, "component.evse.id") === evseId) ?? {};
    t.expect(step, `NotifyEventRequest eventData.trigger (EVSE ${evseId})`, event.trigger, "Delta");
    t.expect(step, `NotifyEventRequest eventData.actualValue (EVSE ${evseId})`, event.actualValue, status);
  }
  return call;
}

/** Every connector's state after a boot (post scenario validation: "received for all connectors"). */
export async function expectAllConnectors(
  t: CsTest,
  step: number | string,
  since: number,
  status: (evseId: number) => string = () => "Available",
): Promise<void> {
  for (let evse = 1; evse <= t.config.evses; evse++) await expectConnectorState(t, step, status(evse), evse, 1, since);
}

/** BootNotification, answered `status` (Accepted by default) with interval <Configured heartbeatInterval>. */
export async function expectBoot(t: CsTest, step: number | string, options: { since?: number } = {}): Promise<StationCall> {
  return t.expectCall(step, "BootNotification", options);
}

/**
 * Reusable State Booted (Table 232): the station is reset (steps 1-2, ResetRequest Immediate; part 6
 * allows a power cycle instead), boots (3-4), reports every connector (5-6) and the security event of
 * its start (7-8).
 */
export async function booted(t: CsTest, status: (evseId: number) => string = () => "Available"): Promise<void> {
  await t.state("Booted", async () => {
    const since = t.mark();
    const reset = await t.send(1, "Reset", { type: "Immediate" });
    t.expect(2, "ResetResponse status", reset.status, "Accepted");
    await expectBoot(t, 3);
    const afterBoot = t.mark();
    await expectAllConnectors(t, 5, afterBoot, status);
    const security = await t.expectCall(7, "SecurityEventNotification", { since });
    t.expectOneOf(7, "SecurityEventNotificationRequest type", security.payload.type, ["StartupOfTheDevice", "ResetOrReboot"]);
  });
}

/** A GetBaseReport's NotifyReport parts (seqNo 0, 1, … until tbc false), checked as part 6 says; their reportData. */
export async function expectReport(t: CsTest, step: number | string, requestId: number): Promise<Body[]> {
  const data: Body[] = [];
  for (let seqNo = 0; ; seqNo++) {
    const part = await t.expectCall(step, "NotifyReport", { where: (p) => p.requestId === requestId, describe: `requestId ${requestId}` });
    t.expect(step, "NotifyReportRequest requestId", part.payload.requestId, requestId);
    t.expect(step, "NotifyReportRequest seqNo", part.payload.seqNo, seqNo);
    for (const item of (part.payload.reportData as Body[] | undefined) ?? []) {
      const type = field(item, "variableCharacteristics.dataType");
      if (type === "OptionList" || type === "SequenceList" || type === "MemberList") {
        t.expectThat(
          step,
          `NotifyReportRequest valuesList of ${field(item, "component.name")}.${field(item, "variable.name")}`,
          typeof field(item, "variableCharacteristics.valuesList") === "string",
          `a valuesList for a ${type}`,
          field(item, "variableCharacteristics"),
        );
      }
      data.push(item);
    }
    if (part.payload.tbc !== true) return data;
  }
}

let lastRequestId = Math.floor(Math.random() * 100_000);
/** `<Generated requestId>` */
export function requestId(): number {
  lastRequestId = (lastRequestId + 1) % 1_000_000_000;
  return lastRequestId;
}

/** Which part of the station a ChangeAvailability addresses: all of it, the configured EVSE, or its connector. */
export type AvailabilityTarget = "station" | "evse" | "connector";

export function availabilityRequest(t: CsTest, operationalStatus: "Operative" | "Inoperative", target: AvailabilityTarget): Body {
  const evse = target === "station" ? {} : { evse: { id: t.evseId, ...(target === "connector" ? { connectorId: t.connectorId } : {}) } };
  return { operationalStatus, ...evse };
}

/** The connectors a target covers (the simulator-independent way to say "all connectors belonging to"). */
export function evsesOf(t: CsTest, target: AvailabilityTarget): number[] {
  return target === "station" ? Array.from({ length: t.config.evses }, (_, i) => i + 1) : [t.evseId];
}

/**
 * ChangeAvailability `operationalStatus` for `target`, Accepted, then the state of every connector of the
 * target: the Reusable State Unavailable (Table 234) with Inoperative, its way back with Operative.
 */
export async function changeAvailability(
  t: CsTest,
  operationalStatus: "Operative" | "Inoperative",
  target: AvailabilityTarget,
  steps: [number | string, number | string] = [1, 3],
): Promise<void> {
  const since = t.mark();
  const response = await t.send(steps[0], "ChangeAvailability", availabilityRequest(t, operationalStatus, target));
  t.expect(steps[0] === 1 ? 2 : steps[0], "ChangeAvailabilityResponse status", response.status, "Accepted");
  const status = operationalStatus === "Inoperative" ? "Unavailable" : "Available";
  for (const evse of evsesOf(t, target))
    await expectConnectorState(t, steps[1], status, evse, evse === t.evseId ? t.connectorId : 1, since);
}

/** Reusable State Unavailable (Table 234) for `target`. */
export function unavailable(t: CsTest, target: AvailabilityTarget): Promise<void> {
  return t.state("Unavailable", () => changeAvailability(t, "Inoperative", target));
}

/**
 * Reusable State EVConnectedPreSession (Table 236): "Manual Action: Connect the EV and EVSE"; the connector
 * reports Occupied, and where TxStartPoint contains EVConnected (or ParkingBayOccupancy) a TransactionEvent
 * follows. The station's TxStartPoint is read first with GetVariables (the OCTT has it configured).
 */
export async function evConnectedPreSession(t: CsTest): Promise<void> {
  await t.state("EVConnectedPreSession", async () => {
    const read = await t.send("TxStartPoint", "GetVariables", {
      getVariableData: [{ component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" } }],
    });
    const points = String(field(read, "getVariableResult.0.attributeValue") ?? "").split(",");
    const since = t.mark();
    await t.act("Manual Action", PhysicalAction.PlugIn, "Connect the EV and EVSE", { evseId: t.evseId, connectorId: t.connectorId });
    await expectConnectorState(t, 1, "Occupied", t.evseId, t.connectorId, since);
    if (points.includes("EVConnected") || points.includes("ParkingBayOccupancy")) {
      const event = await t.expectCall(3, "TransactionEvent", { since });
      t.expectOneOf(3, "TransactionEventRequest triggerReason", event.payload.triggerReason, [
        "CablePluggedIn",
        "ChargingStateChanged",
        "RemoteStart",
      ]);
      t.expect(3, "TransactionEventRequest evse.id", field(event.payload, "evse.id"), t.evseId);
    }
  });
}

/** "Manual Action: Disconnect the EV and EVSE": the connector reports Available. */
export async function evDisconnected(t: CsTest, step: number | string): Promise<void> {
  const since = t.mark();
  await t.act("Manual Action", PhysicalAction.Unplug, "Disconnect the EV and EVSE", { evseId: t.evseId, connectorId: t.connectorId });
  await expectConnectorState(t, step, "Available", t.evseId, t.connectorId, since);
}
