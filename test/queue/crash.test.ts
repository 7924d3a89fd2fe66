import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { TestCentralSystem } from "../support/central-system.js";

const childScript = fileURLToPath(new URL("../support/crash-charger.js", import.meta.url));
const count = 400;
const kills = 6;

const meterValueOf = (payload: Record<string, unknown>) =>
  Number((payload.meterValue as { sampledValue: { value: string }[] }[])[0].sampledValue[0].value);

interface Run {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly ready: Promise<void>;
}

function run(url: string, directory: string, from: number, onQueued: (n: number) => void): Run {
  const child = spawn(process.execPath, [childScript, url, directory, String(from), String(count)], {
    env: { ...process.env, OCPPKIT_CRASH_CHILD: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line === "ready") signalReady();
    const queued = /^queued (\d+)$/.exec(line);
    if (queued) onQueued(Number(queued[1]));
  });
  return { process: child, exited, ready: Promise.race([ready, exited.then(() => {})]) };
}

test("a charger SIGKILLed at random points while messages are queued delivers every one, in order, at least once", {
  timeout: 120_000,
}, async (t) => {
  const server = await TestCentralSystem.start();
  t.after(() => server.stop());
  const directory = await mkdtemp(join(tmpdir(), "ocppkit-crash-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  let queued = -1;
  const killPoints: string[] = [];
  let current: ChildProcess | undefined;
  t.after(() => current?.kill("SIGKILL"));

  for (let attempt = 0; attempt <= kills; attempt++) {
    const child = run(server.url("CP-CRASH"), directory, queued + 1, (n) => {
      queued = Math.max(queued, n);
    });
    current = child.process;
    if (attempt === kills) {
      assert.equal(await child.exited, 0, "the last run drains the queue and exits 0");
      break;
    }
    await child.ready;
    // Half the kills land a random time after start-up (often while queueing), half after a random
    // number of deliveries (while delivering).
    const base = server.received.length;
    const trigger =
      attempt % 2 === 0
        ? new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 200)))
        : server.waitFor(() => server.received.length >= base + 1 + Math.floor(Math.random() * 80));
    await Promise.race([trigger, child.exited]);
    killPoints.push(`run ${attempt}: queued up to ${queued}, server had ${server.received.length}`);
    child.process.kill("SIGKILL");
    await child.exited;
  }

  const values = server.received.filter((r) => r.action === "MeterValues").map((r) => meterValueOf(r.payload));
  const context = `kill points: ${killPoints.join("; ")}`;
  assert.equal(values[0], 0, context);
  assert.equal(values.at(-1), count - 1, context);
  let duplicates = 0;
  for (let i = 1; i < values.length; i++) {
    const step = values[i] - values[i - 1];
    // In order and complete: each message is the next one, or the one before again (a duplicate).
    assert.ok(step === 0 || step === 1, `message ${values[i]} followed ${values[i - 1]} (${context})`);
    if (step === 0) duplicates++;
  }
  // A crash can repeat only the message that was in flight when it hit.
  assert.ok(duplicates <= kills, `${duplicates} duplicates for ${kills} crashes (${context})`);
});
