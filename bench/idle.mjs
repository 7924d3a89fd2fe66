/**
 * Idle connections: `node bench/idle.mjs [--connections=1000|10000|19900] [--quick]`.
 * One server process per stack holds N connected charge points (bare `ws` clients, the same for every
 * stack, so only the server differs). Each sends one Heartbeat, then the server's RSS and heap are
 * read after GC and divided by N (less the server's own figures with one charge point seen and gone,
 * so one-time work such as compiling a schema is not counted). A second round of Heartbeats from every
 * charge point at once then checks that heartbeats flow at that size, and what that round costs the
 * server. `--snapshot=1` also writes a heap snapshot of each server before and at N: compare them with
 * `node bench/heap-breakdown.mjs <before> <at N> <N>` for what each connection keeps.
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
  { connections: 1_000, parallel: 100, clientProcesses: 0, stacks: "", snapshot: 0 },
  { connections: 20, parallel: 10 },
);
const stacks = stackList(options.stacks);
const clientScript = fileURLToPath(new URL("./lib/idle-clients.mjs", import.meta.url));
// The servers are separate processes, so starting them together changes none of their figures; only
// one of them holds connections at a time.
const servers = await Promise.all(stacks.map((stack) => startServer(stack)));
const results = {};
for (const [i, stack] of stacks.entries()) results[stack] = await measure(stack, servers[i]);
printResult({
  bench: "idle",
  connections: options.connections,
  results,
  ratios: ratios(results, ["rssBytesPerConnection", "heapBytesPerConnection"]),
});

/** Starts the client processes for `n` connections; resolves once every client is connected. */
async function openClients(url, n) {
  // Up to 5,000 the clients fit in this process, and a quick run spawns nothing.
  const processes = options.clientProcesses || (n > 5_000 ? Math.ceil(n / 5_000) : 0);
  if (processes === 0) {
    const clients = await openMany(n, options.parallel, (i) => bareClient(url, `CP-${i}`));
    const answered = (answers) => answers.filter((answer) => typeof answer?.currentTime === "string").length;
    return {
      heartbeat: async () => answered(await Promise.all(clients.map((client) => client.heartbeat()))),
      close: () => Promise.all(clients.map((client) => client.close())),
    };
  }
  const per = Math.ceil(n / processes);
  const children = [];
  for (let k = 0, first = 0; first < n; k++, first += per) {
    const count = Math.min(per, n - first);
    const parallel = Math.max(1, Math.ceil(options.parallel / processes));
    const args = [url, String(first), String(count), String(parallel), `127.0.0.${2 + k}`];
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
  let clients;
  try {
    const first = await bareClient(server.url, "CP-warm-up");
    await first.heartbeat();
    await first.close();
    const before = await server.memory();
    const snapshotBefore = options.snapshot ? await server.snapshot() : undefined;
    clients = await openClients(server.url, options.connections);
    const firstRound = await clients.heartbeat();
    if (firstRound !== options.connections)
      throw new Error(`The ${stack} server answered ${firstRound} of ${options.connections} heartbeats`);
    const after = await server.memory();
    if (after.connections !== options.connections) {
      throw new Error(`The ${stack} server holds ${after.connections} connections, expected ${options.connections}`);
    }
    const snapshot = options.snapshot ? await server.snapshot() : undefined;
    const cpuBefore = await server.cpu();
    const start = process.hrtime.bigint();
    const answered = await clients.heartbeat();
    const roundMs = Number(process.hrtime.bigint() - start) / 1e6;
    const serverCpu = cpuMicros(cpuBefore, await server.cpu());
    const n = options.connections;
    return {
      rssBytesPerConnection: Math.round((after.memory.rss - before.memory.rss) / n),
      heapBytesPerConnection: Math.round((after.memory.heapUsed - before.memory.heapUsed) / n),
      externalBytesPerConnection: Math.round((after.memory.external - before.memory.external) / n),
      serverRssMiB: round(after.memory.rss / 2 ** 20, 1),
      heartbeatsAnswered: answered,
      heartbeatRoundMs: round(roundMs, 1),
      serverCpuUsPerHeartbeat: round(serverCpu / n),
      ...(snapshot ? { snapshots: [snapshotBefore, snapshot] } : {}),
    };
  } finally {
    await clients?.close();
    await server.stop();
  }
}
