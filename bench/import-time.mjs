/**
 * Import time per version: `node bench/import-time.mjs [--runs=N] [--quick]`. Each run starts a fresh
 * `node` process per entry point (interleaved, so machine load hits all alike) that times one
 * `await import(...)` with its own clock (wall and CPU time: CPU time is the steadier figure on a busy
 * machine) and reports it with its peak RSS. Prints medians, and the minimum wall time; `ocppkit` (the
 * core alone) is the floor the versions add to. Run `npm run build` first.
 */
import { spawn } from "node:child_process";
import { median, printResult, readOptions, round } from "./lib/options.mjs";

const options = readOptions({ runs: 15, entries: "ocppkit,ocppkit/v16,ocppkit/v201,ocppkit/v21" }, { runs: 1 });
const entries = options.entries.split(",");
const child = `
const cpu = process.cpuUsage();
const start = performance.now();
await import(process.argv[1]);
const importMs = performance.now() - start;
const used = process.cpuUsage(cpu);
const importCpuMs = (used.user + used.system) / 1000;
process.stdout.write(JSON.stringify({ importMs, importCpuMs, readyMs: performance.now(), maxRssKiB: process.resourceUsage().maxRSS }));
`;

const runs = Object.fromEntries(entries.map((entry) => [entry, []]));
for (let r = 0; r < options.runs; r++) {
  for (const entry of entries) runs[entry].push(await importOnce(entry));
}
const results = {};
for (const entry of entries) {
  const importMs = runs[entry].map((run) => run.importMs);
  results[entry] = {
    importMs: round(median(importMs), 1),
    minImportMs: round(Math.min(...importMs), 1),
    importCpuMs: round(median(runs[entry].map((run) => run.importCpuMs)), 1),
    readyMs: round(median(runs[entry].map((run) => run.readyMs)), 1),
    maxRssMiB: round(median(runs[entry].map((run) => run.maxRssKiB)) / 1024, 1),
  };
}
printResult({ bench: "import-time", runs: options.runs, node: process.version, results });

async function importOnce(entry) {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", child, entry], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => proc.once("exit", resolve));
  if (code !== 0) throw new Error(`importing ${entry} exited with ${code}`);
  return JSON.parse(out);
}
