import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { TestCa } from "../../src/conformance/test-ca.js";
import { DuringTransaction, FirmwareVariantError, parseFirmwareVariant, trustedSigningCertificate } from "../../src/station/firmware.js";
import { CliProcess, repoFile } from "../cli/cli-process.js";
import { FileServer } from "./file-server.js";
import { StationUnderTest } from "./harness.js";

const fixture = (name: string) => readFileSync(repoFile(`test/fixtures/certs/${name}`), "utf8");
const firmwareFile = Buffer.from("ocppkit simulated firmware image 3.0\n".repeat(100));
const signature = sign("sha256", firmwareFile, fixture("cp-1.key")).toString("base64");

test("--firmware variants: cancel or no-cancel, and update, download or wait; a word it does not know is an error naming the known ones", () => {
  assert.deepEqual(parseFirmwareVariant("update"), { cancellable: true, duringTransaction: DuringTransaction.Update });
  assert.deepEqual(parseFirmwareVariant("no-cancel,wait"), { cancellable: false, duringTransaction: DuringTransaction.Wait });
  assert.deepEqual(parseFirmwareVariant("download, cancel"), { cancellable: true, duringTransaction: DuringTransaction.Download });
  assert.throws(
    () => parseFirmwareVariant("no-cancel,later"),
    (error: unknown) =>
      error instanceof FirmwareVariantError &&
      error.code === "ERR_FIRMWARE_VARIANT" &&
      error.message === "unknown firmware variant 'later' (known: cancel, no-cancel, wait, download, update)",
  );
});

test("a firmware signing certificate is trusted when a ManufacturerRootCertificate issued and signed it, and it is valid now (L01.FR.02)", () => {
  const [root, issued, other] = [fixture("ca.crt"), fixture("cp-1.crt"), fixture("untrusted-ca.crt")];
  assert.equal(trustedSigningCertificate(issued, [root]), true);
  assert.equal(trustedSigningCertificate(root, [root]), true, "the root itself (self-signed)");
  assert.equal(trustedSigningCertificate(issued, [other, root]), true, "any of the installed roots");
  assert.equal(trustedSigningCertificate(issued, [other]), false);
  assert.equal(trustedSigningCertificate(fixture("intruder.crt"), [root]), false, "same subject, another issuer");
  assert.equal(trustedSigningCertificate(TestCa.expired(), []), false, "expired");
  assert.equal(trustedSigningCertificate("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----", [root]), false);
  assert.equal(trustedSigningCertificate(issued, []), true, "no root installed: nothing to check the chain against");
});

test("charge-point --firmware with an unknown variant exits 2 and says which ones exist", async () => {
  const { code, stderr } = await new CliProcess(["charge-point", "ws://127.0.0.1:9", "--version", "2.0.1", "--firmware", "sometimes"])
    .exited;
  assert.equal(code, 2);
  assert.match(stderr, /--firmware: unknown firmware variant 'sometimes' \(known: cancel, no-cancel, wait, download, update\)/);
});

test("charge-point --manufacturer-root and --firmware no-cancel: a signing certificate of another root is InvalidCertificate, a second update while one runs Rejected (TC_L_05, TC_L_11)", async (t) => {
  const files = await FileServer.start(t);
  files.files.set("/fw.bin", firmwareFile);
  const station = await StationUnderTest.start(t, {
    version: "2.0.1",
    args: ["--firmware", "no-cancel", "--manufacturer-root", repoFile("test/fixtures/certs/untrusted-ca.crt")],
  });
  const request = (requestId: number, retrieveDateTime: string) => ({
    requestId,
    firmware: { location: `${files.url}/fw.bin`, retrieveDateTime, signingCertificate: fixture("cp-1.crt"), signature },
  });
  const later = new Date(Date.now() + 60_000).toISOString();
  assert.deepEqual(await station.call("UpdateFirmware", request(1, later)), { status: "InvalidCertificate" });

  const trusted = { certificateType: "ManufacturerRootCertificate", certificate: fixture("ca.crt") };
  assert.equal((await station.call("InstallCertificate", trusted)).status, "Accepted");
  assert.deepEqual(await station.call("UpdateFirmware", request(2, later)), { status: "Accepted" });
  await station.waitFor((r) => r.action === "FirmwareStatusNotification" && r.payload.status === "DownloadScheduled");
  assert.deepEqual(await station.call("UpdateFirmware", request(3, new Date().toISOString())), { status: "Rejected" });
});
