/**
 * Block E, the cases that take the station offline (part 6 TC_E_16, TC_E_40, TC_E_43, TC_E_44): the tool
 * closes the connection and lets no reconnect in for a while; what the station did meanwhile must arrive
 * afterwards, each TransactionEvent with `offline: true` (E11, E12, E08).
 */
import { type CsCase, Feature } from "../case.js";
import type { IdToken } from "../config.js";
import { answerWithGroups, idTokenCached } from "./charging.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { enabled, forgetLocalAuthList, idTokenLocalAuthList } from "./local-list.js";
import { type Setting, type TxSession, withSession } from "./session-states.js";
import { csCase, field } from "./states.js";

type Body = Record<string, unknown>;

/** OfflineThreshold, RetryBackOffWaitMinimum and RetryBackOffRandomRange as the offline cases' Configuration State sets them. */
const offlineSettings = (t: CsTest): Setting[] => [
  ["OCPPCommCtrlr", "OfflineThreshold", String(t.config.retryBackOffWaitMinimumS + 60)],
  ["OCPPCommCtrlr", "RetryBackOffWaitMinimum", String(t.config.retryBackOffWaitMinimumS)],
  ["OCPPCommCtrlr", "RetryBackOffRandomRange", "0"],
];

function offlineCase(
  id: string,
  name: string,
  useCases: string[],
  settings: (t: CsTest) => Setting[],
  run: (s: TxSession, t: CsTest) => Promise<void>,
  features?: Feature[],
): CsCase {
  return csCase({
    id,
    name,
    useCases,
    ...(features ? { features } : {}),
    run: (t) => withSession(t, [...offlineSettings(t), ...settings(t)], (s) => run(s, t)),
  });
}

/** Manual actions at the station while it is offline (an idToken presented is `token`): what the tool cannot see yet. */
async function offlineActions(s: TxSession, actions: readonly [PhysicalAction, string][], token: IdToken = s.token): Promise<void> {
  for (const [action, instruction] of actions) {
    const bayAction = action === PhysicalAction.DriveIn || action === PhysicalAction.DriveOut;
    // "Drive EV into / out of parking bay": only for a station whose start or stop point is the bay.
    if (bayAction && ![...s.startPoints, ...s.stopPoints].includes("ParkingBayOccupancy")) continue;
    await s.act(action, instruction, action === PhysicalAction.PresentIdToken ? { idToken: token } : {});
    if (action === PhysicalAction.PlugIn) s.evConnected = true;
    if (action === PhysicalAction.Unplug) s.evConnected = false;
    if (action === PhysicalAction.DriveIn) s.bay = true;
    if (action === PhysicalAction.DriveOut) s.bay = false;
  }
}

/**
 * The queue emptied after the reconnect at `back` (ms since the epoch): the station's TransactionEvents
 * from `since` until `last` arrives, then a quiet second; every one made before `back` must say
 * `offline: true` (those made after it are the station's new, online ones).
 */
async function drained(
  t: CsTest,
  step: number,
  since: number,
  back: number,
  last: (p: Body) => boolean,
  describe: string,
): Promise<StationCall[]> {
  await t.expectCall(step, "TransactionEvent", { since, where: last, describe });
  await t.wait(1);
  const events = t.callsSince(since, "TransactionEvent").filter((e) => Date.parse(String(e.payload.timestamp)) < back);
  for (const event of events) t.expect(step, `TransactionEventRequest offline (seqNo ${event.payload.seqNo})`, event.payload.offline, true);
  return events;
}

const ended = (s: TxSession) => (p: Body) =>
  p.eventType === "Ended" && (s.transactionId === undefined || field(p, "transactionInfo.transactionId") === s.transactionId);

/**
 * Step `steps[0]`: "The OCTT closes the WebSocket connection AND does not accept a reconnect"; the manual
 * `actions` meanwhile (an idToken presented is `token`) and a wait of `waitS` (the station's back-off);
 * step `steps[1]` lets the station back in. Where the station's messages stood, and when (ms since the
 * epoch) it came back, for `drained`.
 */
async function offlineAndBack(
  s: TxSession,
  t: CsTest,
  steps: readonly [number | string, number | string],
  actions: readonly [PhysicalAction, string][] = [],
  options: { token?: IdToken; waitS?: number } = {},
): Promise<{ since: number; back: number }> {
  await t.goOffline(steps[0]);
  await offlineActions(s, actions, options.token);
  await t.wait(options.waitS ?? t.config.retryBackOffWaitMinimumS);
  const since = t.mark();
  const back = Date.now();
  await t.acceptReconnect(steps[1]);
  return { since, back };
}

/** TC_E_31 / 44 / 45 offline: the idToken (`instruction` says which) stops the transaction, the EV leaves. */
const stopAndLeave = (instruction: string): [PhysicalAction, string][] => [
  [PhysicalAction.PresentIdToken, instruction],
  [PhysicalAction.Unplug, "Disconnect the EV and EVSE"],
  [PhysicalAction.DriveOut, "Drive EV out of parking bay"],
];

/** TC_E_29 / 33 / 40: the queued events are the transaction's periodic Updated ones, each with meter values. */
function expectQueuedSamples(t: CsTest, step: number, events: readonly StationCall[]): void {
  for (const event of events) {
    t.expect(step, `TransactionEventRequest eventType (seqNo ${event.payload.seqNo})`, event.payload.eventType, "Updated");
    t.expectThat(
      step,
      `TransactionEventRequest meterValue (seqNo ${event.payload.seqNo})`,
      Array.isArray(event.payload.meterValue),
      "present",
      event.payload,
    );
  }
}

/**
 * TC_E_31 / 45: the idToken presented offline stopped the transaction (E08.FR.02; for TC_E_45 an
 * Accepted token of its group, C09.FR.03, known from the local list or cache): a StopAuthorized among
 * the queued events, not the unplugging alone.
 */
function expectStopAuthorized(t: CsTest, step: number, events: readonly StationCall[]): void {
  t.expectThat(
    step,
    "TransactionEventRequest triggerReason StopAuthorized",
    events.some((e) => e.payload.triggerReason === "StopAuthorized"),
    "one of the queued events",
    events.map((e) => e.payload.triggerReason),
  );
}

/** Periodic TransactionEvents while offline (TC_E_29, TC_E_33, TC_E_40): SampledDataCtrlr at the configured interval. */
const sampled = (t: CsTest): Setting[] => [
  ["SampledDataCtrlr", "TxUpdatedMeasurands", "Energy.Active.Import.Register"],
  ["SampledDataCtrlr", "TxUpdatedInterval", String(t.config.sampledIntervalS)],
  ["SampledDataCtrlr", "Enabled", "true"],
];

/**
 * TC_E_29 / TC_E_33 (E14): a transaction goes on offline; "the moment the connection is restored" the tool
 * asks GetTransactionStatus (for the transaction, or without an id): messages are queued; then the queue
 * empties, Updated events with meter values, offline.
 */
async function statusWithQueue(s: TxSession, t: CsTest, withId: boolean): Promise<void> {
  await s.energyTransferStarted();
  const { since, back } = await offlineAndBack(s, t, [1, 2]);
  const response = await t.send(3, "GetTransactionStatus", withId ? { transactionId: s.transactionId } : {});
  t.expect(4, "GetTransactionStatusResponse ongoingIndicator", response.ongoingIndicator, withId ? true : undefined);
  t.expect(4, "GetTransactionStatusResponse messagesInQueue", response.messagesInQueue, true);
  expectQueuedSamples(t, 5, await drained(t, 5, since, back, (p) => p.offline === true, "the events queued offline"));
}

/**
 * TC_E_45 Memory State: <Configured valid idtoken fields2> (validSameGroup) with <Configured GroupIdToken>
 * in the Authorization Cache and the Local Authorization List, each where the station has it enabled
 * (prerequisite: one of the two); `run`, then (not part 6) the list entry taken out again.
 */
async function withSameGroupKnownLocally(t: CsTest, run: () => Promise<void>): Promise<void> {
  const { validSameGroup, groupId } = t.config.idTokens;
  if (t.config.features.includes(Feature.AuthorizationCache) && (await enabled(t, "AuthCacheCtrlr")))
    await idTokenCached(t, validSameGroup);
  if (!(await enabled(t, "LocalAuthListCtrlr"))) return run();
  await idTokenLocalAuthList(t, validSameGroup, groupId);
  try {
    await run();
  } finally {
    await forgetLocalAuthList(t, validSameGroup).catch(() => {});
  }
}

export const offlineCsCases: CsCase[] = [
  offlineCase("TC_E_29_CS", "Check Transaction status - Transaction with id ongoing - with message in queue", ["E14"], sampled, (s, t) =>
    statusWithQueue(s, t, true),
  ),
  offlineCase(
    "TC_E_31_CS",
    "Check Transaction status - Transaction with id ended - with message in queue",
    ["E14"],
    () => [],
    async (s, t) => {
      await s.energyTransferStarted();
      const { since, back } = await offlineAndBack(
        s,
        t,
        ["Main", "Main"],
        stopAndLeave("Present the same idToken as used to start the transaction"),
        {
          waitS: Math.max(t.config.transactionDurationS, t.config.retryBackOffWaitMinimumS),
        },
      );
      s.authorized = false;
      const response = await t.send(1, "GetTransactionStatus", { transactionId: s.transactionId });
      t.expect(2, "GetTransactionStatusResponse ongoingIndicator", response.ongoingIndicator, false);
      t.expect(2, "GetTransactionStatusResponse messagesInQueue", response.messagesInQueue, true);
      expectStopAuthorized(t, 3, await drained(t, 3, since, back, ended(s), "Ended"));
      s.ended = true;
    },
  ),
  offlineCase("TC_E_33_CS", "Check Transaction status - Without transactionId - with message in queue", ["E14"], sampled, (s, t) =>
    statusWithQueue(s, t, false),
  ),
  offlineCase(
    "TC_E_16_CS",
    "Stop transaction options - Deauthorized - Invalid idToken",
    ["E06", "C15"],
    () => [
      ["TxCtrlr", "StopTxOnInvalidId", "true"],
      ["AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true"],
    ],
    async (s, t) => {
      // "The OCTT will respond to the TransactionEventRequest containing the idToken, with idTokenInfo.status Invalid."
      t.answer("TransactionEvent", (p) => (p.idToken ? { idTokenInfo: { status: "Invalid" } } : {}));
      try {
        await t.state("StartOfflineTransaction", async () => {
          await t.goOffline(1);
          await offlineActions(s, [
            [PhysicalAction.DriveIn, "Drive EV into parking bay"],
            [PhysicalAction.PresentIdToken, "Present idToken"],
            [PhysicalAction.PlugIn, "Connect the EV and EVSE"],
          ]);
          await t.wait(t.config.retryBackOffWaitMinimumS);
          await t.acceptReconnect(2);
        });
        const first = await t.expectCall(1, "TransactionEvent", { describe: "the queued events" });
        t.expect(1, "TransactionEventRequest offline", first.payload.offline, true);
        s.started = true;
        s.transactionId = String(field(first.payload, "transactionInfo.transactionId"));
        const stop = await t.expectCall(3, "TransactionEvent", { where: ended(s), describe: "Ended" });
        t.expect(3, "TransactionEventRequest triggerReason", stop.payload.triggerReason, "Deauthorized");
        t.expect(
          3,
          "TransactionEventRequest transactionInfo.stoppedReason",
          field(stop.payload, "transactionInfo.stoppedReason"),
          "DeAuthorized",
        );
        s.ended = true;
        s.authorized = false;
      } finally {
        t.answer("TransactionEvent", undefined);
      }
    },
  ),
  offlineCase("TC_E_40_CS", "Offline Behaviour - Connection loss during transaction", ["E11"], sampled, async (s, t) => {
    await s.energyTransferStarted();
    const { since, back } = await offlineAndBack(s, t, [1, 2]);
    expectQueuedSamples(t, 3, await drained(t, 3, since, back, (p) => p.offline === true, "the events queued offline"));
  }),
  offlineCase(
    "TC_E_43_CS",
    "Offline Behaviour - Transaction during offline period",
    ["E12"],
    () => [],
    async (s, t) => {
      await t.state("TransactionEventsInQueueEnded", async () => {
        await t.goOffline(1);
        await offlineActions(s, [
          [PhysicalAction.DriveIn, "Drive EV into parking bay"],
          [PhysicalAction.PlugIn, "Connect the EV and EVSE"],
          [PhysicalAction.PresentIdToken, "Present idToken"],
          [PhysicalAction.PresentIdToken, "Present the same idToken as used to start the transaction"],
          [PhysicalAction.Unplug, "Disconnect the EV and EVSE"],
          [PhysicalAction.DriveOut, "Drive EV out of parking bay"],
        ]);
        await t.wait(t.config.retryBackOffWaitMinimumS);
      });
      const since = t.mark();
      const back = Date.now();
      await t.acceptReconnect(1);
      const events = await drained(t, 2, since, back, (p) => p.eventType === "Ended", "Ended");
      t.expectThat(
        2,
        "one TransactionEventRequest eventType Started",
        events.some((e) => e.payload.eventType === "Started"),
        "present",
        events.map((e) => e.payload.eventType),
      );
    },
  ),
  offlineCase(
    "TC_E_44_CS",
    "Offline Behaviour - Stop transaction during offline period",
    ["E08"],
    () => [],
    async (s, t) => {
      await s.energyTransferStarted();
      const { since, back } = await offlineAndBack(s, t, [1, 2], stopAndLeave("Present the same idToken as used to start the transaction"));
      s.authorized = false;
      await drained(t, 3, since, back, ended(s), "Ended");
      s.ended = true;
    },
  ),
  offlineCase(
    "TC_E_45_CS",
    "Offline Behaviour - Stop transaction during offline period - Same GroupId",
    ["E08"],
    () => [],
    async (s, t) => {
      // The tool gives valid and validSameGroup <Configured GroupIdToken> (State Authorized "with <Configured GroupIdToken>").
      answerWithGroups(t);
      await withSameGroupKnownLocally(t, async () => {
        await s.energyTransferStarted();
        const { since, back } = await offlineAndBack(
          s,
          t,
          [1, 2],
          stopAndLeave("Present <Configured valid idtoken fields2> (the other idToken of the group)"),
          { token: t.config.idTokens.validSameGroup },
        );
        s.authorized = false;
        // The purpose, beyond the tool validations: the transaction "stopped by an idToken with the same groupIdToken".
        expectStopAuthorized(t, 3, await drained(t, 3, since, back, ended(s), "Ended"));
        s.ended = true;
      });
    },
    [Feature.E, Feature.GroupId],
  ),
];
