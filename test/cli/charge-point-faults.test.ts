import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FaultProxy } from "../support/fault-proxy.js";
import { CliProcess } from "./cli-process.js";

interface Line {
  time?: string;
  event?: string;
  type?: string;
  from?: string;
  action?: string;
  chargePoint?: string;
  payload?: Record<string, unknown>;
  url?: string;
  transactionId?: number | string;
  position?: number;
  offline?: boolean;
  attempt?: number;
  message?: string;
}

type After = { after: (fn: () => unknown) => void };

const isCall = (action: string) => (line: Line) => line.type === "CALL" && line.action === action && line.from === "chargePoint";

async function startServe(t: After, port = "0"): Promise<{ serve: CliProcess; url: string; port: string }> {
  const serve = new CliProcess(["serve", "--port", port, "--json"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening");
  const url = listening.url ?? "";
  return { serve, url, port: new URL(url).port };
}

/** A port where nothing listens now (serve started and stopped), to start serve on later. */
async function freePort(t: After): Promise<{ url: string; port: string }> {
  const { serve, url, port } = await startServe(t);
  await serve.stop();
  return { url, port };
}

function stateDir(t: After): string {
  const directory = mkdtempSync(join(tmpdir(), "ocppkit-cp-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

const energyOf = (payload: Record<string, unknown> | undefined) => {
  const [reading] = (payload?.meterValue ?? []) as { timestamp: string; sampledValue: { value: string | number; measurand?: string }[] }[];
  const energy = reading?.sampledValue.find((s) => s.measurand === "Energy.Active.Import.Register");
  return { timestamp: reading?.timestamp, value: Number(energy?.value) };
};

test("a charger started while the central system is down keeps retrying, takes a session offline, and delivers it all", {
  timeout: 60_000,
}, async (t) => {
  const { url, port } = await freePort(t);
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--connectors", "1", "--meter-interval", "0.2", "--json"]);
  t.after(() => charger.stop());
  await charger.waitForJson<Line>((line) => line.event === "connectFailed" && line.attempt === 1);
  // `start` before any connection: the offline path, not "not connected".
  charger.write("start 1 TAG-1");
  const started = await charger.waitForJson<Line>((line) => line.event === "started");
  assert.equal(typeof started.transactionId, "number");
  assert.ok(Number(started.transactionId) < 0, "a local reference until the central system gives the id");
  const queuedStart = await charger.waitForJson<Line>((line) => line.event === "queued" && line.action === "StartTransaction");
  assert.equal(queuedStart.position, 1);
  assert.equal(queuedStart.offline, true);
  await charger.waitForJson<Line>((line) => line.event === "queued" && line.action === "MeterValues" && (line.position ?? 0) >= 3);
  charger.write("stop 1");
  await charger.waitForJson<Line>((line) => line.event === "stopped");
  await charger.waitForJson<Line>((line) => line.event === "connectFailed" && (line.attempt ?? 0) >= 2);

  const { serve } = await startServe(t, port);
  const stop = await serve.waitForJson<Line>(isCall("StopTransaction"), 30_000);
  await charger.waitForJson<Line>((line) => line.event === "drained");
  const learned = await charger.waitForJson<Line>((line) => line.event === "transactionId");
  assert.equal(stop.payload?.transactionId, learned.transactionId);
  const actions = serve.json<Line>((line) => line.type === "CALL" && line.from === "chargePoint").map((line) => line.action);
  assert.deepEqual(
    actions.filter((action) => action !== "StatusNotification" && action !== "MeterValues"),
    ["BootNotification", "StartTransaction", "StopTransaction"],
  );
  assert.ok(actions.filter((action) => action === "MeterValues").length >= 2);

  // Every line of --json is timestamped, and failed attempts are not reported as lost links.
  const lines = charger.json<Line>();
  assert.ok(lines.every((line) => typeof line.time === "string" && !Number.isNaN(Date.parse(line.time))));
  assert.equal(lines.filter((line) => line.event === "disconnected").length, 0);
  assert.ok(lines.filter((line) => line.event === "connecting").length >= 3);
  assert.equal(charger.stderrLines.length, 0, charger.stderrLines.join("\n"));
});

test("--json puts warnings on stdout as events, and --state-dir is the same directory as --queue-dir", { timeout: 30_000 }, async (t) => {
  const { url } = await startServe(t);
  const directory = stateDir(t);
  const both = await new CliProcess(["charge-point", url, "--queue-dir", directory, "--state-dir", `${directory}x`]).exited;
  assert.equal(both.code, 2);
  const charger = new CliProcess(["charge-point", url, "--id", "CP1", "--state-dir", directory, "--json"]);
  t.after(() => charger.stop());
  await charger.waitForJson<Line>((line) => line.event === "connected");
  charger.write("wobble");
  const warning = await charger.waitForJson<Line>((line) => line.event === "warning");
  assert.match(warning.message ?? "", /unknown command 'wobble'/);
  assert.equal(charger.stderrLines.length, 0);
});

test("a charger killed mid-transaction ends it after restart: StopTransaction PowerLoss with the last meter value and its time", {
  timeout: 60_000,
}, async (t) => {
  const { serve, url } = await startServe(t);
  const directory = stateDir(t);
  const args = ["charge-point", url, "--id", "CP1", "--connectors", "1", "--meter-interval", "0.2", "--queue-dir", directory, "--json"];
  const first = new CliProcess(args);
  t.after(() => first.stop());
  await first.waitForJson<Line>((line) => line.event === "connected");
  first.write("start 1 TAG-9");
  const started = await first.waitForJson<Line>((line) => line.event === "started");
  await serve.waitForJson<Line>(() => serve.json<Line>(isCall("MeterValues")).length >= 3);
  first.child.kill("SIGKILL");
  await first.exited;

  const second = new CliProcess(args);
  t.after(() => second.stop());
  const stop = await serve.waitForJson<Line>(isCall("StopTransaction"), 30_000);
  assert.equal(stop.payload?.reason, "PowerLoss");
  assert.equal(stop.payload?.transactionId, started.transactionId);
  assert.equal(stop.payload?.idTag, "TAG-9");
  // The last reading the first run took: the last MeterValues delivered, or one taken just before the kill.
  const last = energyOf(serve.json<Line>(isCall("MeterValues")).at(-1)?.payload);
  assert.ok(Number(stop.payload?.meterStop) >= last.value, `meterStop ${stop.payload?.meterStop} after ${last.value}`);
  assert.ok(String(stop.payload?.timestamp) >= String(last.timestamp), `${stop.payload?.timestamp} after ${last.timestamp}`);
  assert.ok(Date.parse(String(stop.payload?.timestamp)) <= Date.now());
  const powerLoss = await second.waitForJson<Line>((line) => line.event === "powerLoss");
  assert.equal(powerLoss.transactionId, started.transactionId);
  await second.waitForJson<Line>((line) => line.event === "drained");

  // Ended once: a third run has nothing left to stop.
  await second.stop();
  const third = new CliProcess(args);
  t.after(() => third.stop());
  await third.waitForJson<Line>((line) => line.event === "connected");
  await serve.waitForJson<Line>(() => serve.json<Line>(isCall("BootNotification")).length >= 3);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(serve.json<Line>(isCall("StopTransaction")).length, 1);
  assert.equal(third.json<Line>((line) => line.event === "powerLoss").length, 0);
});

test("a 2.0.1 charger killed mid-transaction ends it with TransactionEvent Ended, PowerLoss, the next seqNo; offline events say offline", {
  timeout: 60_000,
}, async (t) => {
  const { url, port } = await freePort(t);
  const directory = stateDir(t);
  const args = ["charge-point", url, "--id", "CS1", "--version", "2.0.1", "--connectors", "1", "--meter-interval", "0.2"];
  const first = new CliProcess([...args, "--queue-dir", directory, "--json"]);
  t.after(() => first.stop());
  await first.waitForJson<Line>((line) => line.event === "connectFailed");
  first.write("start 1 TAG-2");
  const started = await first.waitForJson<Line>((line) => line.event === "started");
  await first.waitForJson<Line>((line) => line.event === "queued" && (line.position ?? 0) >= 4);
  first.child.kill("SIGKILL");
  await first.exited;

  const { serve } = await startServe(t, port);
  const second = new CliProcess([...args, "--state-dir", directory, "--json"]);
  t.after(() => second.stop());
  const isEvent = (type: string) => (line: Line) => isCall("TransactionEvent")(line) && line.payload?.eventType === type;
  const ended = await serve.waitForJson<Line>(isEvent("Ended"), 30_000);
  const events = serve.json<Line>(isCall("TransactionEvent"));
  const info = ended.payload?.transactionInfo as { transactionId?: string; stoppedReason?: string };
  assert.equal(info.stoppedReason, "PowerLoss");
  assert.equal(info.transactionId, started.transactionId);
  const seqNos = events.map((line) => Number(line.payload?.seqNo));
  assert.equal(seqNos[0], 0);
  assert.ok(Number(ended.payload?.seqNo) > Math.max(...seqNos.slice(0, -1)), `seqNos ${seqNos.join(",")}`);
  // Made while offline (2.0.1 E04), the Started and Updated events of the first run say so.
  assert.ok(events.slice(0, -1).every((line) => line.payload?.offline === true));
  const lastUpdate = energyOf(events.at(-2)?.payload);
  const end = energyOf(ended.payload);
  assert.ok(end.value >= lastUpdate.value);
  assert.equal(ended.payload?.timestamp, end.timestamp, "the event's time is the last reading's");
});

test("a black-holed link is noticed within the ping interval set by WebSocketPingInterval, and the charger comes back", {
  timeout: 60_000,
}, async (t) => {
  const { serve, port } = await startServe(t);
  const proxy = await FaultProxy.start(Number(port));
  t.after(() => proxy.close());
  // Pings off on the command line: the central system turns them on (1.6 section 9.1.34).
  const charger = new CliProcess(["charge-point", proxy.url, "--id", "CP1", "--ping-interval", "0", "--json"]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>(isCall("StatusNotification"));
  serve.write('CP1 ChangeConfiguration {"key":"WebSocketPingInterval","value":"-5"}');
  const rejected = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "ChangeConfiguration");
  assert.deepEqual(rejected.payload, { status: "Rejected" });
  serve.write('CP1 ChangeConfiguration {"key":"WebSocketPingInterval","value":"1"}');
  await serve.waitForJson<Line>(
    (line) =>
      line.type === "CALLRESULT" &&
      line.action === "ChangeConfiguration" &&
      serve.json<Line>((l) => l.type === "CALLRESULT" && l.action === "ChangeConfiguration").length === 2,
  );
  proxy.stall();
  await charger.waitForJson<Line>((line) => line.event === "disconnected", 20_000);
  proxy.unstall();
  await charger.waitForJson<Line>(
    (line) => line.event === "connected" && charger.json<Line>((l) => l.event === "connected").length === 2,
    20_000,
  );
});

test("a 2.0.1 central system sets the back-off through the OCPPCommCtrlr RetryBackOff variables", { timeout: 60_000 }, async (t) => {
  const { serve, url } = await startServe(t);
  const charger = new CliProcess(["charge-point", url, "--id", "CS1", "--version", "2.0.1", "--json"]);
  t.after(() => charger.stop());
  await serve.waitForJson<Line>(isCall("StatusNotification"));
  const variable = (name: string, attributeValue: string) => ({
    component: { name: "OCPPCommCtrlr" },
    variable: { name },
    attributeValue,
  });
  const setVariableData = [
    variable("RetryBackOffWaitMinimum", "3"),
    variable("RetryBackOffRandomRange", "0"),
    variable("RetryBackOffRepeatTimes", "-1"),
  ];
  serve.write(`CS1 SetVariables ${JSON.stringify({ setVariableData })}`);
  const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "SetVariables");
  const results = (answer.payload?.setVariableResult ?? []) as { attributeStatus: string }[];
  assert.deepEqual(
    results.map((r) => r.attributeStatus),
    ["Accepted", "Accepted", "Rejected"],
  );
  await serve.stop();
  const lost = await charger.waitForJson<Line & { retryInMs?: number }>((line) => line.event === "disconnected");
  assert.equal(lost.retryInMs, 3_000, "RetryBackOffWaitMinimum, no random part");
});

test("2.0.1: the back-off a central system set is kept in the device model over a restart (station.json) and applies to the new link", {
  timeout: 60_000,
}, async (t) => {
  const { serve, url } = await startServe(t);
  const directory = stateDir(t);
  const args = ["charge-point", url, "--id", "CS1", "--version", "2.0.1", "--queue-dir", directory, "--json"];
  const first = new CliProcess(args);
  t.after(() => first.stop());
  await serve.waitForJson<Line>(isCall("StatusNotification"));
  const variable = (name: string, attributeValue?: string) => ({
    component: { name: "OCPPCommCtrlr" },
    variable: { name },
    attributeValue,
  });
  const setVariableData = [
    variable("RetryBackOffWaitMinimum", "3"),
    variable("RetryBackOffRandomRange", "0"),
    variable("WebSocketPingInterval", "-5"),
    variable("WebSocketPingInterval", "1.5"),
  ];
  serve.write(`CS1 SetVariables ${JSON.stringify({ setVariableData })}`);
  const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "SetVariables");
  const results = (answer.payload?.setVariableResult ?? []) as { attributeStatus: string }[];
  assert.deepEqual(
    results.map((r) => r.attributeStatus),
    ["Accepted", "Accepted", "Rejected", "Rejected"],
  );
  await first.stop();

  const second = new CliProcess(args);
  t.after(() => second.stop());
  await serve.waitForJson<Line>(() => serve.json<Line>(isCall("BootNotification")).length >= 2);
  const names = ["RetryBackOffWaitMinimum", "RetryBackOffRandomRange", "RetryBackOffRepeatTimes", "WebSocketPingInterval"];
  serve.write(`CS1 GetVariables ${JSON.stringify({ getVariableData: names.map((name) => variable(name)) })}`);
  const read = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "GetVariables");
  const values = (read.payload?.getVariableResult ?? []) as { attributeValue?: string }[];
  // Kept: what the central system set; RepeatTimes as the station started; the ping interval from the command line.
  assert.deepEqual(
    values.map((v) => v.attributeValue),
    ["3", "0", "5", "30"],
  );
  await serve.stop();
  const lost = await second.waitForJson<Line & { retryInMs?: number }>((line) => line.event === "disconnected");
  assert.equal(lost.retryInMs, 3_000, "RetryBackOffWaitMinimum from station.json, no random part");
});

test("a state directory that is not readable as a charger state, or holds another charger's, is refused with one line", {
  timeout: 30_000,
}, async (t) => {
  const { url } = await startServe(t);
  const directory = stateDir(t);
  writeFileSync(join(directory, "charger-state.json"), "{ not json");
  const corrupt = await new CliProcess(["charge-point", url, "--id", "CP1", "--queue-dir", directory]).exited;
  assert.equal(corrupt.code, 1);
  assert.equal(
    corrupt.stderr,
    `ocppkit charge-point: ${join(directory, "charger-state.json")} is not valid JSON; move it away to start without it`,
  );
  writeFileSync(join(directory, "charger-state.json"), JSON.stringify({ version: 1, chargePoint: "CP2", transactions: [] }));
  const other = await new CliProcess(["charge-point", url, "--id", "CP1", "--queue-dir", directory]).exited;
  assert.equal(other.code, 1);
  assert.equal(other.stderr, `ocppkit charge-point: ${directory} holds the state of charge point CP2, not CP1; give each charger its own`);
});
