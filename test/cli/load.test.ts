import assert from "node:assert/strict";
import { test } from "node:test";
import { FaultProxy } from "../support/fault-proxy.js";
import { CliProcess } from "./cli-process.js";

interface Report {
  event: string;
  chargers: number;
  connected: number;
  calls: number;
  errors: number;
  connectFailures: number;
  disconnects: number;
  latencyMs: { p50: number; p99: number };
}

test("load with 50 chargers for a few seconds against serve reports zero errors", async (t) => {
  const serve = new CliProcess(["serve", "--port", "0", "--json", "--quiet"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<{ event: string; url: string }>((line) => line.event === "listening");

  const load = new CliProcess(["load", listening.url, "--count", "50", "--rate", "100", "--duration", "3", "--interval", "0.3", "--json"]);
  t.after(() => load.stop());
  const { code, stderr } = await load.exited;
  assert.equal(code, 0, stderr);
  const [report] = load.json<Report>((line) => line.event === "report");
  assert.ok(report, "a final report");
  assert.equal(report.chargers, 50);
  assert.equal(report.connected, 50);
  assert.equal(report.errors, 0);
  assert.equal(report.connectFailures, 0);
  assert.equal(report.disconnects, 0);
  // Each charger boots and reports two statuses at least: 150 calls is a floor that any real run passes.
  assert.ok(report.calls >= 150, `calls ${report.calls}`);
  assert.ok(report.latencyMs.p99 >= report.latencyMs.p50);
  assert.ok(load.json((line) => line.event === "progress").length >= 1, "progress lines while running");
});

test("load against a port where nothing listens exits 3 with one line", async () => {
  const serve = new CliProcess(["serve", "--port", "0", "--json", "--quiet"]);
  const listening = await serve.waitForJson<{ event: string; url: string }>((line) => line.event === "listening");
  await serve.stop();
  const { code, stderr } = await new CliProcess(["load", listening.url, "--count", "5", "--duration", "1"]).exited;
  assert.equal(code, 3);
  assert.equal(stderr, `ocppkit load: nothing is listening at ${listening.url}/LOAD-00001 (connection refused)`);
});

test("load with a count out of range exits 2", async () => {
  const { code, stderr } = await new CliProcess(["load", "ws://127.0.0.1:9", "--count", "0"]).exited;
  assert.equal(code, 2);
  assert.equal(stderr, "ocppkit load: --count must be a whole number from 1 to 50000, got '0' (see 'ocppkit load --help')");
});

test("load --reconnect: after the central system restarts, every charger comes back", { timeout: 90_000 }, async (t) => {
  const first = new CliProcess(["serve", "--port", "0", "--json", "--quiet"]);
  t.after(() => first.stop());
  const listening = await first.waitForJson<{ event: string; url: string }>((line) => line.event === "listening");
  // Through a proxy, so the new central system can be up before the chargers try again: on a loaded
  // machine its start-up alone could take seconds. The run is long for the same reason: the report is
  // taken at the end of --duration, and every charger must be back by then.
  const proxy = await FaultProxy.start(Number(new URL(listening.url).port));
  t.after(() => proxy.close());
  const count = 200;
  const load = new CliProcess(["load", proxy.url, "--count", String(count), "--rate", "400", "--duration", "40", "--reconnect", "--json"]);
  t.after(() => load.stop());
  await load.waitForJson<{ event: string; connected: number }>((line) => line.event === "progress" && line.connected === count, 15_000);
  // The restart: every link cut at once, the old central system gone, a new one up elsewhere.
  proxy.refuse();
  proxy.cut();
  await first.stop();
  const second = new CliProcess(["serve", "--port", "0", "--json", "--quiet"]);
  t.after(() => second.stop());
  const restarted = await second.waitForJson<{ event: string; url: string }>((line) => line.event === "listening");
  proxy.targetPort = Number(new URL(restarted.url).port);
  proxy.refuse(false);
  await load.exited;
  const [report] = load.json<{ event: string; reconnect?: { lost: number; back: number; down: number } }>(
    (line) => line.event === "report",
  );
  assert.ok(report?.reconnect, load.stderrLines.join("\n"));
  assert.ok(report.reconnect.lost >= count, `every link was lost once at least: ${JSON.stringify(report.reconnect)}`);
  assert.equal(report.reconnect.back, report.reconnect.lost, JSON.stringify(report.reconnect));
  assert.equal(report.reconnect.down, 0);
});
