/**
 * What the server's memory holds as idle connections accumulate:
 * `node bench/idle-breakdown.mjs [--steps=1,10,100,1000,2000] [--rounds=3] [--stacks=ws,ocppkit]`.
 * Each round starts a fresh server per stack (the order rotating between rounds) and reads its memory
 * after GC: once started, once one charge point has connected, sent a Heartbeat and left (the warm-up
 * idle.mjs takes as its baseline), then with 1, 10, 100, ... charge points connected, each having sent
 * one Heartbeat, and once more at the last step once settled (V8 shrinks its young generation at the
 * first GC after about 5 s of little allocation; waiting at most `--settle-ms`). The warm-up is read
 * right after it and settled; the connections start from the settled state, the baseline of the
 * per-connection figures. Every reading has RSS, heap, external and array buffers, V8's heap spaces (code space
 * included) and the kernel's split of RSS into anonymous and file pages. Per connection it prints the
 * raw figure (from the started server: one-time costs divided by N) and the marginal one (the slope
 * between the previous step and N: what one more connection costs), each as a median over rounds and
 * as the median of per-round ratios to bare `ws`.
 */
import { startServer } from "./lib/child.mjs";
import { bareClient } from "./lib/clients.mjs";
import { median, printResult, readOptions, round, stackList } from "./lib/options.mjs";

const options = readOptions(
  { steps: "1,10,100,1000,2000", rounds: 3, parallel: 100, stacks: "ws,ocppkit", settleMs: 20_000 },
  { steps: "1,5,20", rounds: 1, parallel: 10, settleMs: 0 },
);
const steps = String(options.steps).split(",").map(Number);
const stacks = stackList(options.stacks);

/** One flat record of a memory reading: the figures the per-connection costs are computed for. */
function flatten(reply) {
  const { memory, spaces = {}, kernel = {} } = reply;
  return {
    rss: memory.rss,
    rssAnon: kernel.RssAnon,
    rssFile: kernel.RssFile,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    // The young generation: empty after GC, but its pages stay resident until V8 shrinks it.
    youngGeneration: spaces.new_space?.physical,
    oldSpaceUsed: spaces.old_space?.used,
    oldSpacePhysical: spaces.old_space?.physical,
    codeSpaceUsed: spaces.code_space?.used,
    largeObjectsUsed: spaces.large_object_space?.used,
  };
}

async function measureRound(stack) {
  const server = await startServer(stack);
  const clients = [];
  try {
    const readings = { started: flatten(await server.memory(true)) };
    const warmUp = await bareClient(server.url, "CP-warm-up");
    await warmUp.heartbeat();
    await warmUp.close();
    readings.warm = flatten(await server.memory(true));
    readings.warmSettled = flatten(await server.memory(true, options.settleMs));
    for (const step of steps) {
      // Add clients up to `step`, `parallel` handshakes at a time, each sending one Heartbeat.
      while (clients.length < step) {
        const batch = Math.min(options.parallel, step - clients.length);
        const first = clients.length;
        const opened = await Promise.all(Array.from({ length: batch }, (_, i) => bareClient(server.url, `CP-${first + i}`)));
        await Promise.all(opened.map((client) => client.heartbeat()));
        clients.push(...opened);
      }
      const reply = await server.memory(true);
      if (reply.connections !== step) throw new Error(`${stack} holds ${reply.connections} connections, expected ${step}`);
      readings[step] = flatten(reply);
    }
    readings.settled = flatten(await server.memory(true, options.settleMs));
    return readings;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

const fields = Object.keys(flatten({ memory: {} }));
const perConnection = (from, to, n) => {
  const out = {};
  for (const field of fields) if (to[field] !== undefined) out[field] = Math.round((to[field] - from[field]) / n);
  return out;
};

const rounds = []; // rounds[r][stack] = readings
for (let r = 0; r < options.rounds; r++) {
  const order = stacks.map((_, i) => stacks[(i + r) % stacks.length]);
  const round = {};
  for (const stack of order) round[stack] = await measureRound(stack);
  rounds.push(round);
}

// Per round and stack: raw per connection (from the started server), over the warm-up baseline (what
// idle.mjs reports), and marginal (slope from the previous step).
const figures = rounds.map((round) => {
  const out = {};
  for (const [stack, readings] of Object.entries(round)) {
    out[stack] = {};
    steps.forEach((n, i) => {
      // The connections are made after the settled warm-up reading, so that is where they start from.
      const previous = i === 0 ? "warmSettled" : steps[i - 1];
      const previousN = i === 0 ? 0 : steps[i - 1];
      out[stack][n] = {
        raw: perConnection(readings.started, readings[n], n),
        overWarmUp: perConnection(readings.warmSettled, readings[n], n),
        marginal: perConnection(readings[previous], readings[n], n - previousN),
      };
    });
    out[stack].fixed = { warmUp: perConnection(readings.started, readings.warm, 1) };
    out[stack].settled = perConnection(readings.warmSettled, readings.settled, steps.at(-1));
    out[stack].readings = readings;
  }
  return out;
});

const medianOf = (pick) => {
  const values = figures.map(pick).filter((value) => Number.isFinite(value));
  return values.length ? median(values) : undefined;
};
const results = {};
const ratios = {};
for (const stack of stacks) {
  results[stack] = { warmUp: {} };
  for (const field of fields) results[stack].warmUp[field] = medianOf((f) => f[stack].fixed.warmUp[field]);
  results[stack].settled = {};
  for (const field of fields) results[stack].settled[field] = medianOf((f) => f[stack].settled[field]);
  for (const n of steps) {
    results[stack][n] = {};
    for (const kind of ["raw", "overWarmUp", "marginal"]) {
      results[stack][n][kind] = {};
      for (const field of fields) results[stack][n][kind][field] = medianOf((f) => f[stack][n][kind][field]);
    }
  }
  if (stack === stacks[0]) continue;
  ratios[stack] = { settled: {} };
  for (const field of ["rss", "rssAnon", "heapUsed"]) {
    ratios[stack].settled[field] = round(medianOf((f) => f[stack].settled[field] / f[stacks[0]].settled[field]) ?? Number.NaN);
  }
  for (const n of steps) {
    ratios[stack][n] = {};
    for (const kind of ["raw", "overWarmUp", "marginal"]) {
      ratios[stack][n][kind] = {};
      for (const field of ["rss", "rssAnon", "heapUsed"]) {
        ratios[stack][n][kind][field] = round(medianOf((f) => f[stack][n][kind][field] / f[stacks[0]][n][kind][field]) ?? Number.NaN);
      }
    }
  }
}
printResult({ bench: "idle-breakdown", steps, rounds: options.rounds, results, ratios, perRound: figures });
