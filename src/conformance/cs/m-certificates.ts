/** Block M, certificate management (part 6 section 2.14): the TC_M_*_CS cases, steps numbered as there. */
import { type CsCase, Feature } from "../case.js";
import { TestCa } from "../test-ca.js";
import {
  certificateInstalled,
  chainOf,
  configured,
  getInstalledCertificates,
  hashDataOf,
  identifies,
  listsOldRoot,
  newRoot,
  newRootInstalled,
  oldRoot,
  type RootType,
  renewChargingStationCertificate,
  rootsConfigured,
  testCa,
  uninstall,
  uninstallNewRoot,
} from "./certificate-states.js";
import { booted, csCase } from "./states.js";

/**
 * M05.FR.09-14 (AdditionalRootCertificateCheck, part 6 AS-2): the station replaces its CSMS root only with
 * one the old root signed (FR.10/11), keeps the old one as a fallback (FR.12) until it connected with the
 * new one (FR.13), and verifies with the fallback when the new one fails (FR.14). The runner serves a
 * server certificate of the old root (--tls) or of the new one (--new-root-tls).
 */
const rootCheck = [Feature.M, Feature.AdditionalRootCertificateCheck];

/**
 * Part 6's note to TC_M_01: with AdditionalRootCertificateCheck "a custom CSMSRootCertificate should be
 * used", one the station's root signed: the configured new root, removed again after the case.
 */
function installCase(id: string, type: RootType): CsCase {
  return csCase({
    id,
    name: `Install CA certificate - ${type}`,
    useCases: ["M05"],
    ...(type === "ManufacturerRootCertificate" ? { withoutFeatures: [Feature.AdditionalRootCertificateCheck] } : {}),
    async run(t) {
      const custom = type === "CSMSRootCertificate" && t.config.features.includes(Feature.AdditionalRootCertificateCheck) && newRoot(t);
      if (custom) {
        await newRootInstalled(t);
        const listed = await getInstalledCertificates(t, undefined);
        t.expectThat(
          2,
          "GetInstalledCertificateIdsResponse certificateHashDataChain entry of the new CSMS root",
          chainOf(listed).some((e) => e.certificateType === type && identifies(e.certificateHashData, custom, oldRoot(t))),
          "an entry of CSMSRootCertificate with the new root's hash data",
          listed.certificateHashDataChain,
        );
        await uninstallNewRoot(t);
        return;
      }
      await certificateInstalled(t, type);
      await getInstalledCertificates(t, [type]);
      // Part 6's note: without AdditionalRootCertificateCheck the newly installed certificate is deleted again.
      await uninstall(t, configured(t, type));
    },
  });
}

/**
 * TC_M_30 and 31: the new root installed, a reset, and the CSMS certificate of `served` in the TLS
 * handshake: the station verifies it with the new root (new) or, when that fails, with the fallback
 * (old). Step 7/8: the old root is gone (FR.13) or still there (FR.14).
 */
function reconnectCase(id: string, name: string, requirement: string, served: "old" | "new"): CsCase {
  const last = served === "new" ? 7 : 8;
  return csCase({
    id,
    name: `Install CA certificate - AdditionalRootCertificateCheck - Reconnect using new CSMS Root - ${name}`,
    useCases: ["M05"],
    features: rootCheck,
    requires: rootsConfigured("both"),
    async run(t) {
      await newRootInstalled(t);
      if (served === "new" && t.config.securityProfile === 3) await renewChargingStationCertificate(t);
      // Step 3 (set up first: the connection open now keeps its handshake).
      await t.serveCsmsCertificate(3, served);
      const since = t.markAttempts();
      const reset = await t.send(1, "Reset", { type: "OnIdle" });
      t.expect(2, "ResetResponse status", reset.status, "Accepted");
      const check =
        served === "new" ? "validating the CSMS certificate with the new CSMS root" : "re-validating it with the fallback CSMS root";
      await t.expectAttempt(served === "new" ? 4 : 5, `the station reconnects, ${check} (${requirement})`, {
        since,
        where: (a) => a.accepted,
        timeoutS: Math.max(t.config.actionTimeoutS, t.config.maxWaitS),
      });
      await t.expectConnected(served === "new" ? 4 : 5);
      await booted(t);
      const ids = await t.send(last - 1, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      t.expect(last, "GetInstalledCertificateIdsResponse status", ids.status, "Accepted");
      const keeps = served === "old";
      t.expectThat(
        last,
        "GetInstalledCertificateIdsResponse certificateHashDataChain entry of the old CSMS root",
        listsOldRoot(t, ids) === keeps,
        keeps
          ? "an entry with the old root's hash data (the fallback)"
          : "no entry with the old root's hash data (the fallback is removed)",
        ids.certificateHashDataChain,
      );
      // Not part 6: after the fallback the station is given back its old root alone (TC_M_30 cannot be undone).
      if (keeps) await uninstallNewRoot(t);
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
    withoutFeatures: [Feature.AdditionalRootCertificateCheck],
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
    features: rootCheck,
    requires: rootsConfigured("old"),
    async run(t) {
      // <Configured CSMSRootCertificate>: one the old root did not sign (M05.FR.11).
      const certificate = configured(t, "CSMSRootCertificate");
      const install = await t.send(1, "InstallCertificate", { certificateType: "CSMSRootCertificate", certificate });
      t.expect(2, "InstallCertificateResponse status", install.status, "Rejected");
      const ids = await t.send(3, "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
      t.expect(4, "GetInstalledCertificateIdsResponse status", ids.status, "Accepted");
      t.expectThat(
        4,
        "GetInstalledCertificateIdsResponse certificateHashDataChain entry of the old CSMS root",
        listsOldRoot(t, ids),
        "an entry with the old root's hash data",
        ids.certificateHashDataChain,
      );
    },
  }),
  // Part 6's order would be 30 then 31; the fallback case runs first because TC_M_30 leaves the station
  // trusting the new root alone, for good (M05.FR.13), and TC_M_31 needs the old one.
  reconnectCase("TC_M_31_CS", "Fallback mechanism", "M05.FR.14", "old"),
  reconnectCase("TC_M_30_CS", "Success", "M05.FR.13", "new"),
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
