import assert from "node:assert/strict";
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import type { ConformanceConfig } from "../../src/conformance/index.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { repoFile } from "../cli/cli-process.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("L");

/**
 * A firmware file on a real HTTP server that answers each GET after a second (so a download is still
 * under way when TC_L_10_CS sends its second request), signed (SHA-256, ECDSA) with the fixtures' CA key,
 * whose certificate is the signing certificate.
 */
async function firmwareConfig(t: { after(fn: () => unknown): void }, over: Partial<ConformanceConfig> = {}): Promise<ConformanceConfig> {
  const file = Buffer.from("ocppkit conformance firmware 1.0.1\n".repeat(64));
  const server = createServer((request, response) => {
    const timer = setTimeout(() => {
      if (request.url === "/firmware-1.0.1.bin") response.writeHead(200, { "content-type": "application/octet-stream" }).end(file);
      else response.writeHead(404).end();
    }, 1_000);
    response.on("close", () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  const key = createPrivateKey(readFileSync(repoFile("test/fixtures/certs/ca.key")));
  return csConfig({
    firmware: {
      location: `http://127.0.0.1:${port}/firmware-1.0.1.bin`,
      signingCertificate: readFileSync(repoFile("test/fixtures/certs/ca.crt"), "utf8"),
      signature: sign("sha256", file, key).toString("base64"),
      downloadOffsetS: 2,
      installOffsetS: 2,
    },
    ...over,
  });
}

const dropStatus = (status: string) => (c: SimulatedCharger2) =>
  onSend(c, (a, b) => (a === "FirmwareStatusNotification" && b.status === status ? undefined : b));

const faults: Record<string, FaultCase> = {
  // Out of order: Installing follows Downloaded without SignatureVerified.
  TC_L_01_CS: { fault: dropStatus("SignatureVerified"), step: "7" },
  TC_L_02_CS: { fault: dropStatus("InstallScheduled"), step: "9" },
  TC_L_03_CS: { fault: dropStatus("DownloadScheduled"), step: "3" },
  // Wrong status: a plain Accepted for the request that cancels the running update.
  TC_L_10_CS: {
    fault: (_c, p: ChargePoint) => p.route("UpdateFirmware", () => ({ status: "Accepted" })),
    step: "6",
  },
  // Missing follow-up: no security event for the invalid signature.
  TC_L_06_CS: { fault: (c) => onSend(c, (a, b) => (a === "SecurityEventNotification" ? undefined : b)), step: "9" },
  // Wrong status.
  TC_L_07_CS: { fault: (_c, p: ChargePoint) => p.route("UpdateFirmware", () => ({ status: "Rejected" })), step: "2" },
};

describe("conformance cs, block L (FirmwareManagement)", () => {
  it("every TC_L_*_CS case passes against the simulated charger, which downloads, verifies and installs from a real file server", async (t) => {
    const results = await runAgainstSimulator(cases, await firmwareConfig(t));
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass"),
      [],
    );
    assert.equal(results.length, cases.length);
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async (t) => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const config = await firmwareConfig(t, { actionTimeoutS: 4, ...faultCase.config });
      const [result] = await runAgainstSimulator([kase], config, faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
