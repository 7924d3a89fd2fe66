import assert from "node:assert/strict";
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { type ConformanceConfig, type CsCase, Feature, resolveConfig } from "../../src/conformance/index.js";
import { DuringTransaction, installFailsMarker } from "../../src/station/firmware.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { repoFile } from "../cli/cli-process.js";
import { csCasesOf, csConfig, type Fault, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("L");
const pem = (name: string) => readFileSync(repoFile(`test/fixtures/certs/${name}`), "utf8");
const key = (name: string) => createPrivateKey(pem(name));

/**
 * Firmware files on a real HTTP server that answers each GET after a second (so a download is still
 * under way when TC_L_10/11_CS send their second request): the good one signed (SHA-256, ECDSA) with the
 * fixtures' CA key, whose certificate is the signing certificate and the simulator's
 * ManufacturerRootCertificate; TC_L_08_CS's one, whose installation fails (it holds the simulator's
 * marker), signed by cp-1, a certificate that CA issued; TC_L_05_CS's invalid signing certificate is
 * another CA's.
 */
async function firmwareConfig(t: { after(fn: () => unknown): void }, over: Partial<ConformanceConfig> = {}): Promise<ConformanceConfig> {
  const file = Buffer.from("ocppkit conformance firmware 1.0.1\n".repeat(64));
  const broken = Buffer.from(`ocppkit conformance firmware 1.0.2\n${installFailsMarker}\n`.repeat(64));
  const files: Record<string, Buffer> = { "/firmware-1.0.1.bin": file, "/firmware-1.0.2-broken.bin": broken };
  const server = createServer((request, response) => {
    const timer = setTimeout(() => {
      const body = files[request.url ?? ""];
      if (body) response.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
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
  return csConfig({
    firmware: {
      location: `http://127.0.0.1:${port}/firmware-1.0.1.bin`,
      signingCertificate: pem("ca.crt"),
      signature: sign("sha256", file, key("ca.key")).toString("base64"),
      downloadOffsetS: 2,
      installOffsetS: 2,
      invalidSigningCertificate: pem("untrusted-ca.crt"),
      installFailure: {
        location: `http://127.0.0.1:${port}/firmware-1.0.2-broken.bin`,
        signingCertificate: pem("cp-1.crt"),
        signature: sign("sha256", broken, key("cp-1.key")).toString("base64"),
      },
    },
    ...over,
  });
}

/** The simulated station as it leaves the factory: its ManufacturerRootCertificate is the fixtures' CA. */
const factory = (charger: SimulatedCharger2, _peer?: ChargePoint) => {
  assert.equal(charger.station.certificates.install("ManufacturerRootCertificate", pem("ca.crt"), 10), "Accepted");
};

/**
 * The station variants part 6's prerequisites ask for (none of them a fault): the simulator cancels a
 * running update and downloads and installs during a transaction (without a reboot), claiming every
 * feature; TC_L_11 needs one that cannot cancel, TC_L_12/13 one that waits to download, TC_L_14/15 one
 * that waits to install. The features are the variant's claims.
 */
interface Variant {
  readonly setup: Fault;
  readonly features: readonly Feature[];
}
/** What the simulator started without options claims (a socket, not a fixed cable: the L sessions unplug at the station). */
const claimed = csConfig().features;
const without = (...absent: Feature[]) => claimed.filter((f) => !absent.includes(f));
const simulator: Variant = { setup: factory, features: claimed };
const waitsToDownload = during(DuringTransaction.Wait, Feature.FirmwareUpdateDuringTransaction, Feature.FirmwareDownloadDuringTransaction);
const waitsToInstall = during(DuringTransaction.Download, Feature.FirmwareUpdateDuringTransaction);
const variants: Record<string, Variant> = {
  TC_L_11_CS: {
    setup: (c, p) => {
      factory(c, p);
      c.station.operations.firmware.cancellable = false;
    },
    features: without(Feature.CancelFirmwareUpdate),
  },
  TC_L_12_CS: waitsToDownload,
  TC_L_13_CS: waitsToDownload,
  TC_L_14_CS: waitsToInstall,
  TC_L_15_CS: waitsToInstall,
};

function during(mode: DuringTransaction, ...absent: Feature[]): Variant {
  return {
    setup: (c, p) => {
      factory(c, p);
      c.station.operations.firmware.duringTransaction = mode;
    },
    features: without(...absent),
  };
}

const variantOf = (kase: CsCase) => variants[kase.id] ?? simulator;

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
  // Wrong status: a station that takes any readable signing certificate.
  TC_L_05_CS: { fault: (_c, p: ChargePoint) => p.route("UpdateFirmware", () => ({ status: "Accepted" })), step: "2" },
  // Wrong status: the failed installation reported Installed.
  TC_L_08_CS: {
    fault: (c) =>
      onSend(c, (a, b) =>
        a === "FirmwareStatusNotification" && b.status === "InstallVerificationFailed" ? { ...b, status: "Installed" } : b,
      ),
    step: "19",
  },
  // Wrong status: the station claims it cannot cancel, yet cancels.
  TC_L_11_CS: {
    fault: (c) => {
      c.station.operations.firmware.cancellable = true;
    },
    step: "6",
  },
  // Out of order: the station downloads at once although it claims to wait for the transaction.
  TC_L_12_CS: {
    fault: (c) => {
      c.station.operations.firmware.duringTransaction = DuringTransaction.Download;
    },
    step: "3",
  },
  // Missing follow-up: the idle EVSE never reports Unavailable.
  TC_L_13_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "StatusNotification" && b.connectorStatus === "Unavailable" ? undefined : b)),
    step: "5",
  },
  TC_L_14_CS: { fault: dropStatus("InstallScheduled"), step: "9" },
  TC_L_15_CS: { fault: dropStatus("InstallScheduled"), step: "11" },
  // Wrong status: the station claims to update during a transaction but schedules the installation.
  TC_L_16_CS: {
    fault: (c) => {
      c.station.operations.firmware.duringTransaction = DuringTransaction.Download;
    },
    step: "9",
  },
  // Wrong status: an unsigned update accepted.
  TC_L_18_CS: { fault: (_c, p: ChargePoint) => p.route("UpdateFirmware", () => ({ status: "Accepted" })), step: "2" },
};

/** Runs `kases` against the simulator variant, with `fault` on top. */
async function run(
  t: { after(fn: () => unknown): void },
  kases: CsCase[],
  variant: Variant,
  fault?: Fault,
  over: Partial<ConformanceConfig> = {},
) {
  const config = await firmwareConfig(t, { features: variant.features, ...over });
  return runAgainstSimulator(kases, config, (c, p) => {
    variant.setup(c, p);
    fault?.(c, p);
  });
}

describe("conformance cs, block L (FirmwareManagement)", () => {
  it("every TC_L_*_CS case passes against the simulated charger, which downloads, verifies and installs from a real file server", async (t) => {
    const results = await run(t, cases, simulator);
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass" && r.outcome !== "not applicable"),
      [],
    );
    // Written for other station variants; they pass against the simulator switched to that variant below.
    const skipped = results.filter((r) => r.outcome === "not applicable").map((r) => r.id);
    assert.deepEqual(skipped.sort(), ["TC_L_11_CS", "TC_L_12_CS", "TC_L_13_CS", "TC_L_14_CS", "TC_L_15_CS"]);
    assert.equal(results.length, cases.length);
  });

  for (const [name, ids] of [
    ["a station that cannot cancel a running update", ["TC_L_11_CS"]],
    ["a station that neither downloads nor installs during a transaction", ["TC_L_12_CS", "TC_L_13_CS"]],
    ["a station that downloads but does not install during a transaction", ["TC_L_14_CS", "TC_L_15_CS"]],
  ] as const) {
    it(`${ids.join(", ")} pass against the simulator as ${name}`, async (t) => {
      const kases = cases.filter((k) => (ids as readonly string[]).includes(k.id));
      const results = await run(t, kases, variants[ids[0]] ?? simulator);
      assert.deepEqual(
        results.map((r) => `${r.id} ${r.outcome} ${r.reason ?? ""}`.trim()),
        ids.map((id) => `${id} pass`),
      );
    });
  }

  it("without a configured invalid signing certificate or failing firmware, TC_L_05 and TC_L_08 are not applicable and say what is missing", async (t) => {
    const config = await firmwareConfig(t);
    const { invalidSigningCertificate: _, installFailure: __, ...firmware } = config.firmware;
    const kases = cases.filter((k) => k.id === "TC_L_05_CS" || k.id === "TC_L_08_CS");
    const results = await runAgainstSimulator(kases, { ...config, firmware }, factory);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ["not applicable", "not applicable"],
    );
    assert.match(String(results[0]?.reason), /firmware\.invalidSigningCertificate/);
    assert.match(String(results[1]?.reason), /firmware\.installFailure/);
  });

  it("a firmware.installFailure without its signature, or an empty invalidSigningCertificate, is a BadConfig error naming the field", () => {
    const firmware = { ...csConfig().firmware };
    const installFailure = { location: "http://127.0.0.1:1/fw.bin", signingCertificate: pem("cp-1.crt") };
    assert.throws(
      () => resolveConfig({ firmware: { ...firmware, installFailure } as ConformanceConfig["firmware"] }, "conformance.json"),
      /conformance\.json: "firmware\.installFailure\.signature" must be a non-empty string/,
    );
    assert.throws(
      () => resolveConfig({ firmware: { ...firmware, invalidSigningCertificate: "" } }, "conformance.json"),
      /conformance\.json: "firmware\.invalidSigningCertificate" must be a non-empty string \(PEM\)/,
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async (t) => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await run(t, [kase], variantOf(kase), faultCase.fault, { actionTimeoutS: 4, ...faultCase.config });
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
