/** `ocppkit serve --redis`: several serve processes form one cluster; `ocppkit load` spreads over several URLs. */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { connectCharger, eventually, startRedis } from "../cluster/helpers.js";
import type { Cleanup } from "../support/peers.js";
import { CliProcess, runCli } from "./cli-process.js";

interface Line {
  event?: string;
  url?: string;
  node?: string;
  message?: string;
  chargePoint?: string;
}

async function startNode(t: Cleanup, redisUrl: string, nodeId: string): Promise<{ serve: CliProcess; url: string }> {
  const serve = new CliProcess(["serve", "--port", "0", "--json", "--redis", redisUrl, "--node-id", nodeId]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening", 20_000);
  assert.equal(listening.node, nodeId);
  return { serve, url: listening.url ?? "" };
}

test("a command typed on one serve node reaches a charger on another, and list shows every charger with its node", async (t) => {
  const redis = await startRedis(t);
  const a = await startNode(t, redis.url, "node-a");
  const b = await startNode(t, redis.url, "node-b");
  const charger = await connectCharger(t, a.url, "CP1", "1.6");
  await eventually("list on node B shows CP1 on node A", async () => {
    b.serve.write("list");
    await new Promise((resolve) => setTimeout(resolve, 100));
    return b.serve.json<Line>((line) => line.event === "prompt" && line.message === "connected: CP1 (node-a, 1.6)").length > 0;
  });
  b.serve.write('CP1 Reset {"type":"Soft"}');
  const answered = await b.serve.waitForJson<Line>((line) => line.event === "prompt" && /answered Reset/.test(line.message ?? ""));
  assert.equal(answered.message, 'CP1 (on node node-a) answered Reset: {"status":"Accepted"}');
  assert.deepEqual(charger.received, ["Reset"]);
  b.serve.write('GHOST Reset {"type":"Soft"}');
  const refused = await b.serve.waitForLine((line) => /GHOST/.test(line), { stream: "stderr" });
  assert.equal(refused, "GHOST is not connected to any node of the cluster");
});

test("ocppkit load spreads its chargers over several URLs", async (t) => {
  const redis = await startRedis(t);
  const a = await startNode(t, redis.url, "node-a");
  const b = await startNode(t, redis.url, "node-b");
  const { code, stdout } = await runCli([
    "load",
    a.url,
    b.url,
    "--count",
    "4",
    "--rate",
    "100",
    "--duration",
    "2",
    "--interval",
    "0.5",
    "--json",
  ]);
  const report = JSON.parse(stdout.split("\n").at(-1) ?? "{}") as { connected?: number; errors?: number };
  assert.equal(code, 0, stdout);
  assert.deepEqual([report.connected, report.errors], [4, 0]);
  const connectedTo = (serve: CliProcess) =>
    [...new Set(serve.json<Line>((line) => line.event === "connected").map((line) => line.chargePoint))].sort();
  assert.deepEqual(connectedTo(a.serve), ["LOAD-00001", "LOAD-00003"]);
  assert.deepEqual(connectedTo(b.serve), ["LOAD-00002", "LOAD-00004"]);
});

test("serve --redis with no Redis there fails with one line and exit code 3", async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const { code, stderr } = await runCli(["serve", "--port", "0", "--redis", `redis://127.0.0.1:${port}`]);
  assert.equal(code, 3);
  assert.equal(
    stderr,
    `ocppkit serve: cannot reach Redis at redis://127.0.0.1:${port}; is it running? (redis-server, or --redis with another URL)`,
  );
});
