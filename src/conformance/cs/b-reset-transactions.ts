/**
 * Block B, Provisioning (part 6 section 2.3): TC_B_21, 22, 26, 27, 29 and 41, a Reset while a transaction
 * runs (use case B12), steps numbered as there. The session before the reset is the reusable state
 * EnergyTransferStarted; which reusable states end it depends on TxStopPoint, as `TxSession` tracks.
 */
import { Feature } from "../case.js";
import type { ConformanceConfig } from "../config.js";
import type { CsTest, StationCall } from "./cs-test.js";
import { TxSession } from "./session-states.js";
import { csCase, expectAllConnectors, expectBoot, field } from "./states.js";

type ResetType = "OnIdle" | "Immediate";

/** Steps 1-2: ResetRequest `type` (for one EVSE with `evseId`), answered `status`. */
async function reset(t: CsTest, type: ResetType, status: string, evseId?: number): Promise<void> {
  const response = await t.send(1, "Reset", { type, ...(evseId === undefined ? {} : { evseId }) });
  t.expect(2, "ResetResponse status", response.status, status);
}

/** EnergyTransferStarted on each of `evses` (Before: Reusable State(s)); the sessions, in that order. */
async function charging(t: CsTest, evses: readonly number[]): Promise<TxSession[]> {
  const sessions: TxSession[] = [];
  for (const evse of evses) {
    const s = await new TxSession(t, evse).prepare();
    await s.energyTransferStarted();
    sessions.push(s);
  }
  return sessions;
}

/**
 * The reusable states StopAuthorized, EVConnectedPostSession, EVDisconnected and ParkingBayUnoccupied
 * (TC_B_21 steps 3-6, TC_B_41 steps 3-10): each after the first is run only while the transaction has
 * not ended (part 6's notes: with a TxStopPoint met earlier the station resets at once, the EV still in).
 * `all`: run every state regardless (TC_B_26, and EVSE 1 of TC_B_41, whose steps have no such note).
 */
async function endSession(s: TxSession, all = false): Promise<void> {
  await s.stopAuthorizedRemote();
  if (all || !s.ended) await s.evConnectedPostSession();
  if (all || !s.ended) await s.evDisconnected();
  if (all || !s.ended) await s.parkingBayUnoccupied(true);
}

/** The transaction's Ended event, wherever it came during the reusable states (the reset waits for it). */
function endedEvent(t: CsTest, s: TxSession): StationCall | undefined {
  return t
    .callsSince(0, "TransactionEvent")
    .find((c) => c.payload.eventType === "Ended" && field(c.payload, "transactionInfo.transactionId") === s.transactionId);
}

/**
 * The boot after the scheduled reset (TC_B_21 step 7, TC_B_41 step 11): reason ScheduledReset, after the
 * last transaction ended; then every connector's state (step 9 / 13): Occupied where the EV is still
 * connected ("the transaction was stopped at step 3"), else Available.
 */
async function scheduledBoot(
  t: CsTest,
  sessions: readonly TxSession[],
  since: number,
  bootStep: number,
  statusStep: number,
): Promise<StationCall> {
  const last = Math.max(...sessions.map((s) => endedEvent(t, s)?.index ?? 0));
  // Wrong order: a station that resets before its last transaction ended (B12.FR.01: the reset waits for it).
  const early = t.callsSince(since, "BootNotification").find((c) => c.index < last);
  t.expectThat(bootStep, "BootNotificationRequest after the last transaction ended", early === undefined, "after", early?.payload);
  const boot = await expectBoot(t, bootStep, { since: last });
  t.expect(bootStep, "BootNotificationRequest reason", boot.payload.reason, "ScheduledReset");
  const plugged = new Set(sessions.filter((s) => s.evConnected).map((s) => s.evseId));
  await expectAllConnectors(t, statusStep, boot.index + 1, (evse) => (plugged.has(evse) ? "Occupied" : "Available"));
  return boot;
}

/** Step 3 of an Immediate reset: the TransactionEvent Ended the reset causes (B12.FR.02). */
async function endedByReset(t: CsTest, s: TxSession, idTokenOmitted: boolean): Promise<StationCall> {
  const body = await s.event(3, "the transaction ended by the reset");
  t.expect(3, "TransactionEventRequest eventType", body.eventType, "Ended");
  t.expect(3, "TransactionEventRequest triggerReason", body.triggerReason, "ResetCommand");
  t.expect(3, "TransactionEventRequest transactionInfo.chargingState", field(body, "transactionInfo.chargingState"), "EVConnected");
  t.expect(3, "TransactionEventRequest transactionInfo.stoppedReason", field(body, "transactionInfo.stoppedReason"), "ImmediateReset");
  if (idTokenOmitted) t.expect(3, "TransactionEventRequest idToken (must be omitted)", body.idToken, undefined);
  s.authorized = false;
  s.charging = false;
  return endedEvent(t, s) as StationCall;
}

const twoEvses = (config: ConformanceConfig) => (config.evses < 2 ? "needs a station with more than one EVSE (evses >= 2)" : undefined);

export const resetTransactionCsCases = [
  csCase({
    id: "TC_B_21_CS",
    name: "Reset Charging Station - With Ongoing Transaction - OnIdle",
    useCases: ["B12"],
    async run(t) {
      const [s] = (await charging(t, [t.evseId])) as [TxSession];
      const since = t.mark();
      await reset(t, "OnIdle", "Scheduled");
      await t.state("3", () => endSession(s));
      const boot = await scheduledBoot(t, [s], since, 7, 9);
      const security = await t.expectCall(11, "SecurityEventNotification", { since: boot.index });
      t.expectOneOf(11, "SecurityEventNotificationRequest type", security.payload.type, ["StartupOfTheDevice", "ResetOrReboot"]);
      await s.cleanup();
    },
  }),
  csCase({
    id: "TC_B_22_CS",
    name: "Reset Charging Station - With Ongoing Transaction - Immediate",
    useCases: ["B12"],
    async run(t) {
      const [s] = (await charging(t, [t.evseId])) as [TxSession];
      await reset(t, "Immediate", "Accepted");
      const ended = await endedByReset(t, s, true);
      const boot = await expectBoot(t, 5, { since: ended.index });
      t.expect(5, "BootNotificationRequest reason", boot.payload.reason, "RemoteReset");
      await expectAllConnectors(t, 7, boot.index + 1, (evse) => (evse === t.evseId ? "Occupied" : "Available"));
      await s.cleanup();
    },
  }),
  csCase({
    id: "TC_B_41_CS",
    name: "Reset Charging Station - With multiple ongoing transactions - OnIdle",
    useCases: ["B12"],
    requires: twoEvses,
    async run(t) {
      const sessions = await charging(t, [1, 2]);
      const since = t.mark();
      await reset(t, "OnIdle", "Scheduled");
      // Steps 3-6 for EVSE 1 (each of them: the EV leaves while EVSE 2 still charges, so the station must
      // not reset yet), 7-10 for EVSE 2 (up to the state that ends its transaction, part 6's notes).
      await t.state("3", () => endSession(sessions[0] as TxSession, true));
      await t.state("7", () => endSession(sessions[1] as TxSession));
      await scheduledBoot(t, sessions, since, 11, 13);
      for (const s of sessions) await s.cleanup();
    },
  }),
  csCase({
    id: "TC_B_26_CS",
    name: "Reset EVSE - With Ongoing Transaction - OnIdle",
    useCases: ["B12"],
    features: [Feature.B, Feature.ResetEvse],
    async run(t) {
      const [s] = (await charging(t, [t.evseId])) as [TxSession];
      await reset(t, "OnIdle", "Scheduled", t.evseId);
      await t.state("3", () => endSession(s, true));
      await s.cleanup();
    },
  }),
  csCase({
    id: "TC_B_27_CS",
    name: "Reset EVSE - With Ongoing Transaction - Immediate",
    useCases: ["B12"],
    features: [Feature.B, Feature.ResetEvse],
    async run(t) {
      const [s] = (await charging(t, [t.evseId])) as [TxSession];
      await reset(t, "Immediate", "Accepted", t.evseId);
      await endedByReset(t, s, false);
      await s.cleanup();
    },
  }),
  csCase({
    id: "TC_B_29_CS",
    name: "Reset EVSE - With ongoing transaction - Not Supported",
    useCases: ["B11"],
    withoutFeatures: [Feature.ResetEvse],
    async run(t) {
      const [s] = (await charging(t, [t.evseId])) as [TxSession];
      await reset(t, "OnIdle", "Rejected", t.evseId);
      await s.cleanup();
    },
  }),
];
