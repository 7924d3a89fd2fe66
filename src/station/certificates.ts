/**
 * The station's certificates (2.0.1 A02/A03 and M03-M05; 1.6 security whitepaper A02/A03, M03-M05):
 * the root certificates the CSMS installs, identified by their hash data (SHA-256 of the issuer name
 * and issuer key, and the serial number), and the station's own key and certificate: a SignCertificate
 * carries a CSR for a fresh key, and CertificateSigned is accepted only for a certificate of that key.
 */
import { createHash, X509Certificate } from "node:crypto";
import { type CsrSubject, keyMatches, newKeyAndCsr } from "../pki/csr.js";
import { certificateParts } from "../pki/der.js";

export interface CertificateHashData {
  readonly hashAlgorithm: "SHA256";
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serialNumber: string;
}

export interface InstalledCertificate {
  readonly use: string;
  readonly pem: string;
  readonly hash: CertificateHashData;
}

export interface StoredCertificates {
  readonly installed: readonly InstalledCertificate[];
  /** The station's certificate chain (PEM) and its key, once CertificateSigned was accepted. */
  readonly stationCertificate?: string;
  readonly stationKey?: string;
  /** The key of a CSR sent and not yet answered. */
  readonly pendingKey?: string;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const firstPem = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];

/**
 * OCPP's hash data of `pem`. The issuer key is the issuer certificate's key when `issuers` holds it (a
 * self-signed root is its own issuer); otherwise the certificate's own key stands in for it.
 */
export function hashDataOf(pem: string, issuers: readonly string[] = []): CertificateHashData {
  const certificate = new X509Certificate(pem);
  const parts = certificateParts(certificate.raw);
  let issuerKey = parts.publicKey;
  for (const candidate of [pem, ...issuers]) {
    const other = certificateParts(new X509Certificate(candidate).raw);
    if (other.subject.equals(parts.issuer)) {
      issuerKey = other.publicKey;
      break;
    }
  }
  return {
    hashAlgorithm: "SHA256",
    issuerNameHash: sha256(parts.issuer),
    issuerKeyHash: sha256(issuerKey),
    serialNumber: certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
  };
}

const sameHash = (a: CertificateHashData, b: { issuerNameHash: string; issuerKeyHash: string; serialNumber: string }) =>
  a.issuerNameHash === b.issuerNameHash.toLowerCase() &&
  a.issuerKeyHash === b.issuerKeyHash.toLowerCase() &&
  a.serialNumber === b.serialNumber.toLowerCase().replace(/^0+(?=.)/, "");

export class Certificates {
  #installed: InstalledCertificate[] = [];
  /** Counts the changes of the installed certificates (a station notices a new trust set at its next connection). */
  #generation = 0;
  #pendingKey: string | undefined;
  stationCertificate: string | undefined;
  #stationKey: string | undefined;
  /** Called when something worth keeping changed. */
  changed: () => void = () => {};

  get installed(): readonly InstalledCertificate[] {
    return this.#installed;
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * InstallCertificate: Rejected for what is not a readable certificate or is not valid now (M05.FR.07,
   * TC_M_07_CS: an expired one), Failed when the store is full.
   */
  install(use: string, pem: string, maxEntries: number): "Accepted" | "Rejected" | "Failed" {
    let hash: CertificateHashData;
    try {
      const certificate = new X509Certificate(pem);
      const now = Date.now();
      if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) return "Rejected";
      hash = hashDataOf(
        pem,
        this.#installed.map((c) => c.pem),
      );
    } catch {
      return "Rejected";
    }
    const others = this.#installed.filter((c) => !sameHash(c.hash, hash));
    if (others.length >= maxEntries) return "Failed";
    this.#installed = [...others, { use, pem, hash }];
    this.#generation++;
    this.changed();
    return "Accepted";
  }

  /** GetInstalledCertificateIds: the installed certificates of these uses (all when none is given). */
  list(uses: readonly string[] | undefined): readonly InstalledCertificate[] {
    return this.#installed.filter((c) => !uses?.length || uses.includes(c.use));
  }

  delete(hash: { issuerNameHash: string; issuerKeyHash: string; serialNumber: string }): "Accepted" | "NotFound" {
    const kept = this.#installed.filter((c) => !sameHash(c.hash, hash));
    if (kept.length === this.#installed.length) return "NotFound";
    this.#installed = kept;
    this.#generation++;
    this.changed();
    return "Accepted";
  }

  /** A CSR for a new key (the key waits for its certificate). */
  newCsr(subject: CsrSubject): string {
    const { privateKeyPem, csrPem } = newKeyAndCsr(subject);
    this.#pendingKey = privateKeyPem;
    this.changed();
    return csrPem;
  }

  /** CertificateSigned: accepted when the chain's first certificate is readable, valid now and for the pending key. */
  accept(chain: string): boolean {
    const leaf = firstPem(chain);
    if (!leaf || !this.#pendingKey) return false;
    try {
      const certificate = new X509Certificate(leaf);
      const now = Date.now();
      if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) return false;
      if (!keyMatches(this.#pendingKey, certificate.publicKey)) return false;
    } catch {
      return false;
    }
    this.stationCertificate = chain;
    this.#stationKey = this.#pendingKey;
    this.#pendingKey = undefined;
    this.changed();
    return true;
  }

  /** The station's own certificate chain and its key, once a CertificateSigned was accepted. */
  own(): { cert: string; key: string } | undefined {
    return this.stationCertificate && this.#stationKey ? { cert: this.stationCertificate, key: this.#stationKey } : undefined;
  }

  store(): StoredCertificates {
    return {
      installed: this.#installed,
      stationCertificate: this.stationCertificate,
      stationKey: this.#stationKey,
      pendingKey: this.#pendingKey,
    };
  }

  restore(stored: Partial<StoredCertificates>): void {
    this.#installed = [...(stored.installed ?? [])];
    this.#generation++;
    this.stationCertificate = stored.stationCertificate;
    this.#stationKey = stored.stationKey;
    this.#pendingKey = stored.pendingKey;
  }
}
