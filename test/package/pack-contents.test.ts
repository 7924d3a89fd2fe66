/**
 * What `npm pack` publishes (`--dry-run`: nothing is written): the built package, the schemas the
 * command line reads, the README; no tests, certificates, sources, CLI declarations or source maps
 * without their sources; and every file the exports map and bin name (whatever subpaths are added).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { npm, output, packageJson, root, run } from "./consumer.js";

interface PackedFile {
  readonly path: string;
}

/** Files `npm pack` puts in the tarball (`--dry-run`: nothing is written). */
async function packedFiles(): Promise<string[]> {
  const packed = await run(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
  assert.equal(packed.code, 0, output(packed));
  const [summary] = JSON.parse(packed.stdout) as { files: PackedFile[] }[];
  return (summary?.files ?? []).map((file) => file.path);
}

/** Every file named by the exports map, whatever its subpaths (other entries may be added). */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return [value.replace(/^\.\//, "")];
  if (value && typeof value === "object") return Object.values(value).flatMap(exportTargets);
  return [];
}

test("the tarball holds the built package, schemas and README: no tests, certificates, sources or dangling source maps", async () => {
  const files = await packedFiles();
  const allowed = /^(dist\/|schemas\/|README\.md$|package\.json$|LICENSE(\.md)?$)/;
  assert.deepEqual(
    files.filter((path) => !allowed.test(path)),
    [],
  );
  assert.deepEqual(
    files.filter((path) => /\.(key|crt|pem|p12|pfx)$|^(test|build|bench|src|scripts)\/|tsconfig|\.tsbuildinfo$/.test(path)),
    [],
  );
  // The command line is not an API: its declarations are left out.
  assert.deepEqual(
    files.filter((path) => path.startsWith("dist/cli/") && path.endsWith(".d.ts")),
    [],
  );
  // A source map must point at sources that ship with it (none are built today).
  for (const map of files.filter((path) => path.endsWith(".map"))) {
    const { sources } = JSON.parse(await readFile(join(root, map), "utf8")) as { sources: string[] };
    for (const source of sources) assert.ok(files.includes(join(dirname(map), source)), `${map} points at ${source}, not in the tarball`);
  }
  for (const target of [...exportTargets(packageJson.exports), ...Object.values(packageJson.bin).map((bin) => bin.replace(/^\.\//, ""))]) {
    assert.ok(files.includes(target), `${target} (exports or bin) is in the tarball`);
  }
});
