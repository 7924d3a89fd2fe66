/**
 * The memory states of part 6 about the station's local authorization data (Table 250 IdTokenCached is
 * charging.ts's `idTokenCached`): IdTokenLocalAuthList (an idToken in the Local Authorization List,
 * with its group) and "none of the configured idTokens in the Authorization Cache or Local
 * Authorization List" (TC_E_52). The list changes by SendLocalList Differential, one version above the
 * station's (D01, D02), so what else the list holds stays.
 */
import type { IdToken } from "../config.js";
import type { CsTest } from "./cs-test.js";
import { field } from "./states.js";

type Body = Record<string, unknown>;

/** Whether the station has `component` (AuthCacheCtrlr, LocalAuthListCtrlr) enabled: its Enabled variable reads true. */
export async function enabled(t: CsTest, component: string): Promise<boolean> {
  const read = await t.send("Before", "GetVariables", {
    getVariableData: [{ component: { name: component }, variable: { name: "Enabled" } }],
  });
  return field(read, "getVariableResult.0.attributeValue") === "true";
}

/** SendLocalList Differential with `entries` (an entry without idTokenInfo removes its idToken); its status. */
async function differential(t: CsTest, entries: readonly Body[]): Promise<unknown> {
  const current = await t.send("Before", "GetLocalListVersion", {});
  const versionNumber = (Number(current.versionNumber) || 0) + 1;
  const response = await t.send("Before", "SendLocalList", { versionNumber, updateType: "Differential", localAuthorizationList: entries });
  return response.status;
}

/** Memory State IdTokenLocalAuthList: `token` Accepted in the list, in group `groupId` when given. */
export async function idTokenLocalAuthList(t: CsTest, token: IdToken, groupId?: string): Promise<void> {
  await t.state(`IdTokenLocalAuthList ${token.idToken}`, async () => {
    const idTokenInfo = { status: "Accepted", ...(groupId === undefined ? {} : { groupIdToken: { idToken: groupId, type: "Central" } }) };
    const status = await differential(t, [{ idToken: token, idTokenInfo }]);
    t.expect("Before", "SendLocalListResponse status", status, "Accepted");
  });
}

/** Not part 6: `token` taken out of the list again after a case put it there (the next case finds the list as it was). */
export async function forgetLocalAuthList(t: CsTest, token: IdToken): Promise<void> {
  await differential(t, [{ idToken: token }]);
}

/**
 * Memory State "None of the configured valid IdTokens is present in Authorization Cache or Local
 * Authorization List": ClearCache where the station's cache is enabled, the tokens taken out of the list
 * where its list is (a disabled one holds nothing that counts).
 */
export async function noLocalTokens(t: CsTest, tokens: readonly IdToken[]): Promise<void> {
  await t.state("NoLocalIdTokens", async () => {
    if (await enabled(t, "AuthCacheCtrlr")) {
      const cleared = await t.send("Before", "ClearCache", {});
      t.expect("Before", "ClearCacheResponse status", cleared.status, "Accepted");
    }
    if (await enabled(t, "LocalAuthListCtrlr")) {
      const status = await differential(
        t,
        tokens.map((idToken) => ({ idToken })),
      );
      t.expect("Before", "SendLocalListResponse status", status, "Accepted");
    }
  });
}
