/**
 * The simulated station's installed CA certificates (M03-M05): what GetInstalledCertificateIds lists and
 * DeleteCertificate removes, identified by CertificateHashDataType.
 */
import { createHash, X509Certificate } from "node:crypto";

export type HashAlgorithm = "SHA256" | "SHA384" | "SHA512";

export interface CertificateHashData {
  readonly hashAlgorithm: HashAlgorithm;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serialNumber: string;
}

const digest = (algorithm: HashAlgorithm, data: string | Buffer) => createHash(algorithm.replace("SHA", "sha")).update(data).digest("hex");

/**
 * The hash data of a PEM certificate. The issuer name is hashed in Node's text form (Node exposes no DER of
 * the name) and the key in its SPKI DER; for a self-signed CA the issuer's key is its own. A CSMS treats these
 * as opaque identifiers it sends back in DeleteCertificate, which is what the cases check.
 */
export function hashDataOf(pem: string, hashAlgorithm: HashAlgorithm = "SHA256"): CertificateHashData {
  const certificate = new X509Certificate(pem);
  return {
    hashAlgorithm,
    issuerNameHash: digest(hashAlgorithm, certificate.issuer),
    issuerKeyHash: digest(hashAlgorithm, certificate.publicKey.export({ type: "spki", format: "der" })),
    serialNumber: certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
  };
}

/** Same certificate text, whatever the line endings and surrounding blanks. */
export const samePem = (a: unknown, b: string): boolean => typeof a === "string" && a.replace(/\s+/g, "") === b.replace(/\s+/g, "");

export class Truststore {
  readonly #certificates = new Map<string, string>();

  install(certificateType: string, pem: string): void {
    this.#certificates.set(certificateType, pem);
  }

  /** GetInstalledCertificateIds' certificateHashDataChain for `types` (all when absent). */
  chain(
    types: readonly string[] | undefined,
    hashAlgorithm: HashAlgorithm = "SHA256",
  ): { certificateType: string; certificateHashData: CertificateHashData }[] {
    return [...this.#certificates]
      .filter(([type]) => !types?.length || types.includes(type))
      .map(([certificateType, pem]) => ({ certificateType, certificateHashData: hashDataOf(pem, hashAlgorithm) }));
  }
}
