import { test } from "node:test";
import { defaultConfig } from "../../src/conformance/index.js";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_M_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("M"));

const wrongHash = { hashAlgorithm: "SHA256", issuerNameHash: "00", issuerKeyHash: "00", serialNumber: "1" };
const faults: Record<string, FaultCase> = {
  TC_M_01_CSMS: {
    fault: { trigger: { certificate: defaultConfig.certificates.ManufacturerRootCertificate } },
    step: "1 CertificateInstalled 1",
  },
  TC_M_02_CSMS: { fault: { trigger: { certificateType: "CSMSRootCertificate" } }, step: "1 CertificateInstalled 1" },
  TC_M_05_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_M_13_CSMS: { fault: { trigger: { certificateType: ["CSMSRootCertificate"] } }, step: "1 GetInstalledCertificates 1" },
  TC_M_18_CSMS: { fault: { trigger: { certificateType: ["CSMSRootCertificate"] } }, step: "1" },
  TC_M_19_CSMS: { fault: { trigger: { certificateType: ["CSMSRootCertificate"] } }, step: "1" },
  TC_M_20_CSMS: { fault: { trigger: { certificateHashData: wrongHash }, nth: 6 }, step: "SHA384 4" },
  TC_M_21_CSMS: { fault: { ignoreTrigger: true, nth: 3 }, step: "3" },
};

test("every TC_M_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("M", faults));
