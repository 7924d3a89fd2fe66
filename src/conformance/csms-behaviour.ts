/**
 * What a CSMS must be configured to do for the cases to pass, derived from the same config the runner
 * reads: the token lists (valid, invalid, blocked, expired, group, master pass) and the station answered
 * Pending first. `ocppkit serve --conformance conformance.json` behaves this way; for another CSMS it is
 * the checklist of its set-up.
 */
import type { ConformanceConfig, IdToken } from "./config.js";

export interface ExpectedCsmsBehaviour {
  /** Seconds of the Pending interval for this station's first BootNotification on a connection, or undefined (Accepted). */
  pendingFirstBoot(stationId: string): number | undefined;
  /** The idTokenInfo of Authorize and TransactionEvent for this token. */
  idTokenInfo(idToken: IdToken): Record<string, unknown>;
  /** A DataTransfer of a vendor the CSMS does not know (P02). */
  dataTransfer(request: Record<string, unknown>): Record<string, unknown>;
}

export function expectedCsmsBehaviour(config: ConformanceConfig, pendingIntervalS = 1): ExpectedCsmsBehaviour {
  const t = config.idTokens;
  const same = (a: IdToken, b: IdToken) => a.idToken === b.idToken && a.type === b.type;
  return {
    dataTransfer: () => ({ status: "UnknownVendorId" }),
    pendingFirstBoot: (stationId) => (stationId === config.pendingStationId ? pendingIntervalS : undefined),
    idTokenInfo(idToken) {
      if (same(idToken, t.valid) || same(idToken, t.validSameGroup))
        return { status: "Accepted", groupIdToken: { idToken: t.groupId, type: "Central" } };
      if (same(idToken, t.masterPass)) return { status: "Accepted", groupIdToken: { idToken: t.masterPassGroupId, type: "Central" } };
      if (same(idToken, t.blocked)) return { status: "Blocked" };
      if (same(idToken, t.expired)) return { status: "Expired" };
      if (same(idToken, t.invalid)) return { status: "Invalid" };
      return { status: "Unknown" };
    },
  };
}
