/**
 * The CA a runner playing the CSMS signs a station's CSR with (part 6: "<Certificate generated from the
 * received CSR ... and signed by the provided CSMS Root certificate>", TC_A_11/23_CS, TC_M_23_CS), and
 * the certificates the M cases need made on the spot (an expired one, TC_M_07_CS): the same certificate
 * builder `serve --ca` uses (src/pki), with a P-256 key made per run.
 */
import { CertificateAuthority } from "../pki/certificate-authority.js";
import { newKeyAndCsr } from "../pki/csr.js";

const organization = "ocppkit conformance";
const day = 86_400_000;

export class TestCa {
  readonly #ca: CertificateAuthority;

  private constructor(ca: CertificateAuthority) {
    this.#ca = ca;
  }

  static create(name = "ocppkit conformance test CA"): TestCa {
    return new TestCa(CertificateAuthority.generate(name, organization));
  }

  /** The CA's certificate (PEM): the "provided CSMS Root certificate". */
  get pem(): string {
    return this.#ca.certificatePem;
  }

  /** A certificate for the key and subject of `csrPem` (PKCS#10), valid for `days`. */
  sign(csrPem: string, days = 30): string {
    return this.#ca.sign(csrPem, { days }).certificate;
  }

  /**
   * A new CA whose certificate this one signs: `<Configured (new) CSMS Root certificate 2>`, "signed by the
   * configured (old) CSMS Root certificate" (TC_B_47/50, TC_M_30/31).
   */
  successor(name = "ocppkit conformance new CSMS root"): TestCa {
    return new TestCa(this.#ca.subordinate(name, organization));
  }

  /** A TLS server key and certificate this CA signs, for `hosts` (host names or IP addresses): a CSMS endpoint's. */
  serverTls(hosts: readonly string[] = ["127.0.0.1", "localhost"]): { key: string; cert: string } {
    const { privateKeyPem, csrPem } = newKeyAndCsr({ commonName: hosts[0] ?? "localhost", organizationName: organization });
    return { key: privateKeyPem, cert: this.#ca.sign(csrPem, { serverNames: hosts }).certificate };
  }

  /** A self-signed root certificate that expired yesterday (`<Generated Expired Certificate>`). */
  static expired(name = "ocppkit conformance expired root"): string {
    return CertificateAuthority.generate(name, organization, { validFrom: new Date(Date.now() - 30 * day), days: 29 }).certificatePem;
  }
}
