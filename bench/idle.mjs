/**
 * Idle connections: `node bench/idle.mjs [--connections=1000|10000|19900] [--settle-ms=20000] [--quick]`.
 * One server process per stack holds N connected charge points (bare `ws` clients, the same for every
 * stack, so only the server differs), opened in two halves; each sends one Heartbeat. The server's RSS
 * and heap are read after GC and given per connection four ways (issue 18), so that no one-time cost
 * passes for a per-connection one and none is hidden either:
 * - over the server's figures after one charge point came and went (the warm-up), right after the
 *   connections were made (`rssBytesPerConnection`, `heapBytesPerConnection`, the figures of old);
 * - from the server as started, every one-time cost included (`...FromStart...`);
 * - marginal: the slope between N/2 and N (`marginal...`);
 * - settled: over the warm-up, both read once V8 has shrunk its young generation (`settled...`; at the
 *   first GC after about 5 s of little allocation, waiting at most `--settle-ms`). The young generation
 *   grows by doubling while connections are made, is empty after GC but stays resident until then, and
 *   its size at a given N depends on everything the process allocated before: `youngGenerationMiB` shows
 *   it (after the warm-up, at N, settled at N).
 * A second round of Heartbeats from every charge point at once then checks that heartbeats flow at that
 * size, and what that round costs the server. `--snapshot=1` also writes a heap snapshot of each server
 * before and at N: compare them with `node bench/heap-breakdown.mjs <before> <at N> <N>` for what each
 * connection keeps.
 *
 * Beyond 5,000 connections the clients run in `--client-processes` child processes (default: one per 5,000), each
 * from its own loopback source address 127.0.0.(2+k): the open-files limit is per process, and each
 * source address has its own ephemeral ports. The server process itself needs N descriptors plus a
 * few, so N can come close to, but not reach, the hard open-files limit.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startServer } from "./lib/child.mjs";
import { bareClient, openMany } from "./lib/clients.mjs";
import { cpuMicros, printResult, ratios, readOptions, round, stackList } from "./lib/options.mjs";
import { raiseOpenFilesLimit } from "./lib/raise-open-files.mjs";

raiseOpenFilesLimit();

const options = readOptions(
  { connections: 1_000, parallel: 100, clientProcesses: 0, stacks: "", snapshot: 0, settleMs: 20_000 },
  { connections: 20, parallel: 10, settleMs: 0 },
);
const stacks = stackList(options.stacks);
const clientScript = fileURLToPath(new URL("./lib/idle-clients.mjs", import.meta.url));
// Each server starts just before it is measured: one started with the others and left idle while they
// are measured would have shrunk its young generation (V8 does after about 5 s without allocation)
// before its baseline, and a young generation grown by the connections would count per connection for
// it alone (that made ocppkit's RSS per connection at 1,000 read 1.3x-1.5x bare ws's, issue 18).
const results = {};
for (const stack of stacks) results[stack] = await measure(stack, await startServer(stack));
printResult({
  bench: "idle",
  connections: options.connections,
  results,
  ratios: ratios(results, [
    "rssBytesPerConnection",
    "heapBytesPerConnection",
    "rssFromStartBytesPerConnection",
    "marginalRssBytesPerConnection",
    "marginalHeapBytesPerConnection",
    "settledRssBytesPerConnection",
    "settledHeapBytesPerConnection",
    "settledMarginalRssBytesPerConnection",
  ]),
});

/**
 * Starts clients `from` .. `from + n - 1`; resolves once every one is connected. Client processes get
 * the loopback addresses 127.0.0.(2 + addressOffset + k).
 */
async function openClients(url, from, n, addressOffset) {
  // Up to 5,000 the clients fit in this process, and a quick run spawns nothing.
  const total = options.connections;
  const processes = options.clientProcesses ? Math.ceil((options.clientProcesses * n) / total) : total > 5_000 ? Math.ceil(n / 5_000) : 0;
  if (processes === 0) {
    const clients = await openMany(n, options.parallel, (i) => bareClient(url, `CP-${from + i}`));
    const answered = (answers) => answers.filter((answer) => typeof answer?.currentTime === "string").length;
    return {
      processes: 0,
      heartbeat: async () => answered(await Promise.all(clients.map((client) => client.heartbeat()))),
      close: () => Promise.all(clients.map((client) => client.close())),
    };
  }
  const per = Math.ceil(n / processes);
  const children = [];
  for (let k = 0, first = 0; first < n; k++, first += per) {
    const count = Math.min(per, n - first);
    const parallel = Math.max(1, Math.ceil(options.parallel / processes));
    const args = [url, String(from + first), String(count), String(parallel), `127.0.0.${2 + addressOffset + k}`];
    children.push(fork(clientScript, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }
  await Promise.all(
    children.map((child) =>
      Promise.race([
        once(child, "message"),
        once(child, "exit").then(([code]) => {
          throw new Error(`A client process exited with ${code} before its clients were connected`);
        }),
      ]),
    ),
  );
  const ask = async (type) => {
    const replies = children.map((child) => once(child, "message"));
    for (const child of children) child.send({ type });
    return (await Promise.all(replies)).map(([message]) => message);
  };
  return {
    processes: children.length,
    heartbeat: async () => (await ask("heartbeat")).reduce((sum, reply) => sum + reply.answered, 0),
    close: () =>
      Promise.all(
        children.map((child) => {
          if (child.exitCode !== null) return undefined;
          const exited = once(child, "exit");
          child.send({ type: "close" });
          return exited;
        }),
      ),
  };
}

async function measure(stack, server) {
  const halves = [];
  try {
    const n = options.connections;
    const reading = async (settle) => {
      const reply = await server.memory(true, settle ? options.settleMs : 0);
      const { new_space: young, code_space: code } = reply.spaces ?? {};
      return { ...reply.memory, youngGeneration: young?.physical ?? 0, code: code?.used ?? 0, connections: reply.connections };
    };
    const start = await reading(false);
    const first = await bareClient(server.url, "CP-warm-up");
    await first.heartbeat();
    await first.close();
    const warm = await reading(false);
    const warmSettled = await reading(true);
    const snapshotBefore = options.snapshot ? await server.snapshot() : undefined;
    // Two halves, read after each: the slope between N/2 and N is what one more connection costs,
    // whatever the server spent once (code compiled, tables grown) on its first connections.
    const half = Math.floor(n / 2);
    const atHalf = [];
    for (const [from, count] of [
      [0, half],
      [half, n - half],
    ]) {
      const clients = await openClients(
        server.url,
        from,
        count,
        halves.reduce((sum, h) => sum + h.processes, 0),
      );
      halves.push(clients);
      const answered = await clients.heartbeat();
      if (answered !== count) throw new Error(`The ${stack} server answered ${answered} of ${count} heartbeats`);
      if (from === 0) atHalf.push(await reading(false), await reading(true));
    }
    const after = await reading(false);
    if (after.connections !== n) throw new Error(`The ${stack} server holds ${after.connections} connections, expected ${n}`);
    const settled = await reading(true);
    const snapshot = options.snapshot ? await server.snapshot() : undefined;
    const cpuBefore = await server.cpu();
    const roundStart = process.hrtime.bigint();
    const answered = (await Promise.all(halves.map((clients) => clients.heartbeat()))).reduce((sum, count) => sum + count, 0);
    const roundMs = Number(process.hrtime.bigint() - roundStart) / 1e6;
    const serverCpu = cpuMicros(cpuBefore, await server.cpu());
    const per = (field, from, to, count = n) => Math.round((to[field] - from[field]) / count);
    const [halfNow, halfSettled] = atHalf;
    return {
      // Over the server's figures after one charge point came and went, right after connecting (as before).
      rssBytesPerConnection: per("rss", warm, after),
      heapBytesPerConnection: per("heapUsed", warm, after),
      externalBytesPerConnection: per("external", warm, after),
      // Raw: over the server as started, so every one-time cost of the first connection is in it.
      rssFromStartBytesPerConnection: per("rss", start, after),
      heapFromStartBytesPerConnection: per("heapUsed", start, after),
      // Marginal: the slope between N/2 and N connections.
      marginalRssBytesPerConnection: per("rss", halfNow, after, n - half),
      marginalHeapBytesPerConnection: per("heapUsed", halfNow, after, n - half),
      // Settled: over the settled warm-up, once V8 has shrunk its young generation again.
      settledRssBytesPerConnection: per("rss", warmSettled, settled),
      settledHeapBytesPerConnection: per("heapUsed", warmSettled, settled),
      settledMarginalRssBytesPerConnection: per("rss", halfSettled, settled, n - half),
      // Of the heap: machine code compiled since the warm-up (hot paths optimised as the connections
      // came and sent their Heartbeats), a one-time cost that the per-connection figures spread over N.
      codeBytesPerConnection: per("code", warm, after),
      serverRssMiB: round(after.rss / 2 ** 20, 1),
      settledServerRssMiB: round(settled.rss / 2 ** 20, 1),
      youngGenerationMiB: [warm, after, settled].map((r) => round(r.youngGeneration / 2 ** 20, 2)),
      heartbeatsAnswered: answered,
      heartbeatRoundMs: round(roundMs, 1),
      serverCpuUsPerHeartbeat: round(serverCpu / n),
      ...(snapshot ? { snapshots: [snapshotBefore, snapshot] } : {}),
    };
  } finally {
    for (const clients of halves) await clients.close();
    await server.stop();
  }
}
