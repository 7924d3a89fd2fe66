import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { repoFile } from "../cli/cli-process.js";

/** Imports `entry` in a fresh Node whose resolve hook fails any import of ioredis; prints the export types of `names`. */
function importWithoutIoredis(entry: string, names: readonly string[]): Promise<{ stdout: string }> {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier.includes("ioredis")) throw new Error("ioredis was imported");
    return next(specifier, context);
  }`;
  const script = `
    import { register } from "node:module";
    register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));
    const loaded = await import(${JSON.stringify(entry)});
    console.log(${JSON.stringify(names)}.map((name) => typeof loaded[name]).join(" "));
  `;
  return promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: repoFile(".") });
}

test("ocppkit/ui, ClusterFleet and clusterSource included, loads no Redis client", async () => {
  const { stdout } = await importWithoutIoredis("ocppkit/ui", ["ClusterFleet", "clusterSource"]);
  assert.equal(stdout.trim(), "function function");
});

test("the check above does catch an import of ioredis", async () => {
  await assert.rejects(importWithoutIoredis("ocppkit/cluster", ["Cluster"]), /ioredis was imported/);
});
