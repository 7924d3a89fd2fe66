import assert from "node:assert/strict";
import { test } from "node:test";
import { Authorization, type AuthorizationSettings, type IdTokenInfo } from "../../src/station/authorization.js";

const settings: AuthorizationSettings = {
  localListEnabled: true,
  cacheEnabled: true,
  localAuthorizeOffline: true,
  localPreAuthorize: true,
  offlineTxForUnknownId: false,
  cacheLifetimeS: 0,
  maxListEntries: 100,
};

/** An online check that counts how often the CSMS is asked and answers `answer`. */
function online(answer: IdTokenInfo) {
  const asked = { count: 0 };
  return {
    asked,
    ask: {
      online: true,
      askCsms: async () => {
        asked.count++;
        return answer;
      },
    },
  };
}

test("a cached token that is not Accepted is asked about again (C12.FR.05), unless AuthCacheCtrlr.DisablePostAuthorize", async () => {
  const authorization = new Authorization();
  authorization.remember("BOB", { status: "Invalid" }, settings);
  const { asked, ask } = online({ status: "Accepted", group: "G1" });
  assert.deepEqual(await authorization.check("BOB", settings, ask), { status: "Accepted", group: "G1" });
  assert.equal(asked.count, 1);
  authorization.remember("BOB", { status: "Invalid" }, settings);
  assert.equal((await authorization.check("BOB", { ...settings, disablePostAuthorize: true }, ask)).status, "Invalid");
  assert.equal(asked.count, 1);
});

test("a cached Accepted token starts without asking only with LocalPreAuthorize, and the CSMS's answer replaces the cache entry (C10)", async () => {
  const authorization = new Authorization();
  authorization.remember("ALICE", { status: "Accepted", group: "G1" }, settings);
  const { asked, ask } = online({ status: "Blocked" });
  assert.deepEqual(await authorization.check("ALICE", settings, ask), { status: "Accepted", group: "G1" });
  assert.equal(asked.count, 0);
  assert.equal((await authorization.check("ALICE", { ...settings, localPreAuthorize: false }, ask)).status, "Blocked");
  assert.equal(asked.count, 1);
  assert.equal(authorization.lookUp("ALICE", settings)?.status, "Blocked");
});

test("a cache entry lives AuthCacheCtrlr.LifeTime from its last use, then it is gone (C10.FR.08)", async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
  const authorization = new Authorization();
  const lifetime = { ...settings, cacheLifetimeS: 10 };
  authorization.remember("ALICE", { status: "Accepted" }, lifetime);
  t.mock.timers.tick(8_000);
  assert.equal(authorization.lookUp("ALICE", lifetime)?.status, "Accepted");
  t.mock.timers.tick(8_000);
  assert.equal(authorization.lookUp("ALICE", lifetime)?.status, "Accepted", "used 8 s ago: still there");
  t.mock.timers.tick(11_000);
  assert.equal(authorization.lookUp("ALICE", lifetime), undefined);
  assert.equal(authorization.lookUp("ALICE", settings), undefined, "removed, not only hidden");
});

test("offline, an unknown token is Accepted only with OfflineTxForUnknownIdEnabled; a listed one as the list says (C13, C15)", async () => {
  const authorization = new Authorization();
  authorization.update("Full", 1, [{ idToken: "BOB", info: { status: "Blocked" } }], 100);
  const offline = { online: false, askCsms: async () => assert.fail("offline: the CSMS is not asked") };
  assert.equal((await authorization.check("ZED", settings, offline)).status, "Unknown");
  assert.equal((await authorization.check("ZED", { ...settings, offlineTxForUnknownId: true }, offline)).status, "Accepted");
  assert.equal((await authorization.check("BOB", { ...settings, offlineTxForUnknownId: true }, offline)).status, "Blocked");
});
