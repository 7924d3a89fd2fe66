import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

// Each benchmark script, run with --quick, starts, compares its stacks and prints one valid JSON line.
// The figures themselves are not asserted: they depend on the machine.

interface BenchLine {
  node: string;
  bench: string;
  results: Record<string, Record<string, number>>;
  ratios: Record<string, Record<string, number>>;
}

async function runQuick(script: string): Promise<BenchLine[]> {
  const path = fileURLToPath(new URL(`../../../bench/${script}`, import.meta.url));
  const child = spawn(process.execPath, [path, "--quick"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, `bench/${script} --quick failed:\n${err}`);
  const lines = out.trim().split("\n");
  return lines.map((line) => JSON.parse(line) as BenchLine);
}

const roundTripStacks = ["ws", "ocpp-rpc", "ocppkit", "ocppkit-novalidation"];

function assertFigures(line: BenchLine, stacks: readonly string[], fields: readonly string[], baseline = "ws"): void {
  assert.deepEqual(Object.keys(line.results), [...stacks]);
  for (const stack of stacks) {
    for (const field of fields) {
      const value = line.results[stack][field];
      assert.ok(Number.isFinite(value), `${line.bench} ${stack}.${field} is ${value}`);
    }
  }
  assert.deepEqual(
    Object.keys(line.ratios),
    stacks.filter((stack) => stack !== baseline),
  );
}

describe("benchmark scripts", { concurrency: true }, () => {
  test("heartbeat prints one JSON line with round trips and CPU per call for every stack", async () => {
    const lines = await runQuick("heartbeat.mjs");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].bench, "heartbeat");
    assertFigures(lines[0], roundTripStacks, ["roundTripsPerSecond", "clientCpuUsPerCall", "serverCpuUsPerCall"]);
  });

  test("meter-values prints one JSON line with server CPU per call for every stack", async () => {
    const lines = await runQuick("meter-values.mjs");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].bench, "meter-values");
    assertFigures(lines[0], roundTripStacks, ["serverCpuUsPerCall", "clientCpuUsPerCall"]);
  });

  test("flood prints well-behaved chargers' latency without and with a flooder for every stack, bare ws beside ocppkit", async () => {
    const lines = await runQuick("flood.mjs");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].bench, "flood");
    const stacks = ["ws", "ocppkit", "ocppkit-throttle", "ocppkit-nopolicy"];
    assert.deepEqual(Object.keys(lines[0].results), stacks);
    for (const stack of stacks) {
      for (const field of ["p50WithoutMs", "p99WithoutMs", "p50WithMs", "p99WithMs", "flooderAnsweredPerSecond"]) {
        assert.ok(Number.isFinite(lines[0].results[stack][field]), `${stack}.${field}`);
      }
      assert.ok(Number.isFinite(lines[0].ratios[stack].p99));
    }
  });

  test("idle prints memory per connection and every charge point's heartbeat answered", async () => {
    const lines = await runQuick("idle.mjs");
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line.bench, "idle");
    assertFigures(line, roundTripStacks, [
      "rssBytesPerConnection",
      "heapBytesPerConnection",
      "rssFromStartBytesPerConnection",
      "marginalRssBytesPerConnection",
      "settledRssBytesPerConnection",
      "settledHeapBytesPerConnection",
      "heartbeatsAnswered",
    ]);
    const connections = (line as BenchLine & { connections: number }).connections;
    for (const stack of roundTripStacks) assert.equal(line.results[stack].heartbeatsAnswered, connections);
  });

  test("idle-breakdown prints each server's memory by step, raw, marginal and settled, with ratios to bare ws", async () => {
    const lines = await runQuick("idle-breakdown.mjs");
    assert.equal(lines.length, 1);
    const line = lines[0] as unknown as {
      bench: string;
      steps: number[];
      results: Record<string, Record<string, Record<string, Record<string, number>>>>;
      ratios: Record<string, unknown>;
    };
    assert.equal(line.bench, "idle-breakdown");
    assert.deepEqual(Object.keys(line.results), ["ws", "ocppkit"]);
    assert.deepEqual(Object.keys(line.ratios), ["ocppkit"]);
    for (const stack of ["ws", "ocppkit"]) {
      for (const step of line.steps) {
        for (const kind of ["raw", "overWarmUp", "marginal"]) {
          for (const field of ["rss", "heapUsed", "youngGeneration", "codeSpaceUsed"]) {
            const value = line.results[stack][step][kind][field];
            assert.ok(Number.isFinite(value), `${stack} ${step} ${kind}.${field} is ${value}`);
          }
        }
      }
      assert.ok(Number.isFinite(line.results[stack].settled.rss));
    }
  });

  test("allocations prints bytes allocated per call on both sides, and who allocates them, for bare ws and ocppkit", async () => {
    const lines = await runQuick("allocations.mjs");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].bench, "allocations");
    const results = lines[0].results as unknown as Record<
      string,
      Record<"client" | "server", { bytesPerCall: number; bySite: [string, number][] }>
    >;
    assert.deepEqual(Object.keys(results), ["ws", "ocppkit"]);
    for (const stack of ["ws", "ocppkit"]) {
      for (const side of ["client", "server"] as const) {
        assert.ok(results[stack][side].bytesPerCall > 0, `${stack} ${side} allocates something per call`);
        assert.ok(results[stack][side].bySite.length > 0);
      }
    }
  });

  test("startup prints start-up time and RSS for node alone, ws, ocpp-rpc and ocppkit with and without ws", async () => {
    const lines = await runQuick("startup.mjs");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].bench, "startup");
    assertFigures(lines[0], ["node", "ws", "ocpp-rpc", "ocppkit", "ocppkit-with-ws"], ["readyMs", "wallMs", "maxRssMiB"]);
  });

  test("cluster prints local and remote call figures, redis-server CPU and Redis memory per charger", async () => {
    const lines = await runQuick("cluster.mjs");
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line.bench, "cluster");
    assertFigures(line, ["local", "remote"], ["callsPerSecond", "nodeCpuUsPerCall", "redisCpuUsPerCall", "latencyP50Ms"], "local");
    assert.ok(Number.isFinite((line as BenchLine & { redisBytesPerCharger: number }).redisBytesPerCharger));
  });
});
