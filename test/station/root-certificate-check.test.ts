import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { TestCa } from "../../src/conformance/test-ca.js";
import { Certificates } from "../../src/station/certificates.js";
import { RootCertificateCheck, serverCertificateInvalid } from "../../src/station/root-certificate-check.js";

function station(enabled = true) {
  const certificates = new Certificates();
  return { certificates, check: new RootCertificateCheck(certificates, () => enabled) };
}
const roots = (certificates: Certificates) => certificates.list(["CSMSRootCertificate"]).map((c) => c.pem);

test("a new CSMS root the current one did not sign is Rejected and the current one stays (M05.FR.11)", () => {
  const { certificates, check } = station();
  const old = TestCa.create("old");
  check.adopt(old.pem);
  assert.equal(check.install(TestCa.create("stranger").pem, 10), "Rejected");
  assert.deepEqual(roots(certificates), [old.pem]);
});

test("a new CSMS root the current one signed replaces it, the old one kept as the fallback (M05.FR.12)", () => {
  const { certificates, check } = station();
  const old = TestCa.create("old");
  const next = old.successor("new");
  check.adopt(old.pem);
  assert.equal(check.install(next.pem, 10), "Accepted");
  assert.equal(check.current, next.pem);
  assert.equal(check.fallback, old.pem);
  assert.deepEqual(roots(certificates), [old.pem, next.pem]);
});

test("connecting with the new root removes the fallback (M05.FR.13); a third root keeps one fallback (M05.FR.09)", () => {
  const { certificates, check } = station();
  const first = TestCa.create("first");
  const second = first.successor("second");
  const third = second.successor("third");
  check.adopt(first.pem);
  check.install(second.pem, 10);
  assert.equal(check.install(third.pem, 10), "Accepted");
  assert.deepEqual(roots(certificates), [second.pem, third.pem]);
  assert.equal(check.connectedWithCurrent(), true);
  assert.deepEqual(roots(certificates), [third.pem]);
  assert.equal(check.connectedWithCurrent(), false);
});

test("an expired or unreadable CSMS root is Rejected; the first root of a station without one is installed", () => {
  const { certificates, check } = station();
  assert.equal(check.install(TestCa.expired(), 10), "Rejected");
  assert.equal(check.install("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----", 10), "Rejected");
  const root = TestCa.create("first");
  assert.equal(check.install(root.pem, 10), "Accepted");
  assert.equal(check.install(root.pem, 10), "Accepted", "the same root again replaces nothing");
  assert.deepEqual(roots(certificates), [root.pem]);
});

test("the new root is issued by the old one, and a server certificate of each names 127.0.0.1", () => {
  const old = TestCa.create("old");
  const next = old.successor("new");
  const newRoot = new X509Certificate(next.pem);
  assert.ok(newRoot.ca);
  assert.ok(newRoot.checkIssued(new X509Certificate(old.pem)) && newRoot.verify(new X509Certificate(old.pem).publicKey));
  const server = new X509Certificate(next.serverTls().cert);
  assert.equal(server.checkIP("127.0.0.1"), "127.0.0.1");
  assert.ok(server.verify(newRoot.publicKey));
  assert.equal(server.ca, false);
});

test("only an OpenSSL verification failure of the server's certificate counts as one (the fallback root is tried)", () => {
  assert.ok(serverCertificateInvalid("unable to get local issuer certificate"));
  assert.ok(serverCertificateInvalid("UNABLE_TO_VERIFY_LEAF_SIGNATURE"));
  assert.ok(!serverCertificateInvalid("connect ECONNREFUSED 127.0.0.1:9"));
  assert.ok(!serverCertificateInvalid("Unexpected server response: 404"));
});
