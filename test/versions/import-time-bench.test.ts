import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// The script behind BENCHMARKS.md's import-time figures runs and reports every entry point; the
// figures themselves depend on the machine and are not asserted.
test("bench/import-time.mjs --quick reports an import time for the core and each version", async () => {
  const script = fileURLToPath(new URL("../../../bench/import-time.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, "--quick"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 0);
  const line = JSON.parse(out) as { bench: string; results: Record<string, Record<string, number>> };
  assert.equal(line.bench, "import-time");
  assert.deepEqual(Object.keys(line.results), ["ocppkit", "ocppkit/v16", "ocppkit/v201", "ocppkit/v21"]);
  for (const figures of Object.values(line.results)) {
    for (const field of ["importMs", "importCpuMs", "maxRssMiB"]) assert.ok(Number.isFinite(figures[field]) && figures[field] > 0, field);
  }
});
