/** Block M, certificate management (part 6 section 2.14): the TC_M_*_CS cases, steps numbered as there. */
import type { CsCase } from "../case.js";
import { TestCa } from "../test-ca.js";
import {
  certificateInstalled,
  chainOf,
  configured,
  getInstalledCertificates,
  hashDataOf,
  identifies,
  type RootType,
  renewChargingStationCertificate,
  testCa,
  uninstall,
} from "./certificate-states.js";
import { csCase } from "./states.js";

/**
 * M05.FR.10-14 (AdditionalRootCertificateCheck): the station replaces its CSMS root only with one the old
 * root signed, and falls back to the old one when the new one fails. The prerequisite of these cases is a
 * station with that variable true; the runner cannot make one with it, nor serve the TLS certificates
 * signed by an old and a new root they need.
 */
const additionalRootCheck =
  "needs a station with SecurityCtrlr.AdditionalRootCertificateCheck true, and a CSMS certificate chain of an old and a new root (not configurable in this runner)";

function installCase(id: string, type: RootType): CsCase {
  return csCase({
    id,
    name: `Install CA certificate - ${type}`,
    useCases: ["M05"],
    async run(t) {
      await certificateInstalled(t, type);
      await getInstalledCertificates(t, [type]);
      // Part 6's note: without AdditionalRootCertificateCheck the newly installed certificate is deleted again.
      await uninstall(t, configured(t, type));
    },
  });
}

function retrieveCase(id: string, name: string, types: RootType[]): CsCase {
  return csCase({
    id,
    name: `Retrieve certificates from Charging Station - ${name}`,
    useCases: ["M03"],
    async run(t) {
      // Memory State: CertificateInstalled for each type.
      for (const type of types) await certificateInstalled(t, type);
      await getInstalledCertificates(t, types);
      for (const type of types) await uninstall(t, configured(t, type));
    },
  });
}

export const certificateCsCases: CsCase[] = [
  installCase("TC_M_01_CS", "CSMSRootCertificate"),
  installCase("TC_M_02_CS", "ManufacturerRootCertificate"),
  csCase({
    id: "TC_M_07_CS",
    name: "Install CA certificate - Rejected - Certificate invalid",
    useCases: ["M05"],
    async run(t) {
      const expired = TestCa.expired();
      const install = await t.send(1, "InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: expired });
      t.expect(2, "InstallCertificateResponse status", install.status, "Rejected");
      const ids = await t.send(3, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      // Part 6 asks for Accepted: a station without any CSMS root answers NotFound, which lists none too.
      t.expectOneOf(4, "GetInstalledCertificateIdsResponse status", ids.status, ["Accepted", "NotFound"]);
      t.expectThat(
        4,
        "GetInstalledCertificateIdsResponse certificateHashDataChain",
        !chainOf(ids).some((e) => identifies(e.certificateHashData, expired)),
        "no entry of the expired certificate",
        ids.certificateHashDataChain,
      );
    },
  }),
  csCase({
    id: "TC_M_09_CS",
    name: "Install CA certificate - AdditionalRootCertificateCheck - Rejected",
    useCases: ["M05"],
    outOfScope: additionalRootCheck,
    async run() {},
  }),
  csCase({
    id: "TC_M_30_CS",
    name: "Install CA certificate - AdditionalRootCertificateCheck - Reconnect using new CSMS Root - Success",
    useCases: ["M05"],
    outOfScope: additionalRootCheck,
    async run() {},
  }),
  csCase({
    id: "TC_M_31_CS",
    name: "Install CA certificate - AdditionalRootCertificateCheck - Reconnect using new CSMS Root - Fallback mechanism",
    useCases: ["M05"],
    outOfScope: additionalRootCheck,
    async run() {},
  }),
  retrieveCase("TC_M_12_CS", "CSMSRootCertificate", ["CSMSRootCertificate"]),
  retrieveCase("TC_M_13_CS", "ManufacturerRootCertificate", ["ManufacturerRootCertificate"]),
  retrieveCase("TC_M_17_CS", "CSMSRootCertificate & ManufacturerRootCertificate", ["CSMSRootCertificate", "ManufacturerRootCertificate"]),
  csCase({
    id: "TC_M_18_CS",
    name: "Retrieve certificates from Charging Station - All certificateTypes",
    useCases: ["M03"],
    async run(t) {
      const types: RootType[] = ["CSMSRootCertificate", "ManufacturerRootCertificate"];
      for (const type of types) await certificateInstalled(t, type);
      const ids = await t.send(1, "GetInstalledCertificateIds", {});
      t.expect(2, "GetInstalledCertificateIdsResponse status", ids.status, "Accepted");
      for (const type of types) {
        t.expectThat(
          2,
          `GetInstalledCertificateIdsResponse certificateHashDataChain entry of ${type}`,
          chainOf(ids).some((e) => e.certificateType === type && identifies(e.certificateHashData, configured(t, type))),
          `an entry of ${type} with the configured certificate's hash data`,
          ids.certificateHashDataChain,
        );
      }
      for (const type of types) await uninstall(t, configured(t, type));
    },
  }),
  csCase({
    id: "TC_M_19_CS",
    name: "Retrieve certificates from Charging Station - No matching certificate found",
    useCases: ["M03"],
    async run(t) {
      const ids = await t.send(1, "GetInstalledCertificateIds", { certificateType: ["MORootCertificate"] });
      t.expect(2, "GetInstalledCertificateIdsResponse status", ids.status, "NotFound");
      t.expect(2, "GetInstalledCertificateIdsResponse certificateHashDataChain", ids.certificateHashDataChain, undefined);
    },
  }),
  csCase({
    id: "TC_M_20_CS",
    name: "Delete a certificate from a Charging Station - Success",
    useCases: ["M04"],
    async run(t) {
      // Reusable States: GetInstalledCertificates, and CertificateInstalled when none was returned.
      const before = await t.send("before", "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      if (!chainOf(before).some((e) => e.certificateType === "CSMSRootCertificate")) await certificateInstalled(t, "CSMSRootCertificate");
      const listed = await t.send(1, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      t.expect(1, "GetInstalledCertificateIdsResponse status", listed.status, "Accepted");
      const entry = chainOf(listed).find((e) => e.certificateType === "CSMSRootCertificate");
      t.expectThat(1, "the certificate to delete is present", entry !== undefined, "a CSMSRootCertificate entry", listed);
      const deleted = await t.send(2, "DeleteCertificate", { certificateHashData: entry?.certificateHashData ?? {} });
      t.expect(3, "DeleteCertificateResponse status", deleted.status, "Accepted");
      const after = await t.send(4, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      const same = (e: { certificateHashData?: object }) =>
        JSON.stringify(e.certificateHashData) === JSON.stringify(entry?.certificateHashData);
      t.expectThat(4, "the deleted certificate is not present anymore", !chainOf(after).some(same), "no entry of it", after);
    },
  }),
  csCase({
    id: "TC_M_22_CS",
    name: "Delete a certificate from a Charging Station - No matching certificate found",
    useCases: ["M04"],
    async run(t) {
      await t.send(1, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      // <certificateHashData from unknown certificate>: a certificate made now, installed nowhere.
      const deleted = await t.send(2, "DeleteCertificate", { certificateHashData: hashDataOf(TestCa.expired("ocppkit unknown")) });
      t.expect(3, "DeleteCertificateResponse status", deleted.status, "NotFound");
    },
  }),
  csCase({
    id: "TC_M_23_CS",
    name: "Delete a certificate from a Charging Station - Unable to delete the Charging Station Certificate",
    useCases: ["M04"],
    async run(t) {
      const signed = await renewChargingStationCertificate(t);
      await t.send(1, "GetInstalledCertificateIds", {});
      const deleted = await t.send(2, "DeleteCertificate", { certificateHashData: hashDataOf(signed, testCa().pem) });
      t.expectOneOf(3, "DeleteCertificateResponse status", deleted.status, ["NotFound", "Failed"]);
    },
  }),
];
