import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { ConformanceConfig } from "../../src/conformance/index.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import { repoFile } from "../cli/cli-process.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("F");

/**
 * The log location and firmware location of TC_F_16 / TC_F_19: a server on 127.0.0.1 that takes the
 * request and does not answer while the test runs, so the upload or download stays under way.
 */
let transfers: Server;
let transferUrl = "";
before(async () => {
  transfers = createServer(() => {});
  await new Promise<void>((resolve) => transfers.listen(0, "127.0.0.1", resolve));
  transferUrl = `http://127.0.0.1:${(transfers.address() as AddressInfo).port}`;
});
after(() => {
  transfers.closeAllConnections();
  transfers.close();
});
const config = (over: Partial<ConformanceConfig> = {}) =>
  csConfig({
    evConnectionTimeoutS: 2,
    logRemoteLocation: `${transferUrl}/logs`,
    firmware: {
      location: `${transferUrl}/firmware.bin`,
      signingCertificate: readFileSync(repoFile("test/fixtures/certs/cp-1.crt"), "utf8"),
      signature: "c2lnbmF0dXJl",
      downloadOffsetS: 60,
      installOffsetS: 60,
    },
    ...over,
  });
const triggerAnswer = (status: string) => ({ status });

/** One fault per case: wrong status, missing follow-up, wrong content, invalid payload. */
type Body = Record<string, unknown>;
const tx = (which: (b: Body) => boolean, change: (b: Body) => Body | undefined) => (c: SimulatedCharger2) =>
  onSend(c, (a, b) => (a === "TransactionEvent" && which(b) ? change(b) : b));
const remoteStartAs = (triggerReason: string) =>
  tx(
    (b) => b.triggerReason === "RemoteStart",
    (b) => ({ ...b, triggerReason }),
  );

const faults: Record<string, FaultCase> = {
  TC_F_01_CS: { fault: remoteStartAs("ChargingStateChanged"), step: "2 EnergyTransferStarted 7" },
  TC_F_02_CS: { fault: (_c, p) => p.route("RequestStartTransaction", () => ({ status: "Rejected" })), step: "1 Authorized 2" },
  TC_F_03_CS: { fault: remoteStartAs("Authorized"), step: "2 EnergyTransferStarted 7" },
  TC_F_04_CS: {
    fault: tx(
      (b) => b.triggerReason === "EVConnectTimeout",
      (b) => ({ ...b, transactionInfo: { ...(b.transactionInfo as Body), stoppedReason: "Local" } }),
    ),
    step: "1",
  },
  TC_F_05_CS: { fault: (_c, p) => p.route("UnlockConnector", () => ({ status: "Unlocked" })), step: "2" },
  TC_F_08_CS: { fault: (_c, p) => p.route("RequestStopTransaction", () => ({ status: "Rejected" })), step: "1 StopAuthorized 2" },
  TC_F_09_CS: { fault: (_c, p) => p.route("RequestStopTransaction", () => ({ status: "Accepted" })), step: "2" },
  TC_F_13_CS: {
    fault: tx(
      (b) => b.triggerReason === "Trigger",
      (b) => ({ ...b, transactionInfo: { ...(b.transactionInfo as Body), chargingState: "EVConnected" } }),
    ),
    step: "3",
  },
  TC_F_14_CS: {
    fault: tx(
      (b) => b.triggerReason === "Trigger" && (b.evse as Body).id === 2,
      () => undefined,
    ),
    step: "3",
  },
  TC_F_15_CS: { fault: (c) => onSend(c, (a, b) => (a === "LogStatusNotification" ? { ...b, status: "Uploading" } : b)), step: "3" },
  TC_F_16_CS: { fault: (c) => onSend(c, (a, b) => (a === "LogStatusNotification" ? { ...b, status: "Uploaded" } : b)), step: "3" },
  TC_F_19_CS: { fault: (_c, p) => p.route("UpdateFirmware", () => ({ status: "Rejected" })), step: "2" },
  TC_F_24_CS: { fault: (_c, p) => p.route("TriggerMessage", () => triggerAnswer("Rejected")), step: "2" },
  TC_F_06_CS: { fault: (_c, p) => p.route("UnlockConnector", () => ({ status: "UnlockFailed" })), step: "2" },
  // Invalid payload: a status the schema does not have.
  TC_F_07_CS: { fault: (_c, p) => p.route("UnlockConnector", () => ({ status: "Open" }), { skipSchemaValidation: true }), step: "1" },
  TC_F_10_CS: { fault: (_c, p) => p.route("UnlockConnector", () => ({ status: "Unlocked" })), step: "2" },
  TC_F_11_CS: { fault: (c) => onSend(c, (a, b) => (a === "MeterValues" ? { ...b, evseId: 2 } : b)), step: "3" },
  TC_F_12_CS: { fault: (c) => onSend(c, (a, b) => (a === "MeterValues" && b.evseId === 2 ? undefined : b)), step: "3" },
  TC_F_17_CS: { fault: (_c, p) => p.route("TriggerMessage", () => triggerAnswer("NotImplemented")), step: "2" },
  TC_F_18_CS: { fault: (c) => onSend(c, (a, b) => (a === "FirmwareStatusNotification" ? { ...b, status: "Installed" } : b)), step: "3" },
  // Missing follow-up; the heartbeat interval is long so that no periodic Heartbeat stands in for it.
  TC_F_20_CS: { fault: (_c, p) => p.routeAfter("TriggerMessage", () => {}), step: "3", config: { heartbeatIntervalS: 300 } },
  TC_F_23_CS: { fault: (c) => onSend(c, (a, b) => (a === "StatusNotification" ? { ...b, connectorStatus: "Faulted" } : b)), step: "3" },
  TC_F_26_CS: { fault: (_c, p) => p.route("TriggerMessage", () => triggerAnswer("Accepted")), step: "2" },
  TC_F_27_CS: { fault: (_c, p) => p.route("TriggerMessage", () => triggerAnswer("Rejected")), step: "2" },
};

describe("conformance cs, block F (RemoteControl)", () => {
  it("every TC_F_*_CS case in scope passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(cases, config());
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass"),
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
