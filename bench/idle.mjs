/**
 * Idle connections: `node bench/idle.mjs [--connections=1000|10000] [--quick]`.
 * One server process per stack holds N connected charge points (bare `ws` clients in this process, the
 * same for every stack, so only the server differs). Each sends one Heartbeat, then the server's RSS
 * and heap are read after GC and divided by N (less the server's own figures with one charge point
 * seen and gone, so one-time work such as compiling a schema is not counted). A second round of
 * Heartbeats from every charge point at once then checks that heartbeats flow at that size, and what
 * that round costs the server.
 */
import { startServer } from "./lib/child.mjs";
import { bareClient, openMany } from "./lib/clients.mjs";
import { cpuMicros, printResult, ratios, readOptions, round, stackList } from "./lib/options.mjs";
import { raiseOpenFilesLimit } from "./lib/raise-open-files.mjs";

raiseOpenFilesLimit();

const options = readOptions({ connections: 1_000, parallel: 100, stacks: "" }, { connections: 20, parallel: 10 });
const stacks = stackList(options.stacks);
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

async function measure(stack, server) {
  let clients = [];
  try {
    const first = await bareClient(server.url, "CP-warm-up");
    await first.heartbeat();
    await first.close();
    const before = await server.memory();
    clients = await openMany(options.connections, options.parallel, (i) => bareClient(server.url, `CP-${i}`));
    await Promise.all(clients.map((client) => client.heartbeat()));
    const after = await server.memory();
    if (after.connections !== options.connections) {
      throw new Error(`The ${stack} server holds ${after.connections} connections, expected ${options.connections}`);
    }
    const cpuBefore = await server.cpu();
    const start = process.hrtime.bigint();
    const answers = await Promise.all(clients.map((client) => client.heartbeat()));
    const roundMs = Number(process.hrtime.bigint() - start) / 1e6;
    const serverCpu = cpuMicros(cpuBefore, await server.cpu());
    const n = options.connections;
    return {
      rssBytesPerConnection: Math.round((after.memory.rss - before.memory.rss) / n),
      heapBytesPerConnection: Math.round((after.memory.heapUsed - before.memory.heapUsed) / n),
      externalBytesPerConnection: Math.round((after.memory.external - before.memory.external) / n),
      serverRssMiB: round(after.memory.rss / 2 ** 20, 1),
      heartbeatsAnswered: answers.filter((answer) => typeof answer?.currentTime === "string").length,
      heartbeatRoundMs: round(roundMs, 1),
      serverCpuUsPerHeartbeat: round(serverCpu / n),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}
