/**
 * The package as a user installs it: `npm pack` of this repository, the tarball installed into a fresh
 * project with nothing but its declared dependencies (from the npm registry or cache) and `@types/node`,
 * plus a consumer using every Node entry and the README's quick start, with their tsconfigs.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { quickStart } from "../readme/examples.js";
import { npm, output, packageJson, root, run } from "./consumer.js";
import { nodeConsumer } from "./consumer-sources.js";

/**
 * The installed project: `tsconfig.check.json` type-checks consumer.ts and quick-start.ts (nodenext,
 * strict, skipLibCheck false), `tsconfig.json` builds the quick start to out/.
 */
export async function installedProject(t: TestContext): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "ocppkit-installed-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const packed = await run(npm, ["pack", "--pack-destination", directory, "--ignore-scripts", "--json"], { cwd: root });
  assert.equal(packed.code, 0, output(packed));
  const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
  await writeFile(join(directory, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const installed = await run(
    npm,
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", join(directory, filename), "@types/node@20"],
    { cwd: directory },
  );
  assert.equal(installed.code, 0, `npm install of the tarball (registry or cache needed): ${output(installed)}`);

  // Nothing but ocppkit's declared dependencies (and @types/node, asked for) came along.
  const lock = JSON.parse(await readFile(join(directory, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
  const direct = Object.keys(lock.packages).filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
  for (const name of Object.keys(packageJson.dependencies)) assert.ok(direct.includes(`node_modules/${name}`), name);
  assert.ok(!direct.includes("node_modules/@types/ws"));

  await writeFile(join(directory, "consumer.ts"), nodeConsumer);
  await writeFile(join(directory, "quick-start.ts"), `${quickStart().code}\nexport {};\n`);
  const compilerOptions = { target: "ES2022", module: "nodenext", strict: true, skipLibCheck: false, types: ["node"], outDir: "out" };
  await writeFile(join(directory, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["quick-start.ts"] }));
  await writeFile(
    join(directory, "tsconfig.check.json"),
    JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, include: ["consumer.ts", "quick-start.ts"] }),
  );
  return directory;
}
