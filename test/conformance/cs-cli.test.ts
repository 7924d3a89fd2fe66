import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CliProcess, runCli } from "../cli/cli-process.js";

const certificate = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url));

/** A --trigger command that forwards the physical action to the simulator's control endpoint (its URL in `file`). */
function forwardTo(file: string): string {
  const script = [
    'const base = require("node:fs").readFileSync(process.env.CONTROL_FILE, "utf8").trim();',
    "const e = process.env;",
    'fetch(base + "/" + e.OCPPKIT_VERSION + "/" + e.OCPPKIT_STATION + "/" + e.OCPPKIT_ACTION, { method: "POST", body: e.OCPPKIT_PAYLOAD })',
    "  .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));",
  ].join(" ");
  // Single quotes: the shell leaves the script alone.
  return `CONTROL_FILE='${file}' '${process.execPath}' -e '${script}'`;
}

describe("ocppkit conformance cs", () => {
  it("lists the TC_*_CS cases with the not-applicable reasons of the config", async () => {
    const { code, stdout } = await runCli(["conformance", "cs", "--list", "--cases", "TC_B_1*"]);
    assert.equal(code, 0);
    assert.match(stdout, /TC_B_12_CS\s+Get Base Report - ConfigurationInventory/);
    assert.match(stdout, /TC_B_15_CS .*not applicable: for a station without SummaryInventory/);
  });

  it("listens, refuses other ids with 404, and runs the cases on the simulator driven by a --trigger command (exit 0)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ocppkit-cs-"));
    const controlFile = join(dir, "control");
    const config = join(dir, "conformance.json");
    writeFileSync(config, JSON.stringify({ stationId: "SIM", heartbeatIntervalS: 1, actionTimeoutS: 15 }));
    const runner = new CliProcess([
      "conformance",
      "cs",
      "--port",
      "0",
      "--json",
      "--config",
      config,
      "--wait",
      "60",
      "--cases",
      "TC_B_01_CS,TC_B_02_CS,TC_B_06_CS",
      "--trigger",
      forwardTo(controlFile),
    ]);
    const processes = [runner];
    try {
      const { url } = await runner.waitForJson<{ event: string; url: string }>((e) => e.event === "listening");
      assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/SIM$/);
      const base = url.replace(/\/SIM$/, "");
      const stranger = await runCli(["charge-point", base, "--id", "OTHER", "--version", "2.0.1", "--no-reconnect"]);
      assert.notEqual(stranger.code, 0);
      assert.match(stranger.stderr, /404/);
      const simulator = new CliProcess([
        "charge-point",
        base,
        "--id",
        "SIM",
        "--version",
        "2.0.1",
        "--no-reconnect",
        "--control",
        "0",
        "--json",
        "--meter-interval",
        "0",
      ]);
      processes.push(simulator);
      const control = await simulator.waitForJson<{ event: string; url: string }>((e) => e.event === "control");
      writeFileSync(controlFile, control.url);
      const finished = await runner.exited;
      const results = runner.json<{ event: string; id: string; outcome: string }>((e) => e.event === "result");
      assert.deepEqual(
        results.map((r) => [r.id, r.outcome]),
        [
          ["TC_B_01_CS", "pass"],
          ["TC_B_02_CS", "pass"],
          ["TC_B_06_CS", "pass"],
        ],
        finished.stdout
          .split("\n")
          .filter((l) => l.includes('"result"'))
          .join("\n"),
      );
      assert.ok(runner.json<{ event: string; id?: string }>((e) => e.event === "refused" && e.id === "OTHER").length === 1);
      assert.equal(finished.code, 0);
    } finally {
      for (const p of processes) await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("over wss:// with client certificates, the TLS handshake cases pass against the reconnecting charge-point (TC_A_04-07)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ocppkit-cs-tls-"));
    const config = join(dir, "conformance.json");
    // CP-1 is the commonName of the fixture's client certificate: TC_A_07 step 4 compares it with the station's id.
    writeFileSync(config, JSON.stringify({ stationId: "CP-1", securityProfile: 3, heartbeatIntervalS: 1, actionTimeoutS: 15 }));
    const tls = ["server.key", "server.crt", "ca.crt"].map(certificate).join(",");
    const runner = new CliProcess(
      ["conformance", "cs", "--port", "0", "--json", "--config", config, "--tls", tls, "--wait", "60"].concat([
        "--cases",
        "TC_A_04_CS,TC_A_05_CS,TC_A_06_CS,TC_A_07_CS",
      ]),
    );
    const processes = [runner];
    try {
      const { url } = await runner.waitForJson<{ event: string; url: string }>((e) => e.event === "listening");
      assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+\/CP-1$/);
      const station = ["--ca", certificate("ca.crt"), "--cert", certificate("cp-1.crt"), "--key", certificate("cp-1.key")];
      processes.push(new CliProcess(["charge-point", url.replace(/\/CP-1$/, ""), "--id", "CP-1", "--version", "2.0.1", ...station]));
      const finished = await runner.exited;
      const results = runner.json<{ event: string; id: string; outcome: string; reason?: string }>((e) => e.event === "result");
      assert.deepEqual(
        results.map((r) => [r.id, r.outcome]),
        [
          ["TC_A_04_CS", "pass"],
          ["TC_A_05_CS", "pass"],
          ["TC_A_06_CS", "pass"],
          ["TC_A_07_CS", "pass"],
        ],
        results.map((r) => `${r.id} ${r.reason ?? ""}`).join("\n"),
      );
      assert.equal(finished.code, 0);
    } finally {
      for (const p of processes) await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without a trigger off a terminal, a case with a physical action is 'needs action' and the exit code is 1", async () => {
    const runner = new CliProcess(["conformance", "cs", "--port", "0", "--json", "--id", "SIM2", "--cases", "TC_B_02_CS", "--wait", "60"]);
    const processes = [runner];
    try {
      const { url } = await runner.waitForJson<{ event: string; url: string }>((e) => e.event === "listening");
      processes.push(new CliProcess(["charge-point", url.replace(/\/SIM2$/, ""), "--id", "SIM2", "--version", "2.0.1", "--no-reconnect"]));
      const finished = await runner.exited;
      const [result] = runner.json<{ event: string; outcome: string; reason: string }>((e) => e.event === "result");
      assert.equal(result?.outcome, "needs action");
      assert.match(result?.reason ?? "", /Reboot the Charging Station/);
      assert.equal(finished.code, 1);
    } finally {
      for (const p of processes) await p.stop();
    }
  });
});
