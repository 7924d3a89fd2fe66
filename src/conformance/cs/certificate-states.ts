/**
 * The certificate reusable and memory states of part 6 for a station under test (Tables 247, 249, 253):
 * GetInstalledCertificates, CertificateInstalled, RenewChargingStationCertificate, and the hash data
 * checks the A and M cases share. Hash data is computed as OCPP defines it (2.0.1 CertificateHashDataType:
 * the hash of the DER issuer name and of the issuer's public key, the serial number in hex).
 */
import { createHash, X509Certificate } from "node:crypto";
import { certificateParts } from "../../pki/der.js";
import { Feature } from "../case.js";
import type { ConformanceConfig } from "../config.js";
import { TestCa } from "../test-ca.js";
import type { CsTest } from "./cs-test.js";

type Body = Record<string, unknown>;
type HashData = { hashAlgorithm?: string; issuerNameHash?: string; issuerKeyHash?: string; serialNumber?: string };

let ca: TestCa | undefined;
/** The runner's CA ("the provided CSMS Root certificate"), made once per process. */
export function testCa(): TestCa {
  ca ??= TestCa.create();
  return ca;
}

const algorithms: Record<string, string> = { SHA256: "sha256", SHA384: "sha384", SHA512: "sha512" };

/** Does `hash` (as the station sent it) identify `pem`, issued by `issuerPem` (itself when self-signed)? */
export function identifies(hash: HashData | undefined, pem: string, issuerPem = pem): boolean {
  const algorithm = algorithms[hash?.hashAlgorithm ?? ""];
  if (!hash || !algorithm) return false;
  const certificate = new X509Certificate(pem);
  const parts = certificateParts(certificate.raw);
  const issuerKey = certificateParts(new X509Certificate(issuerPem).raw).publicKey;
  const digest = (data: Buffer) => createHash(algorithm).update(data).digest("hex");
  const serial = (s: string) => s.toLowerCase().replace(/^0+(?=.)/, "");
  return (
    hash.issuerNameHash?.toLowerCase() === digest(parts.issuer) &&
    hash.issuerKeyHash?.toLowerCase() === digest(issuerKey) &&
    serial(hash.serialNumber ?? "") === serial(certificate.serialNumber)
  );
}

/** The hash data OCPP gives `pem` (SHA-256), to send in DeleteCertificate. */
export function hashDataOf(pem: string, issuerPem = pem): Required<HashData> {
  const certificate = new X509Certificate(pem);
  const digest = (data: Buffer) => createHash("sha256").update(data).digest("hex");
  return {
    hashAlgorithm: "SHA256",
    issuerNameHash: digest(certificateParts(certificate.raw).issuer),
    issuerKeyHash: digest(certificateParts(new X509Certificate(issuerPem).raw).publicKey),
    serialNumber: certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
  };
}

export type RootType = "CSMSRootCertificate" | "ManufacturerRootCertificate";

/** `<The configured certificate of the specified certificateType>`. */
export const configured = (t: CsTest, type: RootType): string => t.config.certificates[type];

/** Memory State CertificateInstalled (Table 249): InstallCertificate of the configured certificate, Accepted. */
export async function certificateInstalled(t: CsTest, type: RootType, certificate = configured(t, type)): Promise<void> {
  await t.state("CertificateInstalled", async () => {
    const response = await t.send(1, "InstallCertificate", { certificateType: type, certificate });
    t.expect(2, "InstallCertificateResponse status", response.status, "Accepted");
  });
}

/** The entries of a GetInstalledCertificateIdsResponse. */
export function chainOf(response: Body): { certificateType?: string; certificateHashData?: HashData }[] {
  return (response.certificateHashDataChain as { certificateType?: string; certificateHashData?: HashData }[] | undefined) ?? [];
}

/**
 * Reusable State GetInstalledCertificates (Table 247) for `types` (omitted: every type): Accepted, with an
 * entry of each type whose hash data is the configured certificate's. Returns the response.
 */
export async function getInstalledCertificates(t: CsTest, types: readonly RootType[] | undefined): Promise<Body> {
  let response: Body = {};
  await t.state("GetInstalledCertificates", async () => {
    response = await t.send(1, "GetInstalledCertificateIds", types ? { certificateType: [...types] } : {});
    t.expect(2, "GetInstalledCertificateIdsResponse status", response.status, "Accepted");
    for (const type of types ?? []) {
      const pem = configured(t, type);
      t.expectThat(
        2,
        `GetInstalledCertificateIdsResponse certificateHashDataChain entry of ${type}`,
        chainOf(response).some((e) => e.certificateType === type && identifies(e.certificateHashData, pem)),
        `an entry of ${type} with the configured certificate's hash data`,
        response.certificateHashDataChain,
      );
    }
  });
  return response;
}

/** Removes `pem` (issued by `issuerPem`) again if the station has it (not part 6: a case leaves the station as it found it). */
export async function uninstall(t: CsTest, pem: string, issuerPem = pem): Promise<void> {
  await t.send("after", "DeleteCertificate", { certificateHashData: hashDataOf(pem, issuerPem) });
}

/**
 * `<Configured old CSMS Root certificate>` and `<Configured (new) CSMS Root certificate 2>` (signed by the
 * old one) of the AdditionalRootCertificateCheck cases; `requires` says which are missing.
 */
export const oldRoot = (t: CsTest): string => t.config.certificates.oldCSMSRootCertificate ?? "";
export const newRoot = (t: CsTest): string => t.config.certificates.newCSMSRootCertificate ?? "";
export function rootsConfigured(which: "old" | "both") {
  return (config: ConformanceConfig): string | undefined => {
    // A station not claiming the check hears that first (the runner's feature test comes after this one).
    if (!config.features.includes(Feature.AdditionalRootCertificateCheck)) return undefined;
    const { oldCSMSRootCertificate, newCSMSRootCertificate } = config.certificates;
    if (!oldCSMSRootCertificate) return "needs certificates.oldCSMSRootCertificate: the root of the server certificate the runner serves";
    if (which === "both" && !newCSMSRootCertificate)
      return "needs certificates.newCSMSRootCertificate: a CSMS root signed by certificates.oldCSMSRootCertificate";
    return undefined;
  };
}

/** Memory State CertificateInstalled of `<Configured (new) CSMS Root certificate 2>`. */
export const newRootInstalled = (t: CsTest): Promise<void> => certificateInstalled(t, "CSMSRootCertificate", newRoot(t));

/** Does a GetInstalledCertificateIdsResponse list the old CSMS root as a CSMSRootCertificate? */
export const listsOldRoot = (t: CsTest, response: Body): boolean =>
  chainOf(response).some((e) => e.certificateType === "CSMSRootCertificate" && identifies(e.certificateHashData, oldRoot(t)));

/**
 * Not part 6: the station is given back the root it had (with the check on, deleting the new one leaves
 * the old). Only while it still has the old one: after TC_B_50 or TC_M_30 the new root is its only one.
 */
export async function uninstallNewRoot(t: CsTest): Promise<void> {
  const listed = await t.send("after", "GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
  if (listsOldRoot(t, listed)) await uninstall(t, newRoot(t), oldRoot(t));
}

/**
 * Memory State RenewChargingStationCertificate (Table 253): TriggerMessage SignChargingStationCertificate,
 * the station's SignCertificate with a CSR (checked as part 6 says), CertificateSigned with a certificate
 * for that CSR signed by the runner's CA, Accepted. Returns the certificate.
 */
export async function renewChargingStationCertificate(t: CsTest): Promise<string> {
  let signed = "";
  await t.state("RenewChargingStationCertificate", async () => {
    const since = t.mark();
    const trigger = await t.send(1, "TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
    t.expect(2, "TriggerMessageResponse status", trigger.status, "Accepted");
    const request = await t.expectCall(3, "SignCertificate", { since });
    expectCsr(t, 3, request.payload.csr);
    if (request.payload.certificateType !== undefined)
      t.expect(3, "SignCertificateRequest certificateType", request.payload.certificateType, "ChargingStationCertificate");
    signed = testCa().sign(String(request.payload.csr));
    const response = await t.send(5, "CertificateSigned", {
      certificateChain: signed,
      certificateType: "ChargingStationCertificate",
    });
    t.expect(6, "CertificateSignedResponse status", response.status, "Accepted");
  });
  return signed;
}

/** Part 6's CSR validation: PEM of an RFC 2986 request, an EC key of at least 224 bits or an RSA/DSA one of 2048. */
export function expectCsr(t: CsTest, step: number | string, csr: unknown): void {
  let problem: string | undefined;
  try {
    const text = String(csr);
    if (!/^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/.test(text.trim()))
      problem = "not a PEM CERTIFICATE REQUEST";
    else {
      // A test signature with the runner's CA reads the subject and key; a key it cannot read is not a CSR.
      const certificate = new X509Certificate(testCa().sign(text, 1));
      const details = certificate.publicKey.asymmetricKeyDetails;
      const type = certificate.publicKey.asymmetricKeyType;
      const bits = details?.modulusLength ?? (details?.namedCurve === "prime256v1" ? 256 : details?.namedCurve === "secp384r1" ? 384 : 0);
      if (type === "ec" ? bits < 224 : bits < 2048) problem = `a ${type} key of ${bits} bits`;
    }
  } catch (error) {
    problem = (error as Error).message;
  }
  t.expectThat(step, "SignCertificateRequest csr", problem === undefined, "a PEM PKCS#10 request with a key of enough bits", problem ?? "");
}
