import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import {
  CertificateAuthority,
  CertificateAuthorityError,
  CertificateRequestError,
  chainProblem,
  newKeyAndCsr,
  readCertificateRequest,
} from "../../src/pki/index.js";
import { certificationRequest } from "../../src/station/index.js";

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url)), "utf8");

/** `openssl verify` of `leaf` against `root`; a machine without openssl fails the test with one line. */
function opensslVerify(root: string, leaf: string, purpose = "sslclient"): string {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-pki-"));
  try {
    writeFileSync(join(dir, "root.pem"), root);
    writeFileSync(join(dir, "leaf.pem"), leaf);
    try {
      return execFileSync(
        "openssl",
        ["verify", "-x509_strict", "-purpose", purpose, "-CAfile", join(dir, "root.pem"), join(dir, "leaf.pem")],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
      if (e.code === "ENOENT") assert.fail("openssl is not installed: apt-get install openssl (the test checks the certificates with it)");
      return `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a generated CA signs a station's CSR into a certificate node:crypto and openssl verify", () => {
  const ca = CertificateAuthority.generate();
  const { csrPem, privateKeyPem } = newKeyAndCsr({ commonName: "CS-0001", organizationName: "ocppkit CPO" });
  const issued = ca.sign(csrPem);
  const certificate = new X509Certificate(issued.certificate);
  const root = new X509Certificate(ca.certificatePem);
  assert.ok(certificate.checkIssued(root) && certificate.verify(root.publicKey));
  assert.match(certificate.subject, /CN=CS-0001/);
  assert.match(certificate.subject, /O=ocppkit CPO/);
  assert.equal(certificate.ca, false);
  assert.equal(root.ca, true);
  assert.equal(issued.chain, issued.certificate, "a root CA sends the certificate alone");
  assert.equal(chainProblem(issued.chain, ca.certificatePem, readCertificateRequest(csrPem).publicKey), undefined);
  assert.ok(certificate.checkPrivateKey(createPrivateKey(privateKeyPem)));
  assert.match(opensslVerify(ca.certificatePem, issued.certificate), /leaf\.pem: OK/);
  assert.match(opensslVerify(ca.certificatePem, ca.certificatePem, "any"), /leaf\.pem: OK/);
});

test("a CA loaded from PEM files (openssl-made, with its own key identifier) issues certificates openssl chains to it", () => {
  const ca = CertificateAuthority.fromPem(fixture("ca.crt"), fixture("ca.key"));
  const { csrPem } = newKeyAndCsr({ commonName: "CP-1" });
  const issued = ca.sign(csrPem, { days: 30 });
  assert.match(opensslVerify(fixture("ca.crt"), issued.certificate), /leaf\.pem: OK/);
  assert.equal(chainProblem(issued.chain, fixture("ca.crt")), undefined);
  const days = (Date.parse(new X509Certificate(issued.certificate).validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 29 && days <= 30, `valid for ${days} days`);
});

test("a CA refuses a key file that is not its certificate's, and a certificate file without a certificate, with a CertificateAuthorityError", () => {
  assert.throws(
    () => CertificateAuthority.fromPem(fixture("ca.crt"), fixture("untrusted-ca.key")),
    (error: unknown) =>
      error instanceof CertificateAuthorityError &&
      error.code === "ERR_CERTIFICATE_AUTHORITY" &&
      /not the key of the CA certificate/.test(error.message),
  );
  assert.throws(
    () => CertificateAuthority.fromPem(fixture("untrusted-ca.key"), fixture("untrusted-ca.key")),
    (error: unknown) => error instanceof CertificateAuthorityError && /no -----BEGIN CERTIFICATE----- block/.test(error.message),
  );
});

test("the chain check names a certificate of another CA and one of another key", () => {
  const ca = CertificateAuthority.generate();
  const other = CertificateAuthority.generate("another CA");
  const { csrPem } = newKeyAndCsr({ commonName: "CS-0001" });
  const issued = other.sign(csrPem);
  assert.match(chainProblem(issued.chain, ca.certificatePem) ?? "", /not signed by/);
  const { csrPem: second } = newKeyAndCsr({ commonName: "CS-0001" });
  assert.match(chainProblem(ca.sign(csrPem).chain, ca.certificatePem, readCertificateRequest(second).publicKey) ?? "", /another key/);
  assert.match(chainProblem("not a certificate", ca.certificatePem) ?? "", /no PEM certificate/);
});

test("a CSR whose signature its key does not verify, or with a too small key, is refused with a CertificateRequestError", () => {
  const ca = CertificateAuthority.generate();
  const mine = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const another = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const forged = certificationRequest({ commonName: "CS-0001" }, mine.publicKey, another.privateKey);
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${forged.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  assert.throws(
    () => ca.sign(pem),
    (e: unknown) => e instanceof CertificateRequestError && /does not verify/.test(e.message),
  );
  const small = generateKeyPairSync("ec", { namedCurve: "prime192v1" });
  const weak = certificationRequest({ commonName: "CS-0001" }, small.publicKey, small.privateKey);
  assert.throws(
    () => ca.sign(`-----BEGIN CERTIFICATE REQUEST-----\n${weak.toString("base64")}\n-----END CERTIFICATE REQUEST-----`),
    /192-bit ec key/,
  );
});

test("any text as a CSR is refused with a CertificateRequestError, never another error", () => {
  const ca = CertificateAuthority.generate();
  const { csrPem } = newKeyAndCsr({ commonName: "CS-0001" });
  const body = Buffer.from(csrPem.split("\n").slice(1, -2).join(""), "base64");
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
        fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => {
          const copy = Buffer.from(body);
          copy[at] ^= xor;
          return copy;
        }),
      ),
      (input) => {
        const text =
          typeof input === "string"
            ? input
            : `-----BEGIN CERTIFICATE REQUEST-----\n${input.toString("base64")}\n-----END CERTIFICATE REQUEST-----`;
        try {
          ca.sign(text);
        } catch (error) {
          assert.ok(error instanceof CertificateRequestError, String(error));
        }
      },
    ),
    { numRuns: 300 },
  );
});
