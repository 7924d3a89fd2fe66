import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "./cli-process.js";

test("ocppkit demo runs a full session and exits 0 with a summary", async () => {
  const { code, stdout, stderr } = await runCli(["demo"]);
  assert.equal(code, 0, stderr);
  for (const action of ["BootNotification", "Authorize", "StartTransaction", "MeterValues", "RemoteStopTransaction", "StopTransaction"]) {
    assert.match(stdout, new RegExp(`CP-DEMO-1 [→←] CS  ${action}`), `${action} missing from the timeline`);
  }
  assert.match(stdout, /✓ demo complete: transaction 1 charged \d+ Wh/);
  assert.ok(!stdout.includes("\u001b["), "no colours when stdout is not a terminal");
  assert.equal(stderr, "");
});

test("ocppkit demo --json prints one JSON object per frame and a summary", async () => {
  const { code, stdout, stderr } = await runCli(["demo", "--json"]);
  assert.equal(code, 0, stderr);
  const lines = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const calls = lines.filter((line) => line.type === "CALL");
  assert.deepEqual(
    calls.filter((line) => line.from === "centralSystem").map((line) => line.action),
    ["RemoteStopTransaction"],
  );
  const boot = lines.find((line) => line.type === "CALLRESULT" && line.action === "BootNotification");
  assert.ok(boot);
  assert.equal((boot.payload as { status?: string }).status, "Accepted");
  assert.equal(typeof boot.latencyMs, "number");
  const summary = lines.at(-1);
  assert.equal(summary?.event, "summary");
  assert.equal(summary?.errors, 0);
  assert.ok((summary?.energyWh as number) > 0);
});

for (const version of ["2.0.1", "2.1"]) {
  test(`ocppkit demo --version ${version} runs the session with TransactionEvents and RequestStopTransaction`, async () => {
    const { code, stdout, stderr } = await runCli(["demo", "--version", version, "--json"]);
    assert.equal(code, 0, stderr);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = lines
      .filter((line) => line.type === "CALL" && line.action === "TransactionEvent")
      .map((line) => (line.payload as { eventType: string }).eventType);
    assert.deepEqual(events, ["Started", "Updated", "Updated", "Ended"]);
    assert.ok(lines.some((line) => line.type === "CALL" && line.action === "RequestStopTransaction" && line.from === "centralSystem"));
    assert.equal(lines.at(-1)?.errors, 0);
  });
}
