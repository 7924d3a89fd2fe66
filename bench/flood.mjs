/**
 * Fair share under a flood: `node bench/flood.mjs [--clients=50] [--calls=20] [--interval-ms=100] [--rounds=3] [--quick]`.
 * Well-behaved chargers (bare `ws` clients, the same for every stack, so only the server differs) each
 * send a Heartbeat, wait for its answer, pause `interval-ms`, and so on; their round-trip latency is
 * recorded alone, then with one more charger (its own process, lib/flooder.mjs) pipelining Heartbeats
 * as fast as the server takes them and reconnecting whenever it is closed; `rounds` times in turn. Reports
 * p50/p99 latency without and with the flooder (all rounds pooled) per stack, and p99 with over without.
 * A phase stops starting calls after `max-phase-s` (a stack without a policy takes seconds per call).
 *
 * Stacks: bare `ws` (no policy, the reference); ocppkit with its default policy (the flooder is closed
 * with 1008 after 10 throttles and comes back); ocppkit throttling only (never closing it); ocppkit
 * with the policy off (as it was before).
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startServer } from "./lib/child.mjs";
import { bareClient, openMany } from "./lib/clients.mjs";
import { cpuMicros, printResult, readOptions, round, stackList } from "./lib/options.mjs";

const options = readOptions(
  { clients: 50, calls: 20, intervalMs: 100, rounds: 3, maxPhaseS: 10, stacks: "ws,ocppkit,ocppkit-throttle,ocppkit-nopolicy" },
  { clients: 4, calls: 5, intervalMs: 10, rounds: 1, maxPhaseS: 2 },
);
const stacks = stackList(options.stacks);
const flooderScript = fileURLToPath(new URL("./lib/flooder.mjs", import.meta.url));

const results = {};
for (const stack of stacks) results[stack] = await measure(stack);
printResult({
  bench: "flood",
  clients: options.clients,
  calls: options.calls,
  intervalMs: options.intervalMs,
  rounds: options.rounds,
  results,
  ratios: Object.fromEntries(stacks.map((stack) => [stack, { p99: round(results[stack].p99WithMs / results[stack].p99WithoutMs) }])),
});

async function measure(stack) {
  const server = await startServer(stack);
  let clients = [];
  let flooder;
  try {
    clients = await openMany(options.clients, 50, (i) => bareClient(server.url, `CP-${i}`));
    await Promise.all(
      clients.map(async (client) => {
        for (let i = 0; i < 5; i++) await client.heartbeat();
      }),
    );
    flooder = await startFlooder(server.url);
    const without = [];
    const withFlood = [];
    let floodAnswered = 0;
    let floodClosed = 0;
    let floodSeconds = 0;
    let serverCpu = 0;
    for (let r = 0; r < options.rounds; r++) {
      await flooder.hold();
      without.push(...(await latencies(clients)));
      const before = await flooder.flood();
      const cpuBefore = await server.cpu();
      const start = process.hrtime.bigint();
      withFlood.push(...(await latencies(clients)));
      floodSeconds += Number(process.hrtime.bigint() - start) / 1e9;
      serverCpu += cpuMicros(cpuBefore, await server.cpu());
      const after = await flooder.counts();
      floodAnswered += after.answered - before.answered;
      floodClosed += after.closedByServer - before.closedByServer;
    }
    return {
      p50WithoutMs: percentile(without, 0.5),
      p99WithoutMs: percentile(without, 0.99),
      p50WithMs: percentile(withFlood, 0.5),
      p99WithMs: percentile(withFlood, 0.99),
      callsWithout: without.length,
      callsWith: withFlood.length,
      flooderAnsweredPerSecond: Math.round(floodAnswered / floodSeconds),
      flooderClosed: floodClosed,
      serverCpuShare: round(serverCpu / 1e6 / floodSeconds),
    };
  } finally {
    await flooder?.stop();
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

/** Every client makes `calls` round trips, `intervalMs` apart, starting at staggered times; the latencies in ms. */
async function latencies(clients) {
  const all = [];
  const deadline = Date.now() + options.maxPhaseS * 1000;
  await Promise.all(
    clients.map(async (client, index) => {
      await sleep((options.intervalMs * index) / clients.length);
      for (let i = 0; i < options.calls && (i === 0 || Date.now() < deadline); i++) {
        const start = process.hrtime.bigint();
        await client.heartbeat();
        all.push(Number(process.hrtime.bigint() - start) / 1e6);
        await sleep(options.intervalMs);
      }
    }),
  );
  return all;
}

async function startFlooder(url) {
  const child = fork(flooderScript, [url], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await once(child, "message");
  const ask = async (type = "counts") => {
    const reply = once(child, "message");
    child.send({ type });
    if (type !== "counts") child.send({ type: "counts" });
    return (await reply)[0];
  };
  return {
    counts: () => ask(),
    /** Floods, and resolves once it is under way (its first answers are back). */
    flood: async () => {
      const first = await ask("flood");
      let now = first;
      while (now.answered < first.answered + 100) {
        await sleep(10);
        now = await ask();
      }
      return now;
    },
    /** Stops flooding, and resolves once the server has answered all it was sent (or closed the socket). */
    hold: async () => {
      let now = await ask("hold");
      while (now.pending > 0) {
        await sleep(50);
        now = await ask();
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.send({ type: "stop" });
      await exited;
    },
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
