import { spawnSync } from "node:child_process";

/**
 * Re-runs this script under a shell that raised the open-files limit to the hard limit first: holding
 * 10,000 connections needs more descriptors than many systems allow by default. The server child
 * inherits the limit. Returns only in the re-run process.
 */
export function raiseOpenFilesLimit() {
  if (process.env.BENCH_OPEN_FILES_RAISED === "1") return;
  const result = spawnSync(
    "bash",
    ["-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', "bash", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, BENCH_OPEN_FILES_RAISED: "1" } },
  );
  process.exit(result.status ?? 1);
}
