/**
 * Start-up: `node bench/startup.mjs [--runs=N] [--quick]`. Starts a fresh `node` process per run that
 * loads a stack and validates one BootNotification, then exits. Reports the median of: time from the
 * process's start to the validated message (`readyMs`, the process's own clock), wall time from spawn to
 * exit as the parent sees it (`wallMs`), and peak RSS. Runs interleave the stacks; `node` alone is the
 * floor, and ocppkit is compared with ocpp-rpc as well as with bare `ws`.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median, printResult, ratios, readOptions, round } from "./lib/options.mjs";

const options = readOptions({ runs: 10, stacks: "node,ws,ocpp-rpc,ocppkit,ocppkit-with-ws" }, { runs: 1 });
const stacks = options.stacks.split(",");
const runs = Object.fromEntries(stacks.map((stack) => [stack, []]));
for (let r = 0; r < options.runs; r++) {
  for (const stack of stacks) runs[stack].push(await startOnce(stack));
}
const results = {};
for (const stack of stacks) {
  results[stack] = {
    readyMs: round(median(runs[stack].map((run) => run.readyMs)), 1),
    cpuMs: round(median(runs[stack].map((run) => run.cpuMs)), 1),
    wallMs: round(median(runs[stack].map((run) => run.wallMs)), 1),
    maxRssMiB: round(median(runs[stack].map((run) => run.maxRssKiB)) / 1024, 1),
  };
}
for (const stack of stacks) {
  // What the stack adds to a bare node process: the part a library can do something about.
  if (results.node && stack !== "node") {
    results[stack].readyOverNodeMs = round(results[stack].readyMs - results.node.readyMs, 1);
    results[stack].cpuOverNodeMs = round(results[stack].cpuMs - results.node.cpuMs, 1);
  }
}
const fields = ["readyMs", "cpuMs", "wallMs", "maxRssMiB", "readyOverNodeMs", "cpuOverNodeMs"];
printResult({
  bench: "startup",
  runs: options.runs,
  results,
  ratios: ratios(results, fields),
  ratiosToOcppRpc: results["ocpp-rpc"] ? ratios(results, fields, "ocpp-rpc") : {},
});

async function startOnce(stack) {
  const script = fileURLToPath(new URL(`startup/${stack}.mjs`, import.meta.url));
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (code !== 0) throw new Error(`startup/${stack}.mjs exited with ${code}`);
  const reported = JSON.parse(out);
  if (reported.valid !== true) throw new Error(`startup/${stack}.mjs did not validate its message`);
  return { ...reported, wallMs };
}
