/**
 * Turns `npm run bench` output into the Markdown tables of BENCHMARKS.md:
 * `npm run bench > bench.jsonl && node bench/table.mjs bench.jsonl`.
 */
import { readFileSync } from "node:fs";

const lines = readFileSync(process.argv[2] ?? 0, "utf8")
  .split("\n")
  .filter((line) => line.startsWith("{"))
  .map((line) => JSON.parse(line));

const names = {
  ws: "bare ws",
  "ocpp-rpc": "ocpp-rpc (strict)",
  ocppkit: "ocppkit",
  "ocppkit-novalidation": "ocppkit, no validation",
  node: "node alone",
  "ocppkit-with-ws": "ocppkit + ws (`ocppkit` too)",
  local: "local call (same node)",
  remote: "remote call (through Redis)",
  "ocppkit-throttle": "ocppkit, throttle only",
  "ocppkit-nopolicy": "ocppkit, policy off",
};
const withRatio = (value, ratio) => {
  if (value === undefined || value === "undefined") return "–";
  return ratio === undefined || ratio === null ? `${value}` : `${value} (${ratio}x)`;
};
const row = (cells) => `| ${cells.join(" | ")} |`;

for (const line of lines) {
  const stacks = Object.keys(line.results);
  const header = [row(["", ...stacks.map((stack) => names[stack] ?? stack)]), row(["---", ...stacks.map(() => "---:")])];
  const figure = (label, field, ratios = line.ratios, digits) =>
    row([
      label,
      ...stacks.map((stack) => {
        const value = line.results[stack][field];
        return withRatio(digits === undefined ? value : Number(value).toFixed(digits), ratios?.[stack]?.[field]);
      }),
    ]);
  if (line.bench === "heartbeat" || line.bench === "meter-values") {
    const title =
      line.bench === "heartbeat"
        ? `Heartbeat, ${line.clients} client${line.clients > 1 ? "s" : ""}`
        : `MeterValues (9 sampled values), ${line.clients} clients`;
    console.log(`\n**${title}** (${line.rounds} rounds of ${line.count} calls, medians; ratio to bare ws, median of per-round ratios)\n`);
    console.log(header.join("\n"));
    console.log(figure("round trips/s", "roundTripsPerSecond"));
    console.log(figure("client CPU µs/call", "clientCpuUsPerCall"));
    console.log(figure("server CPU µs/call", "serverCpuUsPerCall"));
  } else if (line.bench === "flood") {
    console.log(
      `\n**${line.clients} well-behaved chargers (a Heartbeat every ${line.intervalMs} ms) without and with one flooder** (${line.rounds} rounds of ${line.calls} calls each, pooled; ratio: p99 with over p99 without)\n`,
    );
    console.log(header.join("\n"));
    console.log(figure("latency p50 without, ms", "p50WithoutMs", {}));
    console.log(figure("latency p99 without, ms", "p99WithoutMs", {}));
    console.log(figure("latency p50 with the flooder, ms", "p50WithMs", {}));
    console.log(
      figure(
        "latency p99 with the flooder, ms",
        "p99WithMs",
        Object.fromEntries(stacks.map((s) => [s, { p99WithMs: line.ratios[s]?.p99 }])),
      ),
    );
    console.log(figure("flooder's CALLs answered per second", "flooderAnsweredPerSecond", {}));
    console.log(figure("flooder closed with 1008 (times)", "flooderClosed", {}));
    console.log(figure("server CPU share during the flood", "serverCpuShare", {}));
  } else if (line.bench === "idle") {
    console.log(`\n**${line.connections.toLocaleString("en")} idle connections on one server process** (ratio to bare ws)\n`);
    console.log(header.join("\n"));
    console.log(figure("RSS per connection (bytes)", "rssBytesPerConnection"));
    console.log(figure("JS heap per connection (bytes)", "heapBytesPerConnection"));
    console.log(figure("RSS per connection from start (bytes)", "rssFromStartBytesPerConnection"));
    console.log(figure("RSS per connection, N/2 to N (bytes)", "marginalRssBytesPerConnection"));
    console.log(figure("RSS per connection, settled (bytes)", "settledRssBytesPerConnection"));
    console.log(figure("JS heap per connection, settled (bytes)", "settledHeapBytesPerConnection"));
    console.log(figure("server RSS (MiB)", "serverRssMiB"));
    console.log(figure("server RSS, settled (MiB)", "settledServerRssMiB"));
    console.log(figure("heartbeats answered (all at once)", "heartbeatsAnswered", {}));
    console.log(figure("that round, wall ms", "heartbeatRoundMs", {}));
    console.log(figure("server CPU µs/heartbeat in that round", "serverCpuUsPerHeartbeat", {}));
  } else if (line.bench === "cluster") {
    console.log(
      `\n**Cluster: ClearCache calls, ${line.clients} chargers called at once (of ${line.chargers} connected)** (${line.rounds} rounds of ${line.count} calls, medians; ratio to a local call)\n`,
    );
    console.log(header.join("\n"));
    console.log(figure("calls/s", "callsPerSecond", {}));
    console.log(figure("Node CPU µs/call, all 3 processes", "nodeCpuUsPerCall"));
    console.log(figure("redis-server CPU µs/call", "redisCpuUsPerCall", {}));
    console.log(figure("latency p50, ms", "latencyP50Ms", {}));
    console.log(figure("latency p99, ms", "latencyP99Ms", {}));
    console.log(`\nRedis memory per connected charger: ${line.redisBytesPerCharger} bytes`);
  } else if (line.bench === "startup") {
    console.log(`\n**Start-up: fresh process, import, validate one BootNotification** (median of ${line.runs}; ratio to ocpp-rpc)\n`);
    console.log(header.join("\n"));
    const toRpc = line.ratiosToOcppRpc;
    console.log(figure("to first validated message, ms", "readyMs", toRpc));
    console.log(figure("of which over node alone, ms", "readyOverNodeMs", toRpc));
    console.log(figure("CPU to that point, ms", "cpuMs", toRpc));
    console.log(figure("of which over node alone, CPU ms", "cpuOverNodeMs", toRpc));
    console.log(figure("spawn to exit, wall ms", "wallMs", toRpc));
    console.log(figure("peak RSS (MiB)", "maxRssMiB", toRpc));
  }
}
