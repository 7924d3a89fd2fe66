/**
 * Block C, Authorization (part 6 section 2.4): the TC_C_*_CS cases, steps numbered as there. The tool
 * answers idTokens as the config names them (valid Accepted, invalid Invalid, blocked, expired), with
 * the configured groups where a case is about groups (C09) or the master pass (C16).
 */
import { type CsCase, Feature } from "../case.js";
import type { IdToken } from "../config.js";
import {
  answerWithGroups,
  expectAuthorize,
  expectAuthorizedEvent,
  expectCharging,
  expectNoAuthorize,
  expectNoTransactionChange,
  idTokenCached,
  plugIn,
  presentIdToken,
  type Setting,
  sessionEnds,
  startCharging,
  startsBeforePlugIn,
  stopCharging,
  tokenInfo,
  txStartPoints,
  unplug,
  withSettings,
} from "./charging.js";
import { type CsTest, PhysicalAction } from "./cs-test.js";
import { booted, csCase, evConnectedPreSession, evDisconnected, field } from "./states.js";

type TokenName = "valid" | "validSameGroup" | "invalid" | "blocked" | "expired" | "masterPass";

const cache = Feature.AuthorizationCache;
const localPreAuthorize: Setting = ["AuthCtrlr", "LocalPreAuthorize", "true"];
const cacheEnabled: Setting = ["AuthCacheCtrlr", "Enabled", "true"];
const postAuthorize: Setting = ["AuthCacheCtrlr", "DisablePostAuthorize", "false"];
const localListEnabled: Setting = ["LocalAuthListCtrlr", "Enabled", "true"];
/** TC_C_46's AuthCacheCtrlr.LifeTime: <Configured TransactionDuration>, at least a second (0 would mean no lifetime at all). */
const lifetimeS = (t: CsTest) => Math.max(1, t.config.transactionDurationS);
/** The CSMS answers the TransactionEvent that carries an idToken with status Invalid. */
const answerTransactionInvalid = (t: CsTest) =>
  t.answer("TransactionEvent", (p) => (p.idToken ? { idTokenInfo: { status: "Invalid" } } : {}));
const optional = ["AuthCacheCtrlr.Enabled", "AuthCacheCtrlr.DisablePostAuthorize", "AuthCtrlr.LocalPreAuthorize"];

/** TC_C_02/05/06/07/56: the idToken is refused; no transaction follows. */
function refused(id: string, name: string, token: TokenName, options: { status?: string; cableLock?: boolean } = {}): CsCase {
  return csCase({
    id,
    name,
    useCases: ["C01"],
    async run(t) {
      const presented = t.config.idTokens[token];
      if (options.status) t.answer("Authorize", { idTokenInfo: { status: options.status } });
      if (!options.cableLock) await evConnectedPreSession(t);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", presented, "Present idToken");
      await expectAuthorize(t, 1, presented, since);
      await expectNoTransactionChange(t, 2, `the idToken is ${options.status ?? tokenInfo(t, presented).status}`);
      // Not part 6: the EV leaves for the next case.
      if (!options.cableLock) await evDisconnected(t, "after");
    },
  });
}

/** Memory State IdTokenCached (Table 250) for `tokens`, in that order. */
const cached =
  (...tokens: TokenName[]) =>
  async (t: CsTest): Promise<void> => {
    for (const token of tokens) await idTokenCached(t, t.config.idTokens[token]);
  };

/**
 * A case about the Authorization Cache (C09-C12): its Memory State (IdTokenCached for the valid idToken
 * unless `memory` says otherwise), its Configuration State (`settings`, those of `ifImplemented` "(If
 * implemented)", by default the cache and LocalPreAuthorize ones), then `main`.
 */
function cacheCase(row: {
  readonly id: string;
  readonly name: string;
  readonly useCase: string;
  readonly groups?: boolean;
  readonly memory?: (t: CsTest) => Promise<void>;
  readonly settings: readonly Setting[] | ((t: CsTest) => readonly Setting[]);
  readonly ifImplemented?: readonly string[];
  readonly main: (t: CsTest) => Promise<void>;
}): CsCase {
  return csCase({
    id: row.id,
    name: row.name,
    useCases: [row.useCase],
    features: row.groups ? [Feature.C, Feature.GroupId, cache] : [Feature.C, cache],
    async run(t) {
      await (row.memory ?? cached("valid"))(t);
      const settings = typeof row.settings === "function" ? row.settings(t) : row.settings;
      await withSettings(t, settings, () => row.main(t), row.ifImplemented ?? optional);
    },
  });
}

/** TC_C_09/10/11: a cached idToken that is not Accepted is asked about again (C12.FR.05). */
function cachedNotAccepted(id: string, name: string, token: "invalid" | "blocked" | "expired"): CsCase {
  return cacheCase({
    id,
    name,
    useCase: "C12",
    memory: cached(token),
    settings: [cacheEnabled, localPreAuthorize, postAuthorize],
    async main(t) {
      const presented = t.config.idTokens[token];
      await evConnectedPreSession(t);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", presented, "Present the idToken which is already in the Authorization Cache");
      await expectAuthorize(t, 1, presented, since);
      await evDisconnected(t, "after");
    },
  });
}

/** EVConnectedPreSession, then the cached valid idToken: no Authorize, the authorized TransactionEvent, charging (TC_C_08). */
async function chargeWithCachedToken(t: CsTest, token: IdToken, steps: readonly [number | string, number | string, number | string]) {
  await evConnectedPreSession(t);
  const since = t.mark();
  await presentIdToken(t, "Manual Action", token, "Present the idToken which is already in the Authorization Cache");
  await expectAuthorizedEvent(t, steps[1], token, since);
  const transactionId = await expectCharging(t, steps[2], since);
  expectNoAuthorize(t, steps[0], since, "the idToken is in the Authorization Cache and LocalPreAuthorize is true");
  return { since, transactionId };
}

/**
 * TC_C_13 and TC_C_32 from step 2: the cached valid idToken before the cable is in; a TransactionEvent
 * at once where the transaction starts at the authorization, then the plug-in and charging.
 */
async function presentBeforePlugIn(t: CsTest, first: number): Promise<void> {
  const valid = t.config.idTokens.valid;
  const points = await txStartPoints(t);
  const since = t.mark();
  await presentIdToken(t, "Manual Action", valid, "Present the valid idToken which is already in the Authorization Cache");
  if (startsBeforePlugIn(points)) await expectAuthorizedEvent(t, first, valid, since);
  await evConnectedPreSession(t);
  if (!startsBeforePlugIn(points)) await expectAuthorizedEvent(t, first, valid, since, t.evseId, { pluggedInFirst: false });
  const transactionId = await expectCharging(t, first + 3, since);
  expectNoAuthorize(t, first, since, "the idToken is in the Authorization Cache and LocalPreAuthorize is true");
  await stopCharging(t, transactionId);
}

export const authorizationCsCases: CsCase[] = [
  refused("TC_C_02_CS", "Local start transaction - Authorization Invalid/Unknown", "invalid"),
  refused("TC_C_05_CS", "Local start transaction - Authorization invalid - Cable lock", "invalid", { cableLock: true }),
  csCase({
    id: "TC_C_04_CS",
    name: "Local Stop Transaction - Different idToken",
    useCases: ["C01", "C04", "E07"],
    async run(t) {
      const transactionId = await startCharging(t, t.config.idTokens.valid);
      // "A different idToken than used to start the transaction", which the OCTT Accepts.
      answerWithGroups(t, () => "Accepted");
      await presentIdToken(t, "Manual Action", t.config.idTokens.invalid, "Present a different idToken than used to start the transaction");
      await expectNoTransactionChange(t, 2, "a different idToken does not stop the transaction");
      t.answer("Authorize", undefined);
      t.answer("TransactionEvent", undefined);
      await stopCharging(t, transactionId);
    },
  }),
  refused("TC_C_06_CS", "Local start transaction - Authorization Blocked", "blocked"),
  refused("TC_C_07_CS", "Local start transaction - Authorization Expired", "expired"),
  cacheCase({
    id: "TC_C_08_CS",
    name: "Authorization through authorization cache - Accepted",
    useCase: "C12",
    settings: [cacheEnabled, localPreAuthorize],
    async main(t) {
      const { transactionId } = await chargeWithCachedToken(t, t.config.idTokens.valid, ["Authorized 1", "Authorized 3", 2]);
      await stopCharging(t, transactionId);
    },
  }),
  cachedNotAccepted("TC_C_09_CS", "Authorization through authorization cache - Invalid & Not Accepted", "invalid"),
  cachedNotAccepted("TC_C_10_CS", "Authorization through authorization cache - Blocked", "blocked"),
  cachedNotAccepted("TC_C_11_CS", "Authorization through authorization cache - Expired", "expired"),
  cacheCase({
    id: "TC_C_12_CS",
    name: "Authorization through authorization cache - Invalid & Accepted",
    useCase: "C12",
    memory: cached("invalid"),
    settings: [cacheEnabled, localPreAuthorize, postAuthorize],
    async main(t) {
      const invalid = t.config.idTokens.invalid;
      await evConnectedPreSession(t);
      // The CSMS now knows the token as valid.
      answerWithGroups(t, () => "Accepted");
      const since = t.mark();
      await presentIdToken(t, "Manual Action", invalid, "Present the Invalid idToken which is already in the Authorization Cache");
      await expectAuthorize(t, 1, invalid, since);
      const transactionId = await expectCharging(t, 5, since);
      await stopCharging(t, transactionId);
    },
  }),
  cacheCase({
    id: "TC_C_13_CS",
    name: "Authorization through authorization cache - Accepted but cable not connected yet.",
    useCase: "C12",
    settings: [cacheEnabled, localPreAuthorize],
    main: (t) => presentBeforePlugIn(t, 1),
  }),
  cacheCase({
    id: "TC_C_57_CS",
    name: "Authorization through authorization cache - AuthCacheDisablePostAuthorize",
    useCase: "C12",
    memory: cached("invalid"),
    settings: [cacheEnabled, localPreAuthorize, ["AuthCacheCtrlr", "DisablePostAuthorize", "true"]],
    ifImplemented: ["AuthCacheCtrlr.Enabled", "AuthCtrlr.LocalPreAuthorize"],
    async main(t) {
      const invalid = t.config.idTokens.invalid;
      await evConnectedPreSession(t);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", invalid, "Present the Invalid idToken which is already in the Authorization Cache");
      await expectNoTransactionChange(t, 1, "authorization is refused");
      expectNoAuthorize(t, 1, since, "DisablePostAuthorize is true");
      await evDisconnected(t, "after");
    },
  }),
  cacheCase({
    id: "TC_C_32_CS",
    name: "Store Authorization Data in the Authorization Cache - Persistent over reboot",
    useCase: "C10",
    settings: [cacheEnabled, localPreAuthorize],
    ifImplemented: ["AuthCacheCtrlr.Enabled"],
    async main(t) {
      await booted(t);
      await presentBeforePlugIn(t, 2);
    },
  }),
  cacheCase({
    id: "TC_C_33_CS",
    name: "Store Authorization Data in the Authorization Cache - Update on AuthorizeResponse",
    useCase: "C10",
    // Memory State N/a: the valid idToken is not cached yet (not part 6: a cache earlier cases filled is cleared).
    async memory(t) {
      const cleared = await t.send("Before", "ClearCache", {});
      t.expect("Before", "ClearCacheResponse status", cleared.status, "Accepted");
    },
    settings: [cacheEnabled, localPreAuthorize, localListEnabled],
    ifImplemented: ["AuthCacheCtrlr.Enabled", "LocalAuthListCtrlr.Enabled"],
    async main(t) {
      const valid = t.config.idTokens.valid;
      const transactionId = await startCharging(t, valid, { steps: [1, 3, 5] });
      await stopCharging(t, transactionId);
      await evConnectedPreSession(t);
      // Step 13: the CSMS now answers the same idToken Invalid.
      answerTransactionInvalid(t);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", valid, "Present the same valid idToken");
      const event = await expectAuthorizedEvent(t, 12, valid, since);
      expectNoAuthorize(t, 12, since, "the AuthorizeResponse of step 2 put the idToken in the Authorization Cache");
      await sessionEnds(t, String(field(event.payload, "transactionInfo.transactionId")), since);
    },
  }),
  cacheCase({
    id: "TC_C_34_CS",
    name: "Store Authorization Data in the Authorization Cache - Update on TransactionResponse",
    useCase: "C10",
    settings: [cacheEnabled, localPreAuthorize, localListEnabled],
    ifImplemented: ["AuthCacheCtrlr.Enabled", "LocalAuthListCtrlr.Enabled"],
    async main(t) {
      const valid = t.config.idTokens.valid;
      await evConnectedPreSession(t);
      answerTransactionInvalid(t);
      t.answer("Authorize", { idTokenInfo: { status: "Invalid" } });
      const since = t.mark();
      await presentIdToken(t, "Manual Action", valid, "Present the valid idToken");
      const event = await expectAuthorizedEvent(t, 1, valid, since);
      expectNoAuthorize(t, 1, since, "the idToken is in the Authorization Cache and LocalPreAuthorize is true");
      await sessionEnds(t, String(field(event.payload, "transactionInfo.transactionId")), since);
      await evConnectedPreSession(t);
      const again = t.mark();
      await presentIdToken(t, "Manual Action", valid, "Present the same valid idToken");
      await expectAuthorize(t, 7, valid, again);
      await evDisconnected(t, "after");
    },
  }),
  cacheCase({
    id: "TC_C_36_CS",
    name: "Store Authorization Data in the Authorization Cache - AuthCacheCtrlr.LocalPreAuthorize = false",
    useCase: "C10",
    settings: [cacheEnabled, ["AuthCtrlr", "LocalPreAuthorize", "false"]],
    ifImplemented: [],
    async main(t) {
      const valid = t.config.idTokens.valid;
      t.answer("Authorize", { idTokenInfo: { status: "Invalid" } });
      const since = t.mark();
      await presentIdToken(t, "Manual Action", valid, "Present the valid idToken which is in the Authorization Cache");
      await expectAuthorize(t, 1, valid, since);
    },
  }),
  cacheCase({
    id: "TC_C_37_CS",
    name: "Clear Authorization Data in Authorization Cache - Accepted",
    useCase: "C11",
    settings: [cacheEnabled],
    async main(t) {
      const cleared = await t.send(1, "ClearCache", {});
      t.expect(2, "ClearCacheResponse status", cleared.status, "Accepted");
      const transactionId = await startCharging(t, t.config.idTokens.valid, { steps: [5, 7, 9] });
      await stopCharging(t, transactionId);
    },
  }),
  cacheCase({
    id: "TC_C_38_CS",
    name: "Clear Authorization Data in Authorization Cache - Rejected",
    useCase: "C11",
    settings: [["AuthCacheCtrlr", "Enabled", "false"]],
    ifImplemented: [],
    async main(t) {
      const cleared = await t.send(1, "ClearCache", {});
      t.expect(2, "ClearCacheResponse status", cleared.status, "Rejected");
    },
  }),
  csCase({
    id: "TC_C_39_CS",
    name: "Authorization by GroupId - Success",
    useCases: ["C09"],
    features: [Feature.C, Feature.GroupId],
    async run(t) {
      const { valid, validSameGroup } = t.config.idTokens;
      answerWithGroups(t);
      const transactionId = await startCharging(t, valid, { steps: [1, 3, 5] });
      const since = t.mark();
      await presentIdToken(t, "Manual Action", validSameGroup, "Present the other valid idToken with the configured GroupId");
      await expectAuthorize(t, 6, validSameGroup, since);
      await expectGroupStop(t, 8, transactionId, since, validSameGroup);
      await sessionEnds(t, transactionId, since);
    },
  }),
  cacheCase({
    id: "TC_C_41_CS",
    name: "Authorization by GroupId - Success with Authorization Cache",
    useCase: "C09",
    groups: true,
    async memory(t) {
      answerWithGroups(t);
      await cached("valid", "validSameGroup")(t);
    },
    settings: [cacheEnabled, localPreAuthorize],
    async main(t) {
      const { valid, validSameGroup } = t.config.idTokens;
      const { transactionId } = await chargeWithCachedToken(t, valid, [1, 1, 3]);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", validSameGroup, "Present the other valid idToken with the configured GroupId");
      await expectGroupStop(t, "StopAuthorized 1", transactionId, since, validSameGroup);
      expectNoAuthorize(t, 4, since, "the idToken and its group are in the Authorization Cache");
      await sessionEnds(t, transactionId, since);
    },
  }),
  groupNotStopping("TC_C_42_CS", "Authorization by GroupId - Not stopped by GroupId", false),
  groupNotStopping("TC_C_44_CS", "Authorization by GroupId - Invalid status with Authorization Cache", true),
  csCase({
    id: "TC_C_45_CS",
    name: "Authorization by GroupId - Master pass - Not able to start transaction + groupId",
    useCases: ["C09", "C16"],
    features: [Feature.C, Feature.MasterPass],
    async run(t) {
      const { masterPass, masterPassGroupId } = t.config.idTokens;
      const points = await txStartPoints(t);
      const startPoint: Setting[] =
        points.includes("ParkingBayOccupancy") ||
        points.includes("EVConnected") ||
        !(points.includes("Authorized") || points.includes("PowerPathClosed"))
          ? [["TxCtrlr", "TxStartPoint", "PowerPathClosed"]]
          : [];
      await withSettings(t, [...startPoint, ["AuthCtrlr", "MasterPassGroupId", masterPassGroupId]], async () => {
        answerWithGroups(t);
        const since = t.mark();
        await presentIdToken(t, "Manual Action", masterPass, "Present the configured master pass idToken");
        await expectAuthorize(t, 1, masterPass, since);
        await plugIn(t, "EVConnectedPreSession 1", t.evseId);
        await expectNoTransactionChange(t, 4, "a master pass starts no transaction (C16.FR.03)");
        await unplug(t, "after");
      });
    },
  }),
  cacheCase({
    id: "TC_C_46_CS",
    name: "Store Authorization Data in the Authorization Cache - AuthCacheLifeTime",
    useCase: "C10",
    settings: (t) => [localPreAuthorize, ["AuthCacheCtrlr", "LifeTime", String(lifetimeS(t))]],
    ifImplemented: ["AuthCtrlr.LocalPreAuthorize"],
    async main(t) {
      const valid = t.config.idTokens.valid;
      await evConnectedPreSession(t);
      await t.wait(lifetimeS(t) + 1);
      const since = t.mark();
      await presentIdToken(t, "Manual Action", valid, "Present the valid idToken (its cache entry has expired)");
      // The cache entry is gone: Reusable State Authorized must ask the CSMS.
      await expectAuthorize(t, "Authorized 1", valid, since);
      const event = await expectAuthorizedEvent(t, "Authorized 3", valid, since);
      await stopCharging(t, String(field(event.payload, "transactionInfo.transactionId")));
    },
  }),
  masterPassStop("TC_C_47_CS", "Stop Transaction with a Master Pass - With UI - All transactions", "all"),
  masterPassStop("TC_C_48_CS", "Stop Transaction with a Master Pass - With UI - With UI - Specific transactions", "EVSE 1"),
  masterPassStop("TC_C_49_CS", "Stop Transaction with a Master Pass - Without UI", "no UI"),
  refused("TC_C_56_CS", "Local start transaction - Authorization Unknown", "invalid", { status: "Unknown" }),
];

/**
 * TC_C_47/48/49 (C16): EnergyTransferStarted on the EVSEs (TC_C_49: EVSE 1 and 2 at most, with
 * <Configured valid_idtoken> and <Configured valid_idtoken2>; TC_C_47/48: all), the master pass presented
 * at EVSE 1 and Accepted with <Configured masterPassGroupId>. A station with a user interface lets its
 * holder choose what stops (C16.FR.01: "Select to stop all transactions", or EVSE 1's); one without stops
 * every transaction (C16.FR.02). Each stop: stoppedReason MasterPass, the idToken omitted or the master pass.
 */
function masterPassStop(id: string, name: string, choice: "all" | "EVSE 1" | "no UI"): CsCase {
  const ui = choice !== "no UI";
  return csCase({
    id,
    name,
    useCases: ["C16"],
    features: ui ? [Feature.C, Feature.MasterPass, Feature.UserInterface] : [Feature.C, Feature.MasterPass],
    ...(ui ? {} : { withoutFeatures: [Feature.UserInterface] }),
    async run(t) {
      const { valid, validSameGroup, masterPass, masterPassGroupId } = t.config.idTokens;
      await withSettings(t, [["AuthCtrlr", "MasterPassGroupId", masterPassGroupId]], async () => {
        answerWithGroups(t);
        const evses = Array.from({ length: ui ? t.config.evses : Math.min(2, t.config.evses) }, (_, i) => i + 1);
        const transactions = new Map<number, string>();
        for (const evseId of evses) transactions.set(evseId, await startCharging(t, evseId === 1 ? valid : validSameGroup, { evseId }));
        const since = t.mark();
        await presentIdToken(t, "Manual Action", masterPass, "Present the configured master pass idToken", 1);
        await expectAuthorize(t, 1, masterPass, since);
        const chosen = choice === "EVSE 1" ? [1] : evses;
        if (ui) {
          const instruction = choice === "all" ? "Select to stop all transactions" : "Select to stop the transaction on EVSE 1";
          await t.act("Manual Action", PhysicalAction.SelectStop, `${instruction} on the user interface`, { evseId: 1, evseIds: chosen });
        }
        for (const evseId of chosen) {
          const transactionId = transactions.get(evseId) ?? "";
          const event = await t.expectCall(3, "TransactionEvent", {
            since,
            where: (p) =>
              field(p, "transactionInfo.transactionId") === transactionId && field(p, "transactionInfo.stoppedReason") !== undefined,
            describe: `the stop of the transaction on EVSE ${evseId}`,
          });
          t.expect(
            3,
            `TransactionEventRequest transactionInfo.stoppedReason (EVSE ${evseId})`,
            field(event.payload, "transactionInfo.stoppedReason"),
            "MasterPass",
          );
          expectMasterPassOrNoToken(t, event.payload.idToken, masterPass);
          await sessionEnds(t, transactionId, since, evseId);
        }
        // TC_C_48 post scenario validation: "All other EVSE still transfer energy" (the runner stops them after the case).
        const others = [...transactions].filter(([evseId]) => !chosen.includes(evseId)).map(([, transactionId]) => transactionId);
        const stopped = t
          .callsSince(since, "TransactionEvent")
          .find(
            (e) =>
              others.includes(String(field(e.payload, "transactionInfo.transactionId"))) &&
              (e.payload.eventType === "Ended" ||
                !["Charging", undefined].includes(field(e.payload, "transactionInfo.chargingState") as string)),
          );
        t.expectThat("Post scenario", "the other EVSEs still transfer energy", stopped === undefined, "charging", stopped?.payload);
      });
    },
  });
}

function expectMasterPassOrNoToken(t: CsTest, idToken: unknown, masterPass: IdToken): void {
  t.expectThat(
    3,
    "TransactionEventRequest idToken",
    idToken === undefined || (field(idToken, "idToken") === masterPass.idToken && field(idToken, "type") === masterPass.type),
    `omitted or ${masterPass.idToken}`,
    idToken,
  );
}

/** C09.FR.03: a token of the same group stops the transaction: triggerReason StopAuthorized, the idToken omitted or the presented one. */
async function expectGroupStop(t: CsTest, step: number | string, transactionId: string, since: number, presented: IdToken): Promise<void> {
  const event = await t.expectCall(step, "TransactionEvent", {
    since,
    where: (p) => field(p, "transactionInfo.transactionId") === transactionId,
  });
  t.expect(step, "TransactionEventRequest triggerReason", event.payload.triggerReason, "StopAuthorized");
  const idToken = event.payload.idToken;
  t.expectThat(
    step,
    "TransactionEventRequest idToken",
    idToken === undefined || field(idToken, "idToken") === presented.idToken,
    `omitted or ${presented.idToken}`,
    idToken,
  );
}

/** TC_C_42 / TC_C_44: an invalid idToken of the same group does not stop the transaction (C09.FR.11). */
function groupNotStopping(id: string, name: string, cached: boolean): CsCase {
  return csCase({
    id,
    name,
    useCases: ["C09"],
    features: cached ? [Feature.C, Feature.GroupId, cache] : [Feature.C, Feature.GroupId],
    async run(t) {
      const { valid, invalid } = t.config.idTokens;
      const scenario = async () => {
        const transactionId = cached
          ? (await chargeWithCachedToken(t, valid, [1, 1, 3])).transactionId
          : await startCharging(t, valid, { steps: [1, 3, 5] });
        // The OCTT gives the invalid idToken the configured group too.
        t.answer("Authorize", (p) => ({
          idTokenInfo: { ...tokenInfo(t, p.idToken as IdToken), groupIdToken: { idToken: t.config.idTokens.groupId, type: "Central" } },
        }));
        const since = t.mark();
        await presentIdToken(t, "Manual Action", invalid, "Present the invalid idToken with the configured GroupId");
        await expectAuthorize(t, cached ? 4 : 6, invalid, since);
        await expectNoTransactionChange(t, cached ? 5 : 7, "an invalid idToken of the group does not stop the transaction");
        answerWithGroups(t);
        await stopCharging(t, transactionId);
      };
      answerWithGroups(t);
      if (!cached) return scenario();
      await idTokenCached(t, valid);
      await idTokenCached(t, invalid);
      await withSettings(t, [cacheEnabled, localPreAuthorize, postAuthorize], scenario, optional);
    },
  });
}
