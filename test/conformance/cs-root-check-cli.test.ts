import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../cli/cli-process.js";

describe("ocppkit conformance cs and charge-point: AdditionalRootCertificateCheck options", () => {
  it("--new-root-tls needs key.pem,cert.pem (usage error, exit 2)", async () => {
    const { code, stderr } = await runCli(["conformance", "cs", "--new-root-tls", "only-a-key.pem", "--cases", "TC_M_30_CS"]);
    assert.equal(code, 2);
    assert.match(stderr, /--new-root-tls must be key\.pem,cert\.pem/);
  });

  it("--list says the AdditionalRootCertificateCheck cases are not applicable while the feature is not claimed", async () => {
    const { code, stdout } = await runCli(["conformance", "cs", "--list", "--cases", "TC_M_09_CS,TC_B_50_CS"]);
    assert.equal(code, 0);
    for (const id of ["TC_M_09_CS", "TC_B_50_CS"]) {
      const line = stdout.split("\n").find((l) => l.includes(id)) ?? "";
      assert.match(line, /AdditionalRootCertificateCheck/, line);
    }
  });

  it("charge-point --additional-root-certificate-check needs a 2.x station (usage error, exit 2)", async () => {
    const { code, stderr } = await runCli(["charge-point", "ws://127.0.0.1:9", "--additional-root-certificate-check", "--no-reconnect"]);
    assert.equal(code, 2);
    assert.match(stderr, /--additional-root-certificate-check needs --version 2\.0\.1 or 2\.1/);
  });
});
