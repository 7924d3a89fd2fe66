import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Feature } from "../../src/conformance/index.js";
import type { IdTokenInfo } from "../../src/station/authorization.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;
const cases = csCasesOf("C");
/** The cases that take the station offline run against it reconnecting, with its offline queue (as block E's do). */
const offline = new Set(["TC_C_15_CS", "TC_C_16_CS", "TC_C_17_CS", "TC_C_18_CS", "TC_C_26_CS"]);
/** TC_C_49 is written for a station without a user interface: it runs with the simulator's off and the feature unclaimed. */
const withoutUi = new Set(["TC_C_49_CS"]);
const noUiFeatures = csConfig().features;
const uiFeatures = [...noUiFeatures, Feature.UserInterface];
const userInterface = (c: SimulatedCharger2) => {
  c.userInterface = true;
};

/** The station reads every Authorize answer as Accepted: it starts charging for a refused idToken. */
const ignoresRefusal = (c: SimulatedCharger2) => {
  const send = c.send.bind(c);
  c.send = async (action: string, body: Body) => {
    const answer = await send(action, body);
    return action === "Authorize" || (action === "TransactionEvent" && body.idToken) ? { idTokenInfo: { status: "Accepted" } } : answer;
  };
};
/** The station trusts its Authorization Cache whatever the entry says: it never asks the CSMS about a cached idToken. */
const trustsCache = (c: SimulatedCharger2) => {
  const check = c.station.authorization.check.bind(c.station.authorization);
  c.station.authorization.check = (idToken, settings, ask) => {
    const local = c.station.authorization.lookUp(idToken, settings);
    return local ? Promise.resolve(local) : check(idToken, settings, ask);
  };
};
/** The station ignores its Authorization Cache: it asks the CSMS about every idToken. */
const ignoresCache = (c: SimulatedCharger2) => {
  const settings = c.station.authorizationSettings.bind(c.station);
  c.station.authorizationSettings = () => ({ ...settings(), localPreAuthorize: false });
};
/** The idToken sent in Authorize has a wrong type (wrong content). */
const wrongTokenType = (c: SimulatedCharger2) =>
  onSend(c, (a, b) => (a === "Authorize" ? { ...b, idToken: { ...(b.idToken as Body), type: "Central" } } : b));
/** Presenting an idToken during a transaction always stops it (no group check). */
const anyTokenStops = (c: SimulatedCharger2) => {
  c.station.groupOf = () => undefined;
  const info = c.station.authorizationInfo.bind(c.station);
  c.station.authorizationInfo = async (idToken, type) => {
    const answer: IdTokenInfo = await info(idToken, type);
    for (const evse of c.connectors) if (evse.transactionId !== undefined && evse.idTag !== idToken) await c.stopSession(evse.id, "Local");
    return answer;
  };
};
/** The station reads TxCtrlr `variable` as `value`, whatever the CSMS set. */
const reads = (variable: string, value: string) => (c: SimulatedCharger2) => {
  const read = c.station.model.value.bind(c.station.model);
  c.station.model.value = (...args: Parameters<typeof read>) => (args[1] === variable ? value : read(...args));
};
/** The station ignores `variable` (a flag): it reads false. */
const ignores = (variable: string) => (c: SimulatedCharger2) => {
  const enabled = c.station.enabled.bind(c.station);
  c.station.enabled = (component, name) => name !== variable && enabled(component, name);
};
/** The master pass holder's choice is not what the station does: it stops `stops(chosen)` instead. */
const selectsWrong = (stops: (chosen: readonly number[]) => number[]) => (c: SimulatedCharger2) => {
  const select = c.sessions.selectStop.bind(c.sessions);
  c.sessions.selectStop = (chosen) => select(stops(chosen));
};
/** A group never matches: only the idToken that started a transaction stops it. */
const noGroups = (c: SimulatedCharger2) => {
  c.station.groupOf = () => undefined;
};

const faults: Record<string, FaultCase> = {
  TC_C_02_CS: { fault: ignoresRefusal, step: "2" },
  TC_C_05_CS: { fault: wrongTokenType, step: "1" },
  TC_C_04_CS: { fault: anyTokenStops, step: "2" },
  TC_C_06_CS: { fault: ignoresRefusal, step: "2" },
  TC_C_07_CS: { fault: wrongTokenType, step: "1" },
  TC_C_08_CS: { fault: ignoresCache, step: "Authorized 1" },
  TC_C_09_CS: { fault: trustsCache, step: "1" },
  TC_C_10_CS: { fault: trustsCache, step: "1" },
  TC_C_11_CS: { fault: trustsCache, step: "1" },
  // Wrong status: the Authorize answer Accepted is not followed by a transaction.
  TC_C_12_CS: { fault: (c) => onSend(c, (a, b) => (a === "TransactionEvent" ? undefined : b)), step: "5" },
  TC_C_13_CS: { fault: ignoresCache, step: "1" },
  TC_C_57_CS: {
    fault: (c) => {
      const settings = c.station.authorizationSettings.bind(c.station);
      c.station.authorizationSettings = () => ({ ...settings(), disablePostAuthorize: false });
    },
    step: "1",
  },
  // The cache does not survive the reboot.
  TC_C_32_CS: {
    fault: (c) => {
      const reboot = c.reboot.bind(c);
      c.reboot = async (reason, afterBoot) => {
        c.station.authorization.clearCache();
        return reboot(reason, afterBoot);
      };
    },
    step: "2",
  },
  // Missing follow-up: the AuthorizeResponse is not kept in the cache.
  TC_C_33_CS: {
    fault: (c) => {
      c.station.authorization.remember = () => {};
    },
    step: "12",
  },
  // The TransactionEventResponse does not update the cache (C10.FR.05).
  TC_C_34_CS: {
    fault: (c) => {
      c.station.transactionAnswer = () => {};
    },
    step: "7",
  },
  TC_C_36_CS: {
    fault: (c) => {
      const settings = c.station.authorizationSettings.bind(c.station);
      c.station.authorizationSettings = () => ({ ...settings(), localPreAuthorize: true });
    },
    step: "1",
  },
  TC_C_37_CS: { fault: (_c, p) => p.route("ClearCache", () => ({ status: "Rejected" })), step: "2" },
  TC_C_38_CS: { fault: (_c, p) => p.route("ClearCache", () => ({ status: "Accepted" })), step: "2" },
  TC_C_39_CS: { fault: noGroups, step: "8" },
  TC_C_41_CS: { fault: noGroups, step: "StopAuthorized 1" },
  TC_C_42_CS: { fault: anyTokenStops, step: "7" },
  TC_C_44_CS: { fault: anyTokenStops, step: "5" },
  // The master pass starts a transaction like any accepted idToken (C16.FR.03 broken).
  TC_C_45_CS: {
    fault: (c) => {
      c.station.isMasterPass = () => false;
    },
    step: "4",
  },
  // The cache entry never expires.
  TC_C_46_CS: {
    fault: (c) => {
      const settings = c.station.authorizationSettings.bind(c.station);
      c.station.authorizationSettings = () => ({ ...settings(), cacheLifetimeS: 0 });
    },
    step: "Authorized 1",
  },
  // Invalid answer, StopTxOnInvalidId false: the energy stops at once, as if MaxEnergyOnInvalidId were 0.
  TC_C_15_CS: { fault: reads("MaxEnergyOnInvalidId", "0"), step: "2" },
  // StopTxOnInvalidId true ignored: the station only withholds the energy, no Deauthorized.
  TC_C_16_CS: { fault: ignores("StopTxOnInvalidId"), step: "3" },
  // The Invalid answer changes nothing: the EV charges on.
  TC_C_17_CS: { fault: reads("MaxEnergyOnInvalidId", "1000000"), step: "2" },
  // MaxEnergyOnInvalidId taken over StopTxOnInvalidId: the transaction goes on.
  TC_C_18_CS: { fault: ignores("StopTxOnInvalidId"), step: "5" },
  // OfflineTxForUnknownIdEnabled ignored: no transaction for the unknown idToken offline (missing follow-up).
  TC_C_26_CS: { fault: ignores("OfflineTxForUnknownIdEnabled"), step: "1" },
  // "Select to stop all transactions" stops only the first.
  TC_C_47_CS: { fault: selectsWrong((chosen) => chosen.slice(0, 1)), step: "3" },
  // "Select to stop the transaction on EVSE 1" stops every transaction.
  TC_C_48_CS: { fault: selectsWrong(() => [1, 2]), step: "Post scenario" },
  // Wrong stoppedReason.
  TC_C_49_CS: {
    config: { features: noUiFeatures },
    fault: (c) =>
      onSend(c, (a, b) =>
        a === "TransactionEvent" && (b.transactionInfo as Body).stoppedReason === "MasterPass"
          ? { ...b, transactionInfo: { ...(b.transactionInfo as Body), stoppedReason: "Local" } }
          : b,
      ),
    step: "3",
  },
  // Wrong content: the Authorize names another idToken.
  TC_C_56_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "Authorize" ? { ...b, idToken: { idToken: "SOMEONE-ELSE", type: "ISO14443" } } : b)),
    step: "1",
  },
};

/** Short waits: "the OCTT waits <Configured message timeout>" is 2 s here; a lifetime of 1 s. */
const config = (over = {}) => csConfig({ responseTimeoutS: 2, transactionDurationS: 1, retryBackOffWaitMinimumS: 2, ...over });

const notPassed = (results: readonly { id: string; outcome: string; step?: string; reason?: string }[]) =>
  results.filter((r) => r.outcome !== "pass").map((r) => `${r.id}: ${r.outcome} ${r.step ?? ""} ${r.reason ?? ""}`);

describe("conformance cs, block C (Authorization)", () => {
  it("every online TC_C_*_CS case passes against the simulated charger with a user interface, idTokens presented through its control endpoint", async () => {
    const online = cases.filter((kase) => !offline.has(kase.id) && !withoutUi.has(kase.id));
    const results = await runAgainstSimulator(online, config({ features: uiFeatures }), undefined, { station: userInterface });
    assert.deepEqual(notPassed(results), []);
  });

  it("the master pass case for a station without a user interface passes against the simulated charger without one", async () => {
    const results = await runAgainstSimulator(
      cases.filter((kase) => withoutUi.has(kase.id)),
      config({ features: noUiFeatures }),
    );
    assert.deepEqual(notPassed(results), []);
  });

  it("every offline TC_C_*_CS case passes against the reconnecting simulated charger with its offline queue", async () => {
    const results = await runAgainstSimulator(
      cases.filter((kase) => offline.has(kase.id)),
      config(),
      undefined,
      { reconnecting: true },
    );
    assert.deepEqual(notPassed(results), []);
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const features = withoutUi.has(kase.id) ? noUiFeatures : uiFeatures;
      const [result] = await runAgainstSimulator([kase], config({ actionTimeoutS: 4, features, ...faultCase.config }), faultCase.fault, {
        reconnecting: offline.has(kase.id),
        ...(withoutUi.has(kase.id) ? {} : { station: userInterface }),
      });
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
