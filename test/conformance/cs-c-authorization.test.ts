import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IdTokenInfo } from "../../src/station/authorization.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

type Body = Record<string, unknown>;
const cases = csCasesOf("C");

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
  // Wrong stoppedReason.
  TC_C_49_CS: {
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
const config = (over = {}) => csConfig({ responseTimeoutS: 2, transactionDurationS: 1, ...over });

describe("conformance cs, block C (Authorization)", () => {
  it("every TC_C_*_CS case in scope passes against the simulated charger, idTokens presented through its control endpoint", async () => {
    const results = await runAgainstSimulator(cases, config());
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id}: ${r.outcome} ${r.step ?? ""} ${r.reason ?? ""}`),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], config({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
