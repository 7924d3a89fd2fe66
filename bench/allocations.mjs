/**
 * What each call allocates, on the client and on the server side:
 * `node bench/allocations.mjs [--clients=100] [--count=20000] [--interval=1024] [--stacks=ws,ocppkit]`.
 * Runs Heartbeat round trips over each stack while V8's sampling heap profiler records every
 * allocation (freed ones too) in the benchmark process and in the server child, then prints one JSON
 * line: bytes allocated per call on each side, and the functions that allocate them (by the allocating
 * function, and by the nearest ocppkit or bench function that led there), largest first, per call.
 * Sampling is statistical (one sample per `interval` bytes); figures within a few percent, and only
 * allocations count, not CPU.
 */
import { startSampling as startClient, stopSampling as stopClient } from "./lib/allocation-sampling.mjs";
import { startServer } from "./lib/child.mjs";
import { openClient, openMany } from "./lib/clients.mjs";
import { printResult, readOptions, round, stackList } from "./lib/options.mjs";
import { drive } from "./lib/round-trips.mjs";

const options = readOptions(
  { clients: 100, count: 20_000, warmup: 5_000, interval: 1024, top: 15, stacks: "ws,ocppkit" },
  { clients: 4, count: 200, warmup: 50 },
);
const call = (client) => client.heartbeat();

const results = {};
for (const stack of stackList(options.stacks)) {
  const server = await startServer(stack);
  let clients = [];
  try {
    clients = await openMany(options.clients, 50, (i) => openClient(stack, server.url, `CP-${i}`));
    await drive(clients, options.warmup, call);
    await server.startSampling(options.interval);
    await startClient(options.interval);
    const calls = await drive(clients, options.count, call);
    const client = await stopClient();
    const serverSide = await server.stopSampling();
    results[stack] = { client: perCall(client, calls), server: perCall(serverSide, calls) };
  } finally {
    await Promise.all(clients.filter(Boolean).map((client) => client.close()));
    await server.stop();
  }
}
printResult({ bench: "allocations", clients: options.clients, count: options.count, interval: options.interval, results });

function perCall(summary, calls) {
  const top = (entries) =>
    entries
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top)
      .map(([site, bytes]) => [site, round(bytes / calls, 1)]);
  return { bytesPerCall: round(summary.total / calls, 1), bySite: top(summary.bySite), byCaller: top(summary.byCaller) };
}
