/**
 * Cluster calls: `node bench/cluster.mjs [--chargers=1000] [--clients=100] [--count=4000] [--rounds=7] [--quick]`.
 * One redis-server and three processes: node "holder" (its CentralSystem holds the chargers), a process
 * with the chargers, and node "caller" (no chargers). A local call is made by the holder to its own
 * chargers through `cluster.call()` (no Redis on the way); a remote one by the caller, through Redis to the
 * holder and back. Rounds alternate. CPU is summed over the three Node processes; redis-server's CPU is
 * reported beside it, and Redis memory per connected charger comes from INFO before and after they connect.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { cpuMicros, median, printResult, readOptions, round } from "./lib/options.mjs";
import { startRedis } from "./lib/redis-server.mjs";

const options = readOptions(
  { chargers: 1000, clients: 100, count: 4000, warmup: 2000, rounds: 7 },
  { chargers: 10, clients: 4, count: 40, warmup: 20, rounds: 1 },
);
const script = fileURLToPath(new URL("./lib/cluster-member.mjs", import.meta.url));

async function member(args) {
  const child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [ready] = await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => {
      throw new Error(`bench/lib/cluster-member.mjs ${args[0]} exited with ${code}`);
    }),
  ]);
  const ask = async (type, fields = {}) => {
    const reply = once(child, "message");
    child.send({ type, ...fields });
    return (await reply)[0];
  };
  return { ...ready, ask, cpu: async () => (await ask("cpu")).cpu, child };
}

const redis = await startRedis();
const raw = new Redis(redis.url);
const members = [];
try {
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await raw.info("memory"))[1]);
  const holder = await member(["node", redis.url, "holder"]);
  const caller = await member(["node", redis.url, "caller"]);
  members.push(holder, caller);
  const memoryBefore = await usedMemory();
  const chargers = await member(["chargers", holder.url, String(options.chargers)]);
  members.push(chargers);
  for (let attempt = 0; (await holder.ask("listed")).listed < options.chargers; attempt++) {
    if (attempt > 300) throw new Error("the chargers never all showed up in presence");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const memoryAfter = await usedMemory();
  const ids = Array.from({ length: options.clients }, (_, i) => `CP-${i}`);
  const by = { local: holder, remote: caller };

  const measure = async (mode) => {
    const before = await Promise.all(members.map((m) => m.cpu()));
    const redisBefore = redis.cpuMicros();
    const run = await by[mode].ask("run", { ids, count: options.count });
    const redisCpu = redis.cpuMicros() - redisBefore;
    const after = await Promise.all(members.map((m) => m.cpu()));
    const nodeCpu = before.reduce((sum, b, i) => sum + cpuMicros(b, after[i]), 0);
    return { ...run, nodeCpu, redisCpu };
  };
  await by.local.ask("run", { ids, count: options.warmup });
  await by.remote.ask("run", { ids, count: options.warmup });
  const rounds = { local: [], remote: [] };
  for (let r = 0; r < options.rounds; r++) {
    for (const mode of r % 2 ? ["remote", "local"] : ["local", "remote"]) rounds[mode].push(await measure(mode));
  }
  const summary = (list) => ({
    callsPerSecond: Math.round(median(list.map((m) => m.calls / (m.wallNs / 1e9)))),
    nodeCpuUsPerCall: round(median(list.map((m) => m.nodeCpu / m.calls))),
    redisCpuUsPerCall: round(median(list.map((m) => m.redisCpu / m.calls))),
    latencyP50Ms: round(median(list.map((m) => m.p50))),
    latencyP99Ms: round(median(list.map((m) => m.p99))),
  });
  const perRound = (field) =>
    round(median(rounds.remote.map((m, r) => m[field] / m.calls / (rounds.local[r][field] / rounds.local[r].calls))));
  printResult({
    bench: "cluster",
    chargers: options.chargers,
    clients: options.clients,
    count: options.count,
    rounds: options.rounds,
    results: { local: summary(rounds.local), remote: summary(rounds.remote) },
    // Remote over local, median of per-round ratios. The target: at most 3x in Node CPU.
    ratios: { remote: { nodeCpuUsPerCall: perRound("nodeCpu") } },
    redisBytesPerCharger: Math.round((memoryAfter - memoryBefore) / options.chargers),
  });
} finally {
  for (const m of members.reverse()) {
    if (m.child.exitCode === null) await m.ask("stop").catch(() => {});
  }
  raw.disconnect();
  redis.stop();
}
