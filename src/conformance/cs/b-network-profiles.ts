/**
 * Block B, migration to another network connection profile and reconnection (part 6 section 2.3,
 * TC_B_45, 46, 49, 57): the runner serves a second endpoint of the same security profile (the
 * "alternative internal OCTT endpoint", another CSMS), and refuses the attempts a step says are "not
 * accepted" (HTTP 404), counting and timing every attempt.
 */
import { type CsCase, Feature } from "../case.js";
import { getVariable, prioritize, setNetworkProfile, setVariable, slots } from "./a-security.js";
import { listsOldRoot, newRootInstalled, rootsConfigured, uninstallNewRoot } from "./certificate-states.js";
import { type CsTest, PhysicalAction } from "./cs-test.js";
import { booted, csCase, evDisconnected, expectConnectorState } from "./states.js";

/** `<Configured RetryBackOffWaitMinimum>` (TC_B_49, TC_B_57), in seconds. */
export const retryBackOffWaitMinimumS = 2;
/** `<Configured offlineThreshold>` (TC_B_51, TC_B_52), in seconds. */
export const offlineThresholdS = 4;
/** A timer fires no earlier than set; the tool sees the attempt a little after the station made it. */
const earlyMs = 250;
/** `<Configured Long Operation Time Out>`: the station's attempts with a failing profile back off (TC_B_46, TC_B_49). */
const longOperationS = (t: CsTest) => Math.max(t.config.actionTimeoutS, t.config.maxWaitS);

/** Configuration State: sets OCPPCommCtrlr variables for the case; returns what puts the old values back after it. */
async function configure(t: CsTest, values: Record<string, string>): Promise<() => Promise<void>> {
  const before: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    before[name] = await getVariable(t, "before", "OCPPCommCtrlr", name);
    await setVariable(t, "before", "OCPPCommCtrlr", name, value);
  }
  return async () => {
    for (const [name, value] of Object.entries(before))
      if (value !== undefined) await setVariable(t, "after", "OCPPCommCtrlr", name, value);
  };
}

/** Not part 6: the station goes back to the slot it was connected with, so the cases that follow find it there. */
async function restorePriority(t: CsTest, active: number): Promise<void> {
  await setVariable(t, "after", "OCPPCommCtrlr", "NetworkConfigurationPriority", String(active));
}

/**
 * TC_B_51 and TC_B_52: the tool closes the connection and refuses reconnects until `refuseS` passed, the
 * EV is connected meanwhile, and once back the station reports the configured connector Occupied
 * (step 4), and with `all` every other connector Available.
 */
function statusWhileOffline(id: string, name: string, waitS: number, all: boolean): CsCase {
  return csCase({
    id,
    name,
    useCases: ["B04"],
    async run(t) {
      const restore = await configure(t, {
        OfflineThreshold: String(offlineThresholdS),
        RetryBackOffWaitMinimum: String(waitS),
        RetryBackOffRandomRange: "0",
      });
      const since = t.mark();
      const attempts = t.markAttempts();
      // Step 1: "does not accept a reconnect" (until step 3: past the threshold for TC_B_51).
      const until = performance.now() + (all ? offlineThresholdS * 1000 : 0);
      t.refuseConnections((attempt) => attempt.index >= attempts && attempt.atMs < until);
      await t.disconnect(1);
      await t.act(2, PhysicalAction.PlugIn, "Connect the EV and EVSE", { evseId: t.evseId, connectorId: t.connectorId });
      await t.expectAttempt(3, "the station reconnects", {
        since: attempts,
        where: (a) => a.accepted,
        timeoutS: t.config.actionTimeoutS + waitS,
      });
      await t.expectConnected(3);
      await expectConnectorState(t, 4, "Occupied", t.evseId, t.connectorId, since);
      if (all)
        for (let evse = 1; evse <= t.config.evses; evse++)
          if (evse !== t.evseId) await expectConnectorState(t, 4, "Available", evse, 1, since);
      t.refuseConnections(undefined);
      await evDisconnected(t, "after");
      await restore();
    },
  });
}

export const networkProfileCsCases: CsCase[] = [
  csCase({
    id: "TC_B_45_CS",
    name: "Migrate to new ConnectionProfile - Success - Same CSMS Root",
    useCases: ["B09", "B10"],
    async run(t) {
      const { free, active } = await slots(t);
      // <ocppCsmsUrl that is not currently active>: the runner's other endpoint, the "new CSMS".
      const other = await t.otherEndpoint(1);
      await setNetworkProfile(t, free, other.url, t.config.securityProfile);
      await prioritize(t, `${free},${active}`);
      // Step 7's note: the station connects using <Configured connectionData2>.
      await t.expectConnected(7, other.endpoint);
      await booted(t);
    },
  }),
  csCase({
    id: "TC_B_46_CS",
    name: "Migrate to new ConnectionProfile - Fallback mechanism - Same CSMS Root",
    useCases: ["B10"],
    async run(t) {
      const attempts = 2;
      const restore = await configure(t, { NetworkProfileConnectionAttempts: String(attempts) });
      const { free, active } = await slots(t);
      // <invalid ocppCsmsUrl>: the runner's other endpoint refusing every attempt, so it can count them
      // (part 6 step 7: "will NOT respond to the two connection request[s] from the first connectionSlot").
      const other = await t.otherEndpoint(1);
      t.refuseConnections((attempt) => attempt.endpoint === other.endpoint);
      await setNetworkProfile(t, free, other.url, t.config.securityProfile);
      const since = t.markAttempts();
      await prioritize(t, `${free},${active}`);
      const back = await t.expectAttempt(8, "the station connects with the second connectionSlot", {
        since,
        where: (a) => a.endpoint !== other.endpoint,
        timeoutS: longOperationS(t),
      });
      t.expect(
        7,
        "connection attempts with the first connectionSlot before the second (NetworkProfileConnectionAttempts)",
        t.attemptsSince(since, back.index).filter((a) => a.endpoint === other.endpoint).length,
        attempts,
      );
      await t.expectConnected(8);
      await restorePriority(t, active);
      await booted(t);
      await restore();
    },
  }),
  csCase({
    id: "TC_B_47_CS",
    name: "Migrate to new ConnectionProfile - Fallback after NetworkProfileConnectionAttempts per NetworkConfigurationPriority failed - New CSMS Root - New CSMS",
    useCases: ["B09", "B10", "M05"],
    features: [Feature.B, Feature.AdditionalRootCertificateCheck],
    requires: rootsConfigured("both"),
    async run(t) {
      const restore = await configure(t, { NetworkProfileConnectionAttempts: "1" });
      await newRootInstalled(t);
      const { free, active } = await slots(t);
      const other = await t.otherEndpoint(1);
      const previous = t.connectedTo;
      // Step 7: the other CSMS shows a certificate of the old root, which the new root does not verify.
      await t.serveCsmsCertificate(7, "old", other.endpoint);
      await setNetworkProfile(t, free, other.url, t.config.securityProfile);
      const since = t.markAttempts();
      await prioritize(t, String(free), true);
      // Step 9 (B10.FR.07, M05.FR.14): the previous profile, verified with the fallback root. The first
      // connection the runner lets in tells where the station went: the fallback root is not for the new CSMS.
      const back = await t.expectAttempt(9, "the station switches back to the previous network profile", {
        since,
        where: (a) => a.accepted,
        timeoutS: longOperationS(t),
      });
      t.expect(9, "the endpoint of the station's connection (the previous network profile)", back.endpoint, previous);
      await t.expectConnected(9);
      await booted(t);
      const ids = await t.send(11, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      t.expect(12, "GetInstalledCertificateIdsResponse status", ids.status, "Accepted");
      t.expectThat(
        12,
        "GetInstalledCertificateIdsResponse certificateHashDataChain entry of the old CSMS root",
        listsOldRoot(t, ids),
        "an entry with the old root's hash data (the fallback)",
        ids.certificateHashDataChain,
      );
      await restorePriority(t, active);
      await uninstallNewRoot(t);
      await restore();
    },
  }),
  csCase({
    id: "TC_B_49_CS",
    name: "Migrate to new ConnectionProfile - Fallback after NetworkProfileConnectionAttempts per NetworkConfigurationPriority failed - Same CSMS Root",
    useCases: ["B10"],
    async run(t) {
      const restore = await configure(t, {
        NetworkProfileConnectionAttempts: "1",
        RetryBackOffRepeatTimes: "0",
        RetryBackOffRandomRange: "0",
        RetryBackOffWaitMinimum: String(retryBackOffWaitMinimumS),
      });
      const { free, active } = await slots(t);
      const other = await t.otherEndpoint(1);
      const previous = t.connectedTo;
      await setNetworkProfile(t, free, other.url, t.config.securityProfile);
      const since = t.markAttempts();
      let refusedPrevious = false;
      // Steps 8 and 10 refuse; step 12 accepts (the other endpoint never does: it is "not accepted").
      t.refuseConnections((attempt) => {
        if (attempt.endpoint === other.endpoint) return true;
        if (refusedPrevious) return false;
        refusedPrevious = true;
        return true;
      });
      await prioritize(t, String(free), true);
      const first = await t.expectAttempt(7, "the station connects to the alternative endpoint", { since });
      t.expect(7, "the endpoint of the first connection attempt after the reset", first.endpoint, other.endpoint);
      const fallback = await t.expectAttempt(9, "the station switches back to the previous network profile", { since: first.index + 1 });
      t.expect(9, "the endpoint of the attempt after the failed one", fallback.endpoint, previous);
      const accepted = await t.expectAttempt(11, "the station reconnects after RetryBackOffWaitMinimum", {
        since: fallback.index + 1,
        where: (a) => a.accepted,
        timeoutS: longOperationS(t),
      });
      const waitedMs = accepted.atMs - fallback.atMs;
      t.expectThat(
        11,
        "the wait before reconnecting (RetryBackOffWaitMinimum)",
        waitedMs >= retryBackOffWaitMinimumS * 1000 - earlyMs,
        `at least ${retryBackOffWaitMinimumS} s`,
        `${Math.round(waitedMs)} ms`,
      );
      await t.expectConnected(12);
      await restorePriority(t, active);
      await booted(t);
      await restore();
    },
  }),
  csCase({
    id: "TC_B_50_CS",
    name: "Migrate to new ConnectionProfile - Success - New CSMS Root - New CSMS",
    useCases: ["B10", "M05"],
    features: [Feature.B, Feature.AdditionalRootCertificateCheck],
    requires: rootsConfigured("both"),
    async run(t) {
      await newRootInstalled(t);
      const { free } = await slots(t);
      const other = await t.otherEndpoint(1);
      // Step 8's note: the new CSMS shows a certificate of the new root. The station trusts only that one
      // afterwards (M05.FR.13), so the endpoint keeps serving it.
      await t.serveCsmsCertificate(8, "new", other.endpoint);
      await setNetworkProfile(t, free, other.url, t.config.securityProfile);
      await prioritize(t, String(free), true);
      await t.expectConnected(7, other.endpoint);
      await booted(t);
      const ids = await t.send(10, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      t.expect(11, "GetInstalledCertificateIdsResponse status", ids.status, "Accepted");
      t.expectThat(
        11,
        "GetInstalledCertificateIdsResponse certificateHashDataChain entry of the old CSMS root",
        !listsOldRoot(t, ids),
        "no entry with the old root's hash data (the fallback is dropped once connected with the new root)",
        ids.certificateHashDataChain,
      );
    },
  }),
  // B04.FR.01; RetryBackOffWaitMinimum is the threshold + 2 s: the station is back after the threshold.
  statusWhileOffline("TC_B_51_CS", "Status change during offline period - > Offline Threshold", offlineThresholdS + 2, true),
  // B04.FR.02; RetryBackOffWaitMinimum is the threshold - 2 s: the station is back before it.
  statusWhileOffline("TC_B_52_CS", "Status change during offline period - < Offline Threshold", offlineThresholdS - 2, false),
  csCase({
    id: "TC_B_57_CS",
    name: "Network Reconnection - After connection loss",
    useCases: [],
    async run(t) {
      const waitMs = retryBackOffWaitMinimumS * 1000;
      const restore = await configure(t, {
        RetryBackOffRepeatTimes: "2",
        RetryBackOffRandomRange: "0",
        RetryBackOffWaitMinimum: String(retryBackOffWaitMinimumS),
      });
      const since = t.markAttempts();
      const closedAt = performance.now();
      await t.disconnect(1);
      const second = await t.expectAttempt(2, "the station reconnects", {
        since,
        timeoutS: t.config.actionTimeoutS + retryBackOffWaitMinimumS,
      });
      const reconnectMs = second.atMs - closedAt;
      t.expectThat(
        2,
        "the reconnection time (RetryBackOffWaitMinimum)",
        reconnectMs >= waitMs - earlyMs,
        `at least ${retryBackOffWaitMinimumS} s`,
        `${Math.round(reconnectMs)} ms`,
      );
      await t.expectConnected(3);
      const again = t.markAttempts();
      t.refuseConnections((attempt) => attempt.index === again);
      const closedAgainAt = performance.now();
      await t.disconnect(4);
      const refused = await t.expectAttempt(5, "the station reconnects", {
        since: again,
        timeoutS: t.config.actionTimeoutS + retryBackOffWaitMinimumS,
      });
      const last = await t.expectAttempt(7, "the station reconnects after a doubled back-off", {
        since: refused.index + 1,
        timeoutS: t.config.actionTimeoutS + 2 * retryBackOffWaitMinimumS,
      });
      // "At least 3 times the reconnection time from step 2": RetryBackOffWaitMinimum, then twice it. Step
      // 2's measured time also holds the closing handshake, which the doubling does not triple.
      const totalMs = last.atMs - closedAgainAt;
      t.expectThat(
        7,
        "the reconnection time after a refused attempt (RetryBackOffWaitMinimum + 2 × RetryBackOffWaitMinimum)",
        totalMs >= 3 * waitMs - earlyMs,
        `at least ${3 * retryBackOffWaitMinimumS} s`,
        `${Math.round(totalMs)} ms`,
      );
      await t.expectConnected(8);
      await restore();
    },
  }),
];
