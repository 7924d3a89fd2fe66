/**
 * `npm run bench [-- --quick]`: runs every benchmark one after the other (never two at once: they would
 * measure each other) and prints their JSON lines. Options after `--` go to every script.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const passed = process.argv.slice(2);
const quick = passed.includes("--quick") || process.env.BENCH_QUICK === "1";
const benchmarks = [
  ["heartbeat.mjs", "--clients=1"],
  ["heartbeat.mjs", "--clients=100"],
  ["allocations.mjs"],
  ["meter-values.mjs"],
  ["flood.mjs"],
  // A quick run holds a handful of connections (the script's quick default), not thousands.
  ...(quick
    ? [["idle.mjs"]]
    : [
        ["idle.mjs", "--connections=1000"],
        ["idle.mjs", "--connections=2000"],
        ["idle.mjs", "--connections=10000"],
        // The open-files hard limit here is 20,000 per process, and the server needs a few for itself.
        ["idle.mjs", "--connections=19900"],
      ]),
  // What the server's memory holds from start to 2,000 connections, step by step (issue 18).
  ["idle-breakdown.mjs"],
  ["startup.mjs"],
  ["cluster.mjs"],
];

let failed = 0;
for (const [script, ...args] of benchmarks) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [path, ...args, ...passed], { stdio: ["ignore", "inherit", "inherit"] });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) {
    failed++;
    process.stderr.write(`bench/${script} ${args.join(" ")} failed with exit code ${code}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
