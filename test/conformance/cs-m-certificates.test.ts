import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";
import { csCasesOf, csConfig, type FaultCase, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("M");
const inScope = cases.filter((kase) => !kase.outOfScope);

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

describe("conformance cs, block M (certificate management)", () => {
  it("every TC_M_*_CS case in scope passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(cases, csConfig());
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
});
