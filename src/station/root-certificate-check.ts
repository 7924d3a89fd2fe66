/**
 * SecurityCtrlr.AdditionalRootCertificateCheck (2.0.1 M05): while it is true the station holds one
 * CSMSRootCertificate plus, for a while, the one it replaced as a fallback. The rule texts are the 1.6
 * security whitepaper's (M05.FR.08-13 and section 7.1; 2.0.1 part 2 is not in our reference set); the
 * numbers below are 2.0.1's, one higher, as part 6 cites them (TC_M_09: FR.10/11, TC_M_30 and TC_B_50:
 * FR.13, TC_M_31: FR.14; TC_B_47 cites B10.FR.07, M05.FR.15/16).
 *
 * - M05.FR.09: one CSMS root plus a temporary fallback.
 * - M05.FR.10/11: a new CSMS root replaces the old one only when the old one signed it; else Rejected.
 * - M05.FR.12: one that the old one signed is installed, the old one kept as the fallback, Accepted.
 * - M05.FR.13: once connected with the new root, the fallback is removed.
 * - M05.FR.14: a server certificate the new root does not verify is verified again with the fallback.
 *
 * The new root is not self-signed (the old one signed it), so TLS must treat it as a trust anchor on its
 * own (the whitepaper's "partial certificate chain verification"; node:tls allowPartialTrustChain).
 */
import { X509Certificate } from "node:crypto";
import type { Certificates } from "./certificates.js";

const csmsRoot = "CSMSRootCertificate";

/** An OpenSSL verification error of the server's certificate (the TLS handshake, not HTTP or the network). */
export const serverCertificateInvalid = (message: string): boolean =>
  /UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|SELF_SIGNED|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|unable to (get|verify)|self[- ]signed certificate/i.test(
    message,
  );

const readable = (pem: string): X509Certificate | undefined => {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
};

const validNow = (certificate: X509Certificate) => {
  const now = Date.now();
  return Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
};

export class RootCertificateCheck {
  readonly #certificates: Certificates;
  readonly #enabled: () => boolean;

  constructor(certificates: Certificates, enabled: () => boolean) {
    this.#certificates = certificates;
    this.#enabled = enabled;
  }

  get enabled(): boolean {
    return this.#enabled();
  }

  /** Changes with every install or removal of a certificate (the trust of the next connection may differ). */
  get generation(): number {
    return this.#certificates.generation;
  }

  /** The CSMS root in use: the one installed last. */
  get current(): string | undefined {
    return this.#roots().at(-1)?.pem;
  }

  /** The root it replaced, while the station has not connected with the new one (M05.FR.12). */
  get fallback(): string | undefined {
    const roots = this.#roots();
    return roots.length > 1 ? roots.at(-2)?.pem : undefined;
  }

  #roots() {
    return this.#certificates.list([csmsRoot]);
  }

  /** InstallCertificate of a CSMSRootCertificate while the check is on (M05.FR.09-12). */
  install(pem: string, maxEntries: number): "Accepted" | "Rejected" | "Failed" {
    const certificate = readable(pem);
    if (!certificate || !validNow(certificate)) return "Rejected";
    const current = this.current;
    if (current === undefined) return this.#certificates.install(csmsRoot, pem, maxEntries);
    const old = new X509Certificate(current);
    // The same root again replaces nothing.
    if (old.fingerprint256 === certificate.fingerprint256) return "Accepted";
    if (!certificate.checkIssued(old) || !certificate.verify(old.publicKey)) return "Rejected";
    // M05.FR.09: an older fallback goes; the current root becomes the fallback of the new one.
    const fallback = this.fallback;
    if (fallback !== undefined) this.#remove(fallback);
    return this.#certificates.install(csmsRoot, pem, maxEntries);
  }

  /** The station was given its CSMS root outside OCPP (the installer's CA): it is the one installed. */
  adopt(pem: string): void {
    if (this.current === undefined && readable(pem)) this.#certificates.install(csmsRoot, pem, Number.POSITIVE_INFINITY);
  }

  /** Connected with the new root: the fallback is removed (M05.FR.13). True when one was. */
  connectedWithCurrent(): boolean {
    const fallback = this.fallback;
    if (fallback === undefined) return false;
    this.#remove(fallback);
    return true;
  }

  #remove(pem: string): void {
    const entry = this.#roots().find((c) => c.pem === pem);
    if (entry) this.#certificates.delete(entry.hash);
  }
}
