/** Part 6 section 3.14, M Certificate Management: TC_M_*_CSMS (Tables 369-376), use cases M03-M05. */
import type { CsmsCase } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import { certificateInstalled, getInstalledCertificates } from "../states.js";
import type { HashAlgorithm } from "../truststore.js";
import { csmsCase } from "./define.js";

/** M04 steps: the CSMS looks up the CSMSRootCertificate's hash data, then deletes it; the OCTT answers `status`. */
async function deleteRoot(t: CsmsTest, step: number, hashAlgorithm: HashAlgorithm, status: "Accepted" | "Failed"): Promise<void> {
  const get = await t.receive(step, "GetInstalledCertificateIds", {
    instruction: "Request the CSMS to delete the installed CSMSRootCertificate (it first gets the installed certificate ids)",
    payload: { certificateType: ["CSMSRootCertificate"] },
  });
  const types = get.payload.certificateType;
  t.expectThat(
    step,
    "GetInstalledCertificateIdsRequest certificateType",
    types === undefined || (Array.isArray(types) && types.includes("CSMSRootCertificate")),
    "CSMSRootCertificate or omitted",
    types,
  );
  const chain = t.truststore.chain(["CSMSRootCertificate"], hashAlgorithm);
  await get.reply(step + 1, { status: "Accepted", certificateHashDataChain: chain });
  const hashData = chain[0]?.certificateHashData;
  const remove = await t.receive(step + 2, "DeleteCertificate", {
    instruction: `Request the CSMS to delete the CSMSRootCertificate (${hashAlgorithm} hash data)`,
    payload: { certificateHashData: hashData },
  });
  t.expect(step + 2, "DeleteCertificateRequest certificateHashData", remove.payload.certificateHashData, hashData);
  await remove.reply(step + 3, { status });
}

export const certificateCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_M_01_CSMS",
    name: "Install CA certificate - CSMSRootCertificate",
    useCases: ["M05"],
    run: (t) => t.state("1", () => certificateInstalled(t, "CSMSRootCertificate")),
  }),
  csmsCase({
    id: "TC_M_02_CSMS",
    name: "Install CA certificate - ManufacturerRootCertificate",
    useCases: ["M05"],
    run: (t) => t.state("1", () => certificateInstalled(t, "ManufacturerRootCertificate")),
  }),
  csmsCase({
    id: "TC_M_05_CSMS",
    name: "Install CA certificate - Failed",
    useCases: ["M05"],
    async run(t) {
      const install = await t.receive(1, "InstallCertificate", {
        instruction: "Request the CSMS to install the configured CSMSRootCertificate",
        payload: { certificateType: "CSMSRootCertificate", certificate: t.config.certificates.CSMSRootCertificate },
      });
      t.expect(1, "InstallCertificateRequest certificateType", install.payload.certificateType, "CSMSRootCertificate");
      await install.reply(2, { status: "Failed" });
    },
  }),
  csmsCase({
    id: "TC_M_13_CSMS",
    name: "Retrieve certificates from Charging Station - ManufacturerRootCertificate",
    useCases: ["M03"],
    async run(t) {
      t.truststore.install("ManufacturerRootCertificate", t.config.certificates.ManufacturerRootCertificate);
      await t.state("1", () => getInstalledCertificates(t, "ManufacturerRootCertificate"));
    },
  }),
  csmsCase({
    id: "TC_M_18_CSMS",
    name: "Retrieve certificates from Charging Station - All certificateTypes",
    useCases: ["M03"],
    async run(t) {
      for (const [type, pem] of Object.entries(t.config.certificates)) t.truststore.install(type, pem);
      const get = await t.receive(1, "GetInstalledCertificateIds", {
        instruction: "Request the CSMS to get all installed certificates (without certificateType)",
        payload: {},
      });
      t.expect(1, "GetInstalledCertificateIdsRequest certificateType", get.payload.certificateType, undefined);
      await get.reply(2, { status: "Accepted", certificateHashDataChain: t.truststore.chain(undefined) });
    },
  }),
  csmsCase({
    id: "TC_M_19_CSMS",
    name: "Retrieve certificates from Charging Station - No matching certificate found",
    useCases: ["M03"],
    async run(t) {
      const get = await t.receive(1, "GetInstalledCertificateIds", {
        instruction: "Request the CSMS to get the installed certificates of type ManufacturerRootCertificate",
        payload: { certificateType: ["ManufacturerRootCertificate"] },
      });
      t.expect(1, "GetInstalledCertificateIdsRequest certificateType", get.payload.certificateType, ["ManufacturerRootCertificate"]);
      await get.reply(2, { status: "NotFound" });
    },
  }),
  csmsCase({
    id: "TC_M_20_CSMS",
    name: "Delete a certificate from a Charging Station - Success",
    useCases: ["M04"],
    async run(t) {
      // Steps 1-5, once per hash algorithm.
      for (const hashAlgorithm of ["SHA256", "SHA384", "SHA512"] as const) {
        await t.state(hashAlgorithm, async () => {
          await t.state("1", () => certificateInstalled(t, "CSMSRootCertificate"));
          await deleteRoot(t, 2, hashAlgorithm, "Accepted");
        });
      }
    },
  }),
  csmsCase({
    id: "TC_M_21_CSMS",
    name: "Delete a certificate from a Charging Station - Failed",
    useCases: ["M04"],
    async run(t) {
      await certificateInstalled(t, "CSMSRootCertificate");
      await deleteRoot(t, 1, "SHA256", "Failed");
    },
  }),
];
