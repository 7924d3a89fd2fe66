/** Part 6 section 3.4, C Authorization: TC_C_*_CSMS (Tables 285-295). */
import { type CsmsCase, Feature } from "../case.js";
import type { IdToken } from "../config.js";
import type { CsmsTest } from "../csms-test.js";
import { energyTransferStarted, evConnectedPostSession, evConnectedPreSession, evDisconnected } from "../states.js";
import { csmsCase, field, idTokenStatus } from "./define.js";

type Body = Record<string, unknown>;

const authorizeCase = (id: string, name: string, token: "invalid" | "blocked" | "expired", allowed: string[]): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: token === "invalid" ? ["C01", "C04", "C06"] : ["C01"],
    async run(t) {
      const authorize = await t.send(1, "Authorize", { idToken: t.config.idTokens[token] });
      t.expectOneOf(2, "AuthorizeResponse idTokenInfo.status", idTokenStatus(authorize), allowed);
    },
  });

/** `idTokenInfo.status Accepted` and `idTokenInfo.groupIdToken.idToken <group>` of part 6's validations. */
function expectGroup(t: CsmsTest, step: number, message: string, response: Body, group: string): void {
  t.expect(step, `${message} idTokenInfo.status`, idTokenStatus(response), "Accepted");
  t.expect(step, `${message} idTokenInfo.groupIdToken.idToken`, field(response, "idTokenInfo.groupIdToken.idToken"), group);
}

const cacheCase = (id: string, name: string, token: "valid" | "invalid", allowed: string[]): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["C12"],
    features: [Feature.C, Feature.AuthorizationCache],
    async run(t) {
      await evConnectedPreSession(t);
      // The idToken comes from the station's Authorization Cache: no AuthorizeRequest first.
      const event = await t.transactionEvent(1, { eventType: "Updated", triggerReason: "Authorized", idToken: t.config.idTokens[token] });
      t.expectOneOf(2, "TransactionEventResponse idTokenInfo.status", idTokenStatus(event), allowed);
    },
  });

const clearCacheCase = (id: string, name: string, status: "Accepted" | "Rejected"): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["C11"],
    features: [Feature.C, Feature.AuthorizationCache],
    async run(t) {
      const clear = await t.receive(1, "ClearCache", {
        instruction: "Request the CSMS to clear the Authorization Cache of the Charging Station",
        payload: {},
      });
      await clear.reply(2, { status });
    },
  });

const twoEvses = (config: { evses: number }) => (config.evses < 2 ? `needs two EVSEs (config "evses" is ${config.evses})` : undefined);

/** C16's before state: a transaction with energy flowing on EVSE 1 and on EVSE 2. */
async function chargingOnTwoEvses(t: CsmsTest): Promise<void> {
  for (const evseId of [1, 2]) await t.onEvse(evseId, () => energyTransferStarted(t));
}

/** Step 3/4 of C16 on each EVSE: the transaction ends with stoppedReason MasterPass. */
async function masterPassStop(t: CsmsTest, evses: number[], idToken: IdToken, check?: (event: Body) => void): Promise<void> {
  for (const evseId of evses) {
    await t.onEvse(evseId, async () => {
      const event = await t.transactionEvent(3, {
        eventType: "Ended",
        triggerReason: "StopAuthorized",
        stoppedReason: "MasterPass",
        idToken,
      });
      check?.(event);
    });
  }
}

export const authorizationCases: readonly CsmsCase[] = [
  authorizeCase("TC_C_02_CSMS", "Local start transaction - Authorization Invalid/Unknown", "invalid", ["Invalid", "Unknown"]),
  authorizeCase("TC_C_06_CSMS", "Local start transaction - Authorization Blocked", "blocked", ["Blocked", "Invalid"]),
  authorizeCase("TC_C_07_CSMS", "Local start transaction - Authorization Expired", "expired", ["Expired", "Invalid"]),
  cacheCase("TC_C_08_CSMS", "Authorization through authorization cache - Accepted", "valid", ["Accepted"]),
  cacheCase("TC_C_20_CSMS", "Authorization through authorization cache - Invalid", "invalid", ["Invalid", "Unknown"]),
  clearCacheCase("TC_C_37_CSMS", "Clear Authorization Data in Authorization Cache - Accepted", "Accepted"),
  clearCacheCase("TC_C_38_CSMS", "Clear Authorization Data in Authorization Cache - Rejected", "Rejected"),
  csmsCase({
    id: "TC_C_39_CSMS",
    name: "Authorization by GroupId - Success",
    useCases: ["C09"],
    features: [Feature.C, Feature.GroupId],
    async run(t) {
      const { valid, validSameGroup, groupId } = t.config.idTokens;
      await evConnectedPreSession(t);
      const first = await t.send(1, "Authorize", { idToken: validSameGroup });
      expectGroup(t, 2, "AuthorizeResponse", first, groupId);
      const started = await t.transactionEvent(3, { eventType: "Updated", triggerReason: "Authorized", idToken: valid });
      expectGroup(t, 4, "TransactionEventResponse", started, groupId);
      t.station.authorized = true;
      await t.state("5", () => energyTransferStarted(t));
      const second = await t.send(6, "Authorize", { idToken: validSameGroup });
      expectGroup(t, 7, "AuthorizeResponse", second, groupId);
      const stop = await t.transactionEvent(8, { eventType: "Updated", triggerReason: "StopAuthorized", idToken: validSameGroup });
      expectGroup(t, 9, "TransactionEventResponse", stop, groupId);
      t.station.authorized = false;
      t.station.state = "StopAuthorized";
      await t.state("10", () => evConnectedPostSession(t));
      await t.state("11", () => evDisconnected(t));
    },
  }),
  csmsCase({
    id: "TC_C_47_CSMS",
    name: "Stop Transaction with a Master Pass - With UI - All transactions",
    useCases: ["C16"],
    features: [Feature.C, Feature.MasterPass],
    requires: twoEvses,
    async run(t) {
      await chargingOnTwoEvses(t);
      const { masterPass } = t.config.idTokens;
      const authorize = await t.send(1, "Authorize", { idToken: masterPass });
      t.expect(2, "AuthorizeResponse idTokenInfo.status", idTokenStatus(authorize), "Accepted");
      await masterPassStop(t, [1, 2], masterPass);
    },
  }),
  csmsCase({
    id: "TC_C_48_CSMS",
    name: "Stop Transaction with a Master Pass - With UI - With UI - Specific transactions",
    useCases: ["C16"],
    features: [Feature.C, Feature.MasterPass],
    async run(t) {
      for (let evseId = 1; evseId <= t.config.evses; evseId++) await t.onEvse(evseId, () => energyTransferStarted(t));
      const { masterPass, masterPassGroupId } = t.config.idTokens;
      // Part 6 step 1 names the valid idToken, but its validation expects the master pass group: the master pass is presented.
      const authorize = await t.send(1, "Authorize", { idToken: masterPass });
      expectGroup(t, 2, "AuthorizeResponse", authorize, masterPassGroupId);
      await masterPassStop(t, [t.config.evseId], masterPass, (event) =>
        expectGroup(t, 4, "TransactionEventResponse", event, masterPassGroupId),
      );
    },
  }),
  csmsCase({
    id: "TC_C_49_CSMS",
    name: "Stop Transaction with a Master Pass - Without UI",
    useCases: ["C16"],
    features: [Feature.C, Feature.MasterPass],
    requires: twoEvses,
    async run(t) {
      await chargingOnTwoEvses(t);
      const { masterPass, valid } = t.config.idTokens;
      const authorize = await t.send(1, "Authorize", { idToken: masterPass });
      t.expect(2, "AuthorizeResponse idTokenInfo.status", idTokenStatus(authorize), "Accepted");
      await masterPassStop(t, [1, 2], valid);
    },
  }),
];
