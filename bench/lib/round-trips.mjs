/**
 * Round-trip benchmark: every stack gets its own server child and its own clients, all open at once;
 * then rounds run the same fixed count of calls over each stack in turn (the order rotating each
 * round), and the median round counts. Interleaving keeps the stacks side by side on a machine whose
 * load changes; CPU time (process.cpuUsage of each process) is steadier than wall time there.
 */

import { startServer } from "./child.mjs";
import { openClient, openMany } from "./clients.mjs";
import { cpuMicros, median, printResult, readOptions, round, stackList } from "./options.mjs";

export async function runRoundTrips({ bench, call, defaults }) {
  const options = readOptions(
    { clients: defaults.clients, count: 2_000, warmup: 3_000, rounds: 11, stacks: "" },
    { count: 40, warmup: 10, rounds: 1, clients: Math.min(defaults.clients, 4) },
  );
  const stacks = stackList(options.stacks);
  const setups = [];
  try {
    // Started together to save time; nothing is measured until all are up.
    const servers = await Promise.allSettled(stacks.map((stack) => startServer(stack)));
    for (const [i, started] of servers.entries()) {
      if (started.status === "rejected") throw started.reason;
      setups.push({ stack: stacks[i], server: started.value, clients: [] });
    }
    for (const setup of setups) {
      setup.clients = await openMany(options.clients, 50, (i) => openClient(setup.stack, setup.server.url, `CP-${i}`));
    }
    for (const setup of setups) await drive(setup.clients, options.warmup, call);
    const rounds = Object.fromEntries(stacks.map((stack) => [stack, []]));
    for (let r = 0; r < options.rounds; r++) {
      for (let i = 0; i < setups.length; i++) {
        const setup = setups[(i + r) % setups.length];
        rounds[setup.stack].push(await measure(setup, options.count, call));
      }
    }
    const results = {};
    for (const stack of stacks) {
      const list = rounds[stack];
      results[stack] = {
        roundTripsPerSecond: Math.round(median(list.map((m) => m.calls / (m.wallNs / 1e9)))),
        clientCpuUsPerCall: round(median(list.map((m) => m.clientCpu / m.calls))),
        serverCpuUsPerCall: round(median(list.map((m) => m.serverCpu / m.calls))),
        serverCpuUsPerCallRounds: list.map((m) => round(m.serverCpu / m.calls)),
        clientCpuUsPerCallRounds: list.map((m) => round(m.clientCpu / m.calls)),
      };
    }
    printResult({
      bench,
      clients: options.clients,
      count: options.count,
      warmup: options.warmup,
      rounds: options.rounds,
      results,
      ratios: roundRatios(rounds, stacks),
    });
  } finally {
    for (const setup of setups) {
      await Promise.all(setup.clients.filter(Boolean).map((client) => client.close()));
      await setup.server.stop();
    }
  }
}

/**
 * Each stack's figures over the baseline's of the same round, median over the rounds: a burst of load
 * from elsewhere then moves both sides of a ratio together instead of one of them.
 */
function roundRatios(rounds, stacks, baseline = "ws") {
  const base = rounds[baseline];
  if (!base) return {};
  const perCall = {
    clientCpuUsPerCall: (m) => m.clientCpu / m.calls,
    serverCpuUsPerCall: (m) => m.serverCpu / m.calls,
    roundTripsPerSecond: (m) => m.calls / m.wallNs,
  };
  const out = {};
  for (const stack of stacks) {
    if (stack === baseline) continue;
    out[stack] = {};
    for (const [field, figure] of Object.entries(perCall)) {
      out[stack][field] = round(median(rounds[stack].map((m, r) => figure(m) / figure(base[r]))));
    }
  }
  return out;
}

/** Makes `count` calls spread over the clients, each client one call at a time. */
export async function drive(clients, count, call) {
  const perClient = Math.ceil(count / clients.length);
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < perClient; i++) await call(client);
    }),
  );
  return perClient * clients.length;
}

async function measure(setup, count, call) {
  const serverBefore = await setup.server.cpu();
  const clientBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const calls = await drive(setup.clients, count, call);
  const wallNs = Number(process.hrtime.bigint() - start);
  const clientCpu = cpuMicros(clientBefore, process.cpuUsage());
  const serverCpu = cpuMicros(serverBefore, await setup.server.cpu());
  return { calls, wallNs, clientCpu, serverCpu };
}
