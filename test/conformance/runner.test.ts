import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  type CaseResult,
  ConformanceError,
  commandTrigger,
  csmsCases,
  defaultConfig,
  exampleConfigText,
  exitCodeOf,
  httpTrigger,
  junitXml,
  parseConfigText,
  resolveConfig,
  runCase,
  selectCases,
  summarize,
} from "../../src/conformance/index.js";
import { CliProcess } from "../cli/cli-process.js";
import { startServe, testConfig, WrongCsms } from "./harness.js";

const byId = (id: string) => {
  const found = csmsCases.find((kase) => kase.id === id);
  assert.ok(found, id);
  return found;
};

test("the case list has every TC_*_CSMS id of part 6, once, with its block and direction", () => {
  const ids = csmsCases.map((kase) => kase.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const kase of csmsCases) {
    assert.match(kase.id, /^TC_[A-Z]_\d{2}_CSMS$/);
    assert.equal(kase.id[3], kase.block);
    assert.equal(kase.direction, "csms");
  }
  // Every TC_*_CSMS id of part 6 (Core and Advanced Security, 2023-06-30), in its order.
  const part6 = readFileSync(new URL("../../../test/conformance/part6-csms-ids.txt", import.meta.url), "utf8");
  const inSpec = new Set(part6.split("\n").filter(Boolean));
  assert.equal(inSpec.size, 135);
  for (const id of ids) assert.ok(inSpec.has(id), `${id} is a part 6 id`);
});

test("--init writes a commented example that reads back as the documented defaults", () => {
  const text = exampleConfigText();
  assert.match(text, /^\/\/ /m);
  assert.deepEqual(resolveConfig(parseConfigText(text, "example")), defaultConfig);
});

test("a config mistake is a BadConfig error that names the field", () => {
  const mistake = (given: object) => {
    try {
      resolveConfig(given as never, "conformance.json");
    } catch (error) {
      assert.ok(error instanceof ConformanceError);
      assert.equal(error.code, "BadConfig");
      return error.message;
    }
    assert.fail("no error");
  };
  assert.match(mistake({ evseId: 5 }), /"evseId" must be from 1 to evses/);
  assert.match(mistake({ stationid: "x" }), /unknown field "stationid"/);
  assert.match(mistake({ features: ["Teleportation"] }), /unknown feature "Teleportation"/);
  assert.match(mistake({ idTokens: { valid: { idToken: 1 } } }), /"idTokens.valid"/);
  assert.throws(() => parseConfigText("{ nope", "c.json"), /c.json is not valid JSON/);
});

test("--cases selects by id and pattern; a pattern that matches nothing is an error", () => {
  assert.deepEqual(
    selectCases(csmsCases, ["TC_B_0*", "TC_E_01_CSMS"]).map((kase) => kase.id),
    ["TC_B_01_CSMS", "TC_B_02_CSMS", "TC_B_06_CSMS", "TC_B_07_CSMS", "TC_B_09_CSMS", "TC_E_01_CSMS"],
  );
  assert.throws(() => selectCases(csmsCases, ["TC_Z_*"]), /no case matches 'TC_Z_\*'/);
});

test("without a trigger a case that needs the CSMS to act is 'needs action' and the run cannot pass; an unclaimed feature is 'not applicable'", async () => {
  const config = testConfig({ features: ["Provisioning"] });
  const wrong = new WrongCsms();
  await wrong.start(config);
  try {
    const needs = await runCase(byId("TC_B_06_CSMS"), { url: wrong.url, config, cases: [] });
    assert.equal(needs.outcome, "needs action");
    assert.match(needs.reason ?? "", /Request the CSMS to get OCPPCommCtrlr.OfflineThreshold/);
    const skipped = await runCase(byId("TC_E_01_CSMS"), { url: wrong.url, config, cases: [] });
    assert.equal(skipped.outcome, "not applicable");
    assert.match(skipped.reason ?? "", /does not claim Transactions/);
    const passed = await runCase(byId("TC_B_01_CSMS"), { url: wrong.url, config, cases: [] });
    assert.equal(passed.outcome, "pass");
    assert.equal(exitCodeOf([passed, skipped]), 0);
    assert.equal(exitCodeOf([passed, skipped, needs]), 1);
    assert.equal(exitCodeOf([]), 0);
  } finally {
    await wrong.close();
  }
});

test("a trigger that fails makes the case an error that says why, at the step", async () => {
  const refusing = createServer((_request, response) => {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ outcome: "refused", problem: "UnknownCharger", message: "OCPPKIT-CS1 is not connected" }));
  });
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  const config = testConfig();
  const wrong = new WrongCsms();
  await wrong.start(config);
  try {
    const base = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/control`;
    const result = await runCase(byId("TC_B_20_CSMS"), { url: wrong.url, config, cases: [], trigger: httpTrigger(base) });
    assert.equal(result.outcome, "error");
    assert.equal(result.step, "1");
    assert.match(result.reason ?? "", /HTTP 404: OCPPKIT-CS1 is not connected/);
  } finally {
    await wrong.close();
    refusing.close();
  }
});

test("the command trigger runs with the case, station, action and payload in its environment; a failing command fails the trigger", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-trigger-"));
  try {
    const file = join(dir, "env.txt");
    const request = {
      caseId: "TC_B_20_CSMS",
      stationId: "CS 1",
      version: "2.0.1",
      action: "Reset",
      payload: { type: "OnIdle" },
      instruction: "Request the CSMS to reset",
    };
    await commandTrigger(
      `printf '%s|%s|%s|%s|%s' "$OCPPKIT_CASE" "$OCPPKIT_STATION" "$OCPPKIT_VERSION" "$OCPPKIT_ACTION" "$OCPPKIT_PAYLOAD" > '${file}'`,
    )(request);
    assert.equal(readFileSync(file, "utf8"), 'TC_B_20_CSMS|CS 1|2.0.1|Reset|{"type":"OnIdle"}');
    await assert.rejects(commandTrigger("echo 'no such CSMS' >&2; exit 3")(request), /exited with 3: no such CSMS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("JUnit XML has a suite per block: a failure names the step and check, not applicable is skipped, needs action is an error", () => {
  const results: CaseResult[] = [
    { id: "TC_B_01_CSMS", name: "Cold Boot", block: "B", outcome: "pass", durationMs: 12 },
    {
      id: "TC_B_02_CSMS",
      name: "Pending <first>",
      block: "B",
      outcome: "fail",
      durationMs: 30,
      reason: 'step 2: BootNotificationResponse status: expected "Pending", received "Accepted"',
      step: "2",
      check: "BootNotificationResponse status",
      expected: '"Pending"',
      received: '"Accepted"',
      frames: [{ index: 0, time: "2026-01-01T00:00:00.000Z", from: "tool", text: '[2,"1","BootNotification",{}]' }],
    },
    { id: "TC_E_01_CSMS", name: "Start", block: "E", outcome: "not applicable", durationMs: 0, reason: "not claimed" },
    { id: "TC_E_21_CSMS", name: "Remote stop", block: "E", outcome: "needs action", durationMs: 5, reason: "needs action: stop it" },
  ];
  const xml = junitXml(results);
  assert.match(xml, /<testsuites name="ocppkit conformance csms" tests="4" failures="1" errors="1" skipped="1"/);
  assert.match(xml, /<testsuite name="B Provisioning" tests="2" failures="1"/);
  assert.match(xml, /<testcase classname="B Provisioning" name="TC_B_02_CSMS Pending &lt;first&gt;"/);
  assert.match(
    xml,
    /<failure message="step 2: BootNotificationResponse status: expected &quot;Pending&quot;[^"]*">[^<]*step 2: BootNotificationResponse status/,
  );
  assert.match(xml, /<skipped message="not claimed"\/>/);
  assert.match(xml, /<error message="needs action: stop it" type="needs action"\/>/);
  const summary = summarize(results);
  assert.equal(summary.passed, false);
  assert.deepEqual(
    summary.blocks.map((b) => [b.block, b.pass, b.fail, b.notApplicable, b.needsAction]),
    [
      ["B", 1, 1, 0, 0],
      ["E", 0, 0, 1, 1],
    ],
  );
});

test("ocppkit conformance csms against ocppkit serve: JSON lines with a result per case, a JUnit file, exit 0; without a trigger exit 1", async () => {
  const config = testConfig();
  const serve = await startServe(config);
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-cli-"));
  try {
    const junit = join(dir, "report.xml");
    const configFile = join(dir, "conformance.json");
    const init = await new CliProcess(["conformance", "csms", "--init", "--config", configFile]).exited;
    assert.equal(init.code, 0, init.stderr);
    const cases = "TC_B_01_CSMS,TC_B_06_CSMS";
    const run = await new CliProcess([
      "conformance",
      "csms",
      serve.wsUrl,
      "--config",
      configFile,
      "--cases",
      cases,
      "--trigger",
      serve.controlUrl,
      "--junit",
      junit,
      "--json",
    ]).exited;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      lines.filter((line) => line.event === "result").map((line) => [line.id, line.outcome]),
      [
        ["TC_B_01_CSMS", "pass"],
        ["TC_B_06_CSMS", "pass"],
      ],
    );
    assert.ok(
      lines.some(
        (line) => line.case === "TC_B_06_CSMS" && line.action === "GetVariables" && line.from === "centralSystem" && line.type === "CALL",
      ),
    );
    assert.equal(lines.at(-1)?.event, "summary");
    assert.match(readFileSync(junit, "utf8"), /tests="2" failures="0" errors="0"/);

    const unattended = await new CliProcess(["conformance", "csms", serve.wsUrl, "--config", configFile, "--cases", cases]).exited;
    assert.equal(unattended.code, 1);
    assert.match(unattended.stdout, /NEEDS ACTION +TC_B_06_CSMS/);
    assert.match(unattended.stdout, /1 pass, 0 fail, 1 needs action/);

    const list = await new CliProcess(["conformance", "csms", "--list", "--config", configFile]).exited;
    assert.equal(list.code, 0);
    assert.equal(list.stdout.split("\n").filter((line) => line.startsWith("TC_")).length, csmsCases.length);

    const mistake = await new CliProcess(["conformance", "csms", serve.wsUrl, "--cases", "TC_Q_*"]).exited;
    assert.equal(mistake.code, 2);
    assert.match(mistake.stderr, /no case matches 'TC_Q_\*'/);
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
