/**
 * The reusable states of part 6 for a station under test (section 3.x, "System under test: Charging
 * Station"), and the checks several cases repeat, as building blocks of the TC_*_CS cases.
 */
import { type CsCase, Direction } from "../case.js";
import type { CsTest, StationCall } from "./cs-test.js";

type Body = Record<string, unknown>;

/** A TC_*_CS case: its block is read from the id. */
export function csCase(kase: Omit<CsCase, "direction" | "block">): CsCase {
  const block = /^TC_([A-Z])_/.exec(kase.id)?.[1];
  if (!block) throw new TypeError(`case id ${kase.id} does not name a block`);
  return { ...kase, block: block as CsCase["block"], direction: Direction.ChargingStation };
}

/** `a.b.c` of a payload (`a.0.b` indexes a list). */
export function field(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Body)[key];
  }
  return value;
}

/** One named check per `path: expected` of a payload: `SetVariablesResponse setVariableResult.0.attributeStatus`. */
export function expectFields(
  t: CsTest,
  step: number | string,
  message: string,
  payload: unknown,
  expected: Readonly<Record<string, unknown>>,
): void {
  for (const [path, value] of Object.entries(expected)) t.expect(step, `${message} ${path}`, field(payload, path), value);
}

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
export async function booted(t: CsTest): Promise<void> {
  await t.state("Booted", async () => {
    const since = t.mark();
    const reset = await t.send(1, "Reset", { type: "Immediate" });
    t.expect(2, "ResetResponse status", reset.status, "Accepted");
    await expectBoot(t, 3);
    const afterBoot = t.mark();
    await expectAllConnectors(t, 5, afterBoot);
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
