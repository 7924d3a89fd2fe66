import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Feature } from "../../src/conformance/index.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { csCasesOf, csConfig, type FaultCase, runAgainstSimulator } from "./cs-harness.js";
import { rootCheckRun } from "./root-check.js";

const cases = csCasesOf("M");
/** The cases of a station with AdditionalRootCertificateCheck true run on their own (TLS, another config). */
const needsRootCheck = (kase: (typeof cases)[number]) => kase.features?.includes(Feature.AdditionalRootCertificateCheck) === true;
const inScope = cases.filter((kase) => !kase.outOfScope && !needsRootCheck(kase));
const rootCheckIds = ["TC_M_01_CS", "TC_M_02_CS", "TC_M_09_CS", "TC_M_31_CS", "TC_M_30_CS"];
const rootCheckCases = cases.filter((kase) => rootCheckIds.includes(kase.id));

type Body = Record<string, unknown>;
/** The station answers `action` with `answer` instead of what its model says. */
const answers = (action: string, answer: (request: Body) => Body) => (_c: SimulatedCharger2, p: ChargePoint) =>
  p.route(action, answer as never);
/** InstallCertificate is answered Accepted, and nothing is installed. */
const forgetsInstall = answers("InstallCertificate", () => ({ status: "Accepted" }));
/** GetInstalledCertificateIds lists the certificates with their serial numbers wrong. */
const wrongSerial = (c: SimulatedCharger2, p: ChargePoint) =>
  p.route("GetInstalledCertificateIds", (request: { certificateType?: string[] }) => {
    const found = c.station.certificates.list(request.certificateType);
    if (!found.length) return { status: "NotFound" };
    return {
      status: "Accepted",
      certificateHashDataChain: found.map((e) => ({ certificateType: e.use, certificateHashData: { ...e.hash, serialNumber: "abcdef" } })),
    };
  });

const faults: Record<string, FaultCase> = {
  TC_M_01_CS: { fault: answers("InstallCertificate", () => ({ status: "Rejected" })), step: "CertificateInstalled 2" },
  TC_M_02_CS: { fault: forgetsInstall, step: "GetInstalledCertificates 2" },
  // An expired certificate is installed.
  TC_M_07_CS: {
    fault: answers("InstallCertificate", () => ({ status: "Accepted" })),
    step: "2",
  },
  TC_M_12_CS: { fault: wrongSerial, step: "GetInstalledCertificates 2" },
  TC_M_13_CS: { fault: forgetsInstall, step: "GetInstalledCertificates 2" },
  TC_M_17_CS: { fault: wrongSerial, step: "GetInstalledCertificates 2" },
  TC_M_18_CS: { fault: wrongSerial, step: "2" },
  // A certificate of the type asked for, which the station does not have.
  TC_M_19_CS: {
    fault: answers("GetInstalledCertificateIds", () => ({
      status: "Accepted",
      certificateHashDataChain: [
        {
          certificateType: "MORootCertificate",
          certificateHashData: { hashAlgorithm: "SHA256", issuerNameHash: "00", issuerKeyHash: "00", serialNumber: "01" },
        },
      ],
    })),
    step: "2",
  },
  TC_M_20_CS: { fault: answers("DeleteCertificate", () => ({ status: "Accepted" })), step: "4" },
  TC_M_22_CS: { fault: answers("DeleteCertificate", () => ({ status: "Accepted" })), step: "3" },
  // The station deletes its own certificate when asked.
  TC_M_23_CS: { fault: answers("DeleteCertificate", () => ({ status: "Accepted" })), step: "3" },
};

/** The wrong stations with AdditionalRootCertificateCheck true; the step each case must fail at. */
const rootCheckFaults: Record<string, FaultCase & { maxWaitS?: number }> = {
  // It installs a root the old one did not sign (the check ignored when installing).
  TC_M_09_CS: {
    fault: (c) => {
      const model = c.station.model;
      const read = model.value.bind(model);
      model.value = (component: string, name: string) => (name === "AdditionalRootCertificateCheck" ? "false" : read(component, name));
    },
    step: "2",
  },
  // It keeps no fallback root: the new root does not verify the old root's server certificate, it never gets back.
  TC_M_31_CS: {
    fault: (c) => {
      Object.defineProperty(c.station.rootCheck, "fallback", { get: () => undefined });
    },
    step: "5",
    maxWaitS: 8,
  },
  // It keeps the old root after connecting with the new one.
  TC_M_30_CS: {
    fault: (c) => {
      c.station.rootCheck.connectedWithCurrent = () => false;
    },
    step: "7",
  },
};

describe("conformance cs, block M (certificate management)", () => {
  it("every TC_M_*_CS case in scope passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(
      cases.filter((kase) => !needsRootCheck(kase)),
      csConfig(),
    );
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass" && !(r.outcome === "not applicable" && /out of scope/.test(r.reason ?? ""))),
      [],
    );
    assert.deepEqual(
      results.filter((r) => r.outcome === "pass").map((r) => r.id),
      inScope.map((kase) => kase.id),
    );
  });

  for (const kase of inScope) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }

  it("TC_M_09, 31 and 30 pass against the simulated charger with AdditionalRootCertificateCheck true (TC_M_01 with the new root, TC_M_02 not applicable)", async () => {
    const { config, secured } = rootCheckRun();
    const results = await runAgainstSimulator(rootCheckCases, config, undefined, { secured });
    // TC_M_02's prerequisite is a station without the check.
    const expected = (id: string) => (id === "TC_M_02_CS" ? "not applicable" : "pass");
    assert.deepEqual(
      results.map((r) => `${r.id}: ${r.outcome}`),
      rootCheckIds.map((id) => `${id}: ${expected(id)}`),
      results.map((r) => `${r.id}: ${r.outcome} at ${r.step} ${r.reason}`).join("\n"),
    );
  });

  for (const [id, faultCase] of Object.entries(rootCheckFaults)) {
    it(`${id} fails against a wrong station with AdditionalRootCertificateCheck true at the named step`, async () => {
      const kase = cases.find((k) => k.id === id);
      assert.ok(kase, id);
      const { config, secured } = rootCheckRun({ actionTimeoutS: 6, ...(faultCase.maxWaitS ? { maxWaitS: faultCase.maxWaitS } : {}) });
      const [result] = await runAgainstSimulator([kase], config, faultCase.fault, { secured });
      assert.equal(result?.outcome, "fail", `${id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${id}: ${result?.reason}`);
    });
  }
});
