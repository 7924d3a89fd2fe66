/**
 * Command-line options shared by the benchmarks: `--quick` (or BENCH_QUICK=1) shrinks every count so a
 * script runs in about a second (the smoke test uses it); `--name=value` overrides one setting.
 */
export function readOptions(defaults, quickDefaults) {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick") || process.env.BENCH_QUICK === "1";
  const options = { ...defaults, ...(quick ? quickDefaults : {}), quick };
  for (const arg of args) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) continue;
    const key = match[1].replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
    if (!(key in defaults)) throw new Error(`Unknown option --${match[1]}`);
    options[key] = typeof defaults[key] === "number" ? Number(match[2]) : match[2];
  }
  return options;
}

/** The stacks compared, baseline first. */
export const allStacks = ["ws", "ocpp-rpc", "ocppkit", "ocppkit-novalidation"];

export const stackList = (value) => (value ? String(value).split(",") : allStacks);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Each stack's figures divided by the baseline's, for the listed fields. */
export function ratios(results, fields, baseline = "ws") {
  const base = results[baseline];
  if (!base) return {};
  const out = {};
  for (const [stack, figures] of Object.entries(results)) {
    if (stack === baseline) continue;
    out[stack] = {};
    for (const field of fields) out[stack][field] = round(figures[field] / base[field]);
  }
  return out;
}

/** Microseconds of CPU (user + system) between two process.cpuUsage() readings. */
export const cpuMicros = (before, after) => after.user - before.user + (after.system - before.system);

export const printResult = (result) => process.stdout.write(`${JSON.stringify({ node: process.version, ...result })}\n`);
