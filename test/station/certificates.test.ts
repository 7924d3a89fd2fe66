import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { certificateParts, DerError, elements, hashDataOf, newKeyAndCsr } from "ocppkit/station";
import { repoFile } from "../cli/cli-process.js";
import { StationUnderTest } from "./harness.js";

type Body = Record<string, unknown>;
const caCert = repoFile("test/fixtures/certs/ca.crt");
const caKey = repoFile("test/fixtures/certs/ca.key");
const caPem = readFileSync(caCert, "utf8");

/** openssl, which checks the CSR independently of the code that wrote it. */
function openssl(args: string[], input?: string): string {
  try {
    return execFileSync("openssl", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("openssl is not installed: apt-get install openssl");
    throw error;
  }
}

/** The test CA signs a CSR (as a CSMS's CA would) and returns the certificate PEM. */
function signWithTestCa(t: { after(fn: () => unknown): void }, csrPem: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-csr-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "req.csr"), csrPem);
  openssl([
    "x509",
    "-req",
    "-in",
    join(dir, "req.csr"),
    "-CA",
    caCert,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-CAserial",
    join(dir, "ca.srl"),
    "-days",
    "30",
    "-out",
    join(dir, "cert.pem"),
  ]);
  return readFileSync(join(dir, "cert.pem"), "utf8");
}

test("the CSR is a valid PKCS#10 request: openssl verifies its signature and reads the subject and the P-256 key", () => {
  const { csrPem, privateKeyPem } = newKeyAndCsr({ commonName: "CS-0042", organizationName: "ocppkit test CPO" });
  assert.match(csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  const text = openssl(["req", "-verify", "-noout", "-text"], csrPem);
  assert.match(text, /Subject: O\s*=\s*ocppkit test CPO, CN\s*=\s*CS-0042/);
  assert.match(text, /prime256v1|P-256/);
  assert.match(text, /ecdsa-with-SHA256/);
  assert.match(privateKeyPem, /BEGIN PRIVATE KEY/);
});

test("certificate hash data: SHA-256 of the issuer's DER name and key, the serial in hex", () => {
  const hash = hashDataOf(caPem);
  const parts = certificateParts(new X509Certificate(caPem).raw);
  assert.equal(hash.issuerNameHash, createHash("sha256").update(parts.issuer).digest("hex"));
  assert.equal(hash.issuerKeyHash, createHash("sha256").update(parts.publicKey).digest("hex"));
  assert.equal(hash.serialNumber, new X509Certificate(caPem).serialNumber.toLowerCase().replace(/^0+(?=.)/, ""));
  assert.equal(parts.publicKey.length > 60, true);
  assert.throws(() => certificateParts(Buffer.from([0x30, 0x05, 0x01])), /not the DER of an X.509 certificate/);
});

test("2.x A02: TriggerMessage SignChargingStationCertificate, SignCertificate with the station's CSR, CertificateSigned for that key only", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1 });
  const from = station.received.length;
  assert.deepEqual(await station.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" }), { status: "Accepted" });
  const request = await station.waitFor((r) => r.action === "SignCertificate");
  assert.deepEqual(station.actionsSince(from), ["TriggerMessageResponse", "SignCertificate"]);
  assert.equal(request.payload.certificateType, "ChargingStationCertificate");
  const csr = String(request.payload.csr);
  assert.match(openssl(["req", "-noout", "-subject"], csr), /CN\s*=\s*CS1/);

  // Another key's certificate is refused, with a security event; the CA's answer to our CSR is accepted.
  const other = signWithTestCa(t, newKeyAndCsr({ commonName: "CS1" }).csrPem);
  assert.deepEqual(await station.call("CertificateSigned", { certificateChain: other }), { status: "Rejected" });
  await station.waitFor((r) => r.action === "SecurityEventNotification" && r.payload.type === "InvalidChargingStationCertificate");
  const signed = signWithTestCa(t, csr);
  assert.deepEqual(
    await station.call("CertificateSigned", { certificateChain: signed + caPem, certificateType: "ChargingStationCertificate" }),
    {
      status: "Accepted",
    },
  );
});

test("2.x A02.FR.17/18: with no CertificateSigned the same CSR is sent again after CertSigningWaitMinimum, then twice that, CertSigningRepeatTimes doublings, then no more (TC_A_23)", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1 });
  const set = await station.call("SetVariables", {
    setVariableData: [
      { component: { name: "SecurityCtrlr" }, variable: { name: "CertSigningWaitMinimum" }, attributeValue: "1" },
      { component: { name: "SecurityCtrlr" }, variable: { name: "CertSigningRepeatTimes" }, attributeValue: "1" },
    ],
  });
  assert.deepEqual(
    (set.setVariableResult as Body[]).map((r) => r.attributeStatus),
    ["Accepted", "Accepted"],
  );
  assert.deepEqual(await station.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" }), { status: "Accepted" });
  const at: number[] = [];
  for (let n = 1; n <= 3; n++) {
    await station.waitFor(() => station.count("SignCertificate") >= n);
    at.push(performance.now());
  }
  const csrs = station.of("SignCertificate").map((r) => r.csr);
  assert.equal(new Set(csrs).size, 1, "every resend carries the first CSR");
  // Lower bounds only (a timer never fires early): the second wait is the doubled one.
  assert.ok(at[1] - at[0] >= 900, `first resend after ${at[1] - at[0]} ms`);
  assert.ok(at[2] - at[1] >= 1900, `second resend after ${at[2] - at[1]} ms`);
  // RepeatTimes 1: the wait doubled once; a third resend would come 4 s after the second.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  assert.equal(station.count("SignCertificate"), 3);
  const signed = signWithTestCa(t, String(csrs[0]));
  assert.deepEqual(await station.call("CertificateSigned", { certificateChain: signed, certificateType: "ChargingStationCertificate" }), {
    status: "Accepted",
  });
});

test("2.x A02: a CertificateSigned stops the resends; a Rejected SignCertificate is not sent again", async (t) => {
  let answer = "Accepted";
  const station = await StationUnderTest.start(t, {
    version: "2.0.1",
    connectors: 1,
    answers: { SignCertificate: () => ({ status: answer }) },
  });
  await station.call("SetVariables", {
    setVariableData: [{ component: { name: "SecurityCtrlr" }, variable: { name: "CertSigningWaitMinimum" }, attributeValue: "1" }],
  });
  await station.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  const request = await station.waitFor((r) => r.action === "SignCertificate");
  const signed = signWithTestCa(t, String(request.payload.csr));
  assert.deepEqual(await station.call("CertificateSigned", { certificateChain: signed }), { status: "Accepted" });
  answer = "Rejected";
  await station.call("TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
  await station.waitFor(() => station.count("SignCertificate") >= 2);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  assert.equal(station.count("SignCertificate"), 2);
});

test("2.x M03-M05: InstallCertificate, GetInstalledCertificateIds with hash data, DeleteCertificate", async (t) => {
  const station = await StationUnderTest.start(t, { version: "2.0.1", connectors: 1 });
  assert.deepEqual(await station.call("GetInstalledCertificateIds", {}), { status: "NotFound" });
  assert.deepEqual(await station.call("InstallCertificate", { certificateType: "CSMSRootCertificate", certificate: caPem }), {
    status: "Accepted",
  });
  assert.deepEqual(await station.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: "garbage" }), {
    status: "Rejected",
  });
  const ids = await station.call("GetInstalledCertificateIds", { certificateType: ["CSMSRootCertificate"] });
  const chain = ids.certificateHashDataChain as { certificateType: string; certificateHashData: Body }[];
  assert.equal(ids.status, "Accepted");
  assert.deepEqual(chain[0].certificateHashData, { ...hashDataOf(caPem) });
  assert.deepEqual(await station.call("GetInstalledCertificateIds", { certificateType: ["ManufacturerRootCertificate"] }), {
    status: "NotFound",
  });
  const entries = await station.call("GetVariables", {
    getVariableData: [{ component: { name: "SecurityCtrlr" }, variable: { name: "CertificateEntries" } }],
  });
  assert.equal((entries.getVariableResult as Body[])[0].attributeValue, "1");
  assert.deepEqual(await station.call("DeleteCertificate", { certificateHashData: chain[0].certificateHashData }), { status: "Accepted" });
  assert.deepEqual(await station.call("DeleteCertificate", { certificateHashData: chain[0].certificateHashData }), { status: "NotFound" });
});

test("1.6 security extension: ExtendedTriggerMessage SignChargePointCertificate, CertificateSigned, Install/Get/DeleteCertificate", async (t) => {
  const station = await StationUnderTest.start(t, { version: "1.6", connectors: 1 });
  assert.deepEqual(await station.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }), {
    status: "Accepted",
  });
  const request = await station.waitFor((r) => r.action === "SignCertificate");
  const signed = signWithTestCa(t, String(request.payload.csr));
  assert.deepEqual(await station.call("CertificateSigned", { certificateChain: signed }), { status: "Accepted" });
  assert.deepEqual(await station.call("InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: caPem }), {
    status: "Accepted",
  });
  const ids = await station.call("GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" });
  assert.equal(ids.status, "Accepted");
  const [hash] = ids.certificateHashData as Body[];
  assert.deepEqual(hash, { ...hashDataOf(caPem) });
  assert.deepEqual(await station.call("DeleteCertificate", { certificateHashData: hash }), { status: "Accepted" });
  assert.deepEqual(await station.call("GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" }), {
    status: "NotFound",
  });
});

test("DER: what the reader takes apart is what was there, and bytes that are no certificate give DerError, never another error", () => {
  const { csrPem } = newKeyAndCsr({ commonName: "X" });
  const der = Buffer.from(csrPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  const [request] = elements(der);
  assert.equal(request.bytes.length, der.length);
  assert.equal(elements(request.content).length, 3, "info, algorithm, signature");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        certificateParts(Buffer.from(bytes));
        return true;
      } catch (error) {
        return error instanceof DerError;
      }
    }),
  );
});
