/**
 * Block C with the station offline (part 6 TC_C_15-18, C12 "Authorization through authorization cache";
 * TC_C_26, C15 "Offline Authorization - Unknown Id"): the tool closes the connection and holds the
 * reconnect (as block E's offline cases do), an idToken is presented meanwhile, and the TransactionEvent
 * carrying it, queued, is answered Invalid once the station is back. What the station does then is set by
 * TxCtrlr.StopTxOnInvalidId and TxCtrlr.MaxEnergyOnInvalidId (E05; part 6 names C12_FR_02 and C12_FR_04 for
 * TC_C_15-18, C15.FR.02, 06, 08 and C13.FR.04 for TC_C_26; part 2's texts are not in the reference): stop the
 * transaction (Deauthorized), withhold the energy (SuspendedEVSE), or go on charging up to MaxEnergyOnInvalidId.
 */
import { type CsCase, Feature } from "../case.js";
import { authorizedTrigger, idTokenCached, presentIdToken, type Setting, txStartPoints, withSettings } from "./charging.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { csCase, evConnectedPreSession, expectFields, field } from "./states.js";

type Body = Record<string, unknown>;

/** What the station does once the queued TransactionEvent with the idToken is answered Invalid. */
type Reaction = "Deauthorized" | "SuspendedEVSE" | "ChargesOn";

interface InvalidatedOffline {
  readonly id: string;
  readonly name: string;
  readonly stopTxOnInvalidId: boolean;
  readonly maxEnergyOnInvalidId: number;
  /**
   * TC_C_15/18 set the back-off (RetryBackOffWaitMinimum, OfflineThreshold) and keep the station offline
   * <Configured Transaction Duration>; TC_C_16/17 set neither and wait 5 seconds.
   */
  readonly backOff: boolean;
  /** AuthCtrlr variables its Configuration State does not set (TC_C_16: OfflineTxForUnknownIdEnabled, TC_C_17: LocalAuthorizeOffline). */
  readonly leavesOut?: readonly string[];
  /** The event of the authorization is required (TC_C_17), not "(optional)". */
  readonly authorizedRequired?: boolean;
  /** The step whose validations are about the queued TransactionEvents (part 6 numbers it 2 or 3). */
  readonly queuedStep: number;
  readonly reaction: Reaction;
  readonly reactionStep: number;
}

/**
 * TC_C_15-18: Memory State IdTokenCached, EVConnectedPreSession, then offline: "Present valid idToken which
 * is already configured in the Authorization Cache" (LocalAuthorizeOffline: the cache lets it charge); back
 * online the queue empties and the tool answers the event with the idToken Invalid.
 */
function invalidatedOffline(row: InvalidatedOffline): CsCase {
  return csCase({
    id: row.id,
    name: row.name,
    useCases: ["C12"],
    features: [Feature.C, Feature.AuthorizationCache],
    async run(t) {
      const valid = t.config.idTokens.valid;
      await idTokenCached(t, valid);
      const settings: Setting[] = [
        ["AuthCacheCtrlr", "Enabled", "true"],
        ["AuthCtrlr", "LocalPreAuthorize", "true"],
        ...authorizeOffline.filter(([, variable]) => !row.leavesOut?.includes(variable)),
        ["TxCtrlr", "StopTxOnInvalidId", String(row.stopTxOnInvalidId)],
        ["TxCtrlr", "MaxEnergyOnInvalidId", String(row.maxEnergyOnInvalidId)],
        ...(row.backOff ? backOffSettings(t) : []),
      ];
      // "(If implemented)"; MaxEnergyOnInvalidId 0 too: a station without it delivers nothing on an invalid idToken.
      const ifImplemented = ["AuthCacheCtrlr.Enabled", "AuthCtrlr.LocalPreAuthorize", "AuthCtrlr.OfflineTxForUnknownIdEnabled"];
      if (row.maxEnergyOnInvalidId === 0) ifImplemented.push("TxCtrlr.MaxEnergyOnInvalidId");
      await withSettings(
        t,
        settings,
        async () => {
          await evConnectedPreSession(t);
          await answeredInvalid(t, async () => {
            await t.goOffline(1);
            await presentIdToken(t, "Manual Action", valid, "Present valid idToken which is already configured in the Authorization Cache");
            await t.wait(row.backOff ? t.config.transactionDurationS : 5);
            const online = await reconnected(t, 2);
            const { queued, answered } = await emptiedQueue(t, online, row.queuedStep);
            const step = row.queuedStep;
            expectFields(t, step, "TransactionEventRequest", answered.payload, {
              "idToken.idToken": valid.idToken,
              "idToken.type": valid.type,
            });
            for (const event of queued)
              t.expect(step, `TransactionEventRequest offline (seqNo ${event.payload.seqNo})`, event.payload.offline, true);
            if (row.authorizedRequired) {
              // Not optional in TC_C_17: the authorization's own event (its triggerReason as the start point makes it, Table 237).
              const trigger = authorizedTrigger(await txStartPoints(t), true);
              t.expect(step, "TransactionEventRequest triggerReason (with the idToken)", answered.payload.triggerReason, trigger);
              t.expect(step, "TransactionEventRequest offline (with the idToken)", answered.payload.offline, true);
            } else {
              t.expectThat(
                step,
                "a queued TransactionEventRequest with triggerReason ChargingStateChanged, offline true",
                queued.some((e) => e.payload.triggerReason === "ChargingStateChanged" && e.payload.offline === true),
                "present",
                queued.map((e) => e.payload.triggerReason),
              );
            }
            await expectReaction(t, row, online.since, answered);
          });
        },
        ifImplemented,
      );
    },
  });
}

/** What lets the cached idToken charge offline (LocalAuthorizeOffline) and an unknown one (OfflineTxForUnknownIdEnabled, C15). */
const authorizeOffline: Setting[] = [
  ["AuthCtrlr", "LocalAuthorizeOffline", "true"],
  ["AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true"],
];

/** OfflineThreshold, RetryBackOffWaitMinimum and RetryBackOffRandomRange as TC_C_15/18 set them. */
const backOffSettings = (t: CsTest): Setting[] => [
  ["OCPPCommCtrlr", "OfflineThreshold", String(t.config.retryBackOffWaitMinimumS + 60)],
  ["OCPPCommCtrlr", "RetryBackOffWaitMinimum", String(t.config.retryBackOffWaitMinimumS)],
  ["OCPPCommCtrlr", "RetryBackOffRandomRange", "0"],
];

/**
 * "The OCTT will respond to the TransactionEventRequest containing the idToken, with idTokenInfo.status
 * Invalid" while `body` runs; then (not part 6) the station's cache, which took that answer (C10.FR.05),
 * is cleared for the next case, and the tool answers as before.
 */
async function answeredInvalid(t: CsTest, body: () => Promise<void>): Promise<void> {
  t.answer("TransactionEvent", (p) => (p.idToken ? { idTokenInfo: { status: "Invalid" } } : {}));
  try {
    await body();
  } finally {
    t.answer("TransactionEvent", undefined);
  }
  await t.send("after", "ClearCache", {});
}

/** Where the station was let back in: its messages from `since` on; those made before `back` (ms since the epoch) were queued offline. */
interface Reconnected {
  readonly since: number;
  readonly back: number;
}

/** Step `step`: "The OCTT accepts reconnection attempt from the Charging Station." */
async function reconnected(t: CsTest, step: number): Promise<Reconnected> {
  const since = t.mark();
  const back = Date.now();
  await t.acceptReconnect(step);
  return { since, back };
}

/** Step `step`: the queue empties: the event with the idToken (the one answered Invalid), and every event made offline. */
async function emptiedQueue(
  t: CsTest,
  { since, back }: Reconnected,
  step: number,
): Promise<{ queued: StationCall[]; answered: StationCall }> {
  const answered = await t.expectCall(step, "TransactionEvent", {
    since,
    where: (p) => p.idToken !== undefined,
    describe: "with the idToken",
  });
  const queued = t.callsSince(since, "TransactionEvent").filter((e) => Date.parse(String(e.payload.timestamp)) < back);
  return { queued, answered };
}

/** The station's events of the answered transaction after the answered one (the queue sends in seqNo order, E04). */
const after = (answered: StationCall) => (p: Body) =>
  field(p, "transactionInfo.transactionId") === field(answered.payload, "transactionInfo.transactionId") &&
  Number(p.seqNo) > Number(answered.payload.seqNo);

async function expectReaction(t: CsTest, row: InvalidatedOffline, since: number, answered: StationCall): Promise<void> {
  const step = row.reactionStep;
  const later = after(answered);
  if (row.reaction === "Deauthorized") {
    // StopTxOnInvalidId true: the transaction is deauthorized at once, MaxEnergyOnInvalidId or not (TC_C_18: "Energyflow stops").
    const event = await t.expectCall(step, "TransactionEvent", {
      since,
      where: (p) => later(p) && p.triggerReason === "Deauthorized",
      describe: "triggerReason Deauthorized",
    });
    if (row.id === "TC_C_18_CS") t.expectOneOf(step, "TransactionEventRequest offline", event.payload.offline, [false, undefined]);
    return;
  }
  if (row.reaction === "SuspendedEVSE") {
    // StopTxOnInvalidId false, MaxEnergyOnInvalidId 0: the energy stops, the transaction goes on.
    await t.expectCall(step, "TransactionEvent", {
      since,
      where: (p) => later(p) && field(p, "transactionInfo.chargingState") === "SuspendedEVSE",
      describe: "chargingState SuspendedEVSE after the Invalid answer",
    });
    const wrong = t.callsSince(since, "TransactionEvent").find((e) => e.payload.triggerReason === "SuspendedEVSE");
    t.expectThat(step, "no TransactionEventRequest with triggerReason SuspendedEVSE", wrong === undefined, "none", wrong?.payload);
    return;
  }
  // MaxEnergyOnInvalidId above 0 and StopTxOnInvalidId false: charging goes on (until that energy is delivered); the
  // OCTT waits <Configured message timeout>. A Started event at PowerPathClosed may say SuspendedEVSE before the answer.
  await t.wait(t.config.responseTimeoutS);
  const stopped = t
    .callsSince(since, "TransactionEvent")
    .find(
      (e) =>
        later(e.payload) &&
        (e.payload.triggerReason === "Deauthorized" || field(e.payload, "transactionInfo.chargingState") === "SuspendedEVSE"),
    );
  t.expectThat(
    step,
    "no TransactionEventRequest with triggerReason Deauthorized or chargingState SuspendedEVSE",
    stopped === undefined,
    "none",
    stopped?.payload,
  );
}

export const offlineAuthorizationCsCases: CsCase[] = [
  invalidatedOffline({
    id: "TC_C_15_CS",
    name: "Authorization through authorization cache - StopTxOnInvalidId = false, MaxEnergyOnInvalidId > 0",
    stopTxOnInvalidId: false,
    maxEnergyOnInvalidId: 500,
    backOff: true,
    queuedStep: 2,
    reaction: "ChargesOn",
    reactionStep: 2,
  }),
  invalidatedOffline({
    id: "TC_C_16_CS",
    name: "Authorization through authorization cache - StopTxOnInvalidId = true",
    stopTxOnInvalidId: true,
    maxEnergyOnInvalidId: 0,
    backOff: false,
    leavesOut: ["OfflineTxForUnknownIdEnabled"],
    queuedStep: 3,
    reaction: "Deauthorized",
    reactionStep: 3,
  }),
  invalidatedOffline({
    id: "TC_C_17_CS",
    name: "Authorization through authorization cache - StopTxOnInvalidId = false",
    stopTxOnInvalidId: false,
    maxEnergyOnInvalidId: 0,
    backOff: false,
    leavesOut: ["LocalAuthorizeOffline"],
    authorizedRequired: true,
    queuedStep: 2,
    reaction: "SuspendedEVSE",
    reactionStep: 2,
  }),
  invalidatedOffline({
    id: "TC_C_18_CS",
    name: "Authorization through authorization cache - StopTxOnInvalidId = true, MaxEnergyOnInvalidId > 0",
    stopTxOnInvalidId: true,
    maxEnergyOnInvalidId: 500,
    backOff: true,
    queuedStep: 3,
    reaction: "Deauthorized",
    reactionStep: 5,
  }),
  csCase({
    id: "TC_C_26_CS",
    name: "Offline Authorization - Unknown Id",
    useCases: ["C15", "C13"],
    async run(t) {
      const valid = t.config.idTokens.valid;
      // Not part 6: the idToken must be unknown to the station (C15 is about unknown idTokens); an earlier case may have cached it.
      await t.send("Before", "ClearCache", {});
      const settings: Setting[] = [
        ["LocalAuthListCtrlr", "Enabled", "true"],
        ["AuthCtrlr", "LocalPreAuthorize", "true"],
        ["AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true"],
        ["AuthCtrlr", "LocalAuthorizeOffline", "true"],
        ["TxCtrlr", "MaxEnergyOnInvalidId", "0"],
        ["TxCtrlr", "StopTxOnInvalidId", "false"],
      ];
      const ifImplemented = ["LocalAuthListCtrlr.Enabled", "AuthCtrlr.LocalPreAuthorize", "TxCtrlr.MaxEnergyOnInvalidId"];
      const bay = (await txStartPoints(t)).includes("ParkingBayOccupancy");
      await withSettings(
        t,
        settings,
        () =>
          answeredInvalid(t, async () => {
            let online: Reconnected = { since: 0, back: 0 };
            await t.state("StartOfflineTransaction", async () => {
              await t.goOffline(1);
              if (bay) await t.act("Manual Action", PhysicalAction.DriveIn, "Drive EV into parking bay", { evseId: t.evseId });
              await presentIdToken(t, "Manual Action", valid, "Present idToken");
              await t.act("Manual Action", PhysicalAction.PlugIn, "Connect the EV and EVSE", {
                evseId: t.evseId,
                connectorId: t.connectorId,
              });
              await t.wait(t.config.retryBackOffWaitMinimumS);
              online = await reconnected(t, 2);
            });
            const { since } = online;
            const { queued, answered } = await emptiedQueue(t, online, 1);
            for (const event of queued)
              t.expect(1, `TransactionEventRequest offline (seqNo ${event.payload.seqNo})`, event.payload.offline, true);
            // StopTxOnInvalidId false, MaxEnergyOnInvalidId 0: the energy stops (the Started event itself may say so).
            const same = (p: Body) =>
              field(p, "transactionInfo.transactionId") === field(answered.payload, "transactionInfo.transactionId");
            await t.expectCall(1, "TransactionEvent", {
              since,
              where: (p) =>
                same(p) &&
                Number(p.seqNo) >= Number(answered.payload.seqNo) &&
                field(p, "transactionInfo.chargingState") === "SuspendedEVSE",
              describe: "chargingState SuspendedEVSE",
            });
            const stopping = t.mark();
            await presentIdToken(t, "Manual Action", valid, "Present valid idToken");
            await t.act("Manual Action", PhysicalAction.Unplug, "Unplug cable", { evseId: t.evseId, connectorId: t.connectorId });
            await t.expectCall(3, "TransactionEvent", {
              since: stopping,
              where: (p) => same(p) && p.triggerReason === "StopAuthorized",
              describe: "triggerReason StopAuthorized",
            });
          }),
        ifImplemented,
      );
    },
  }),
];
