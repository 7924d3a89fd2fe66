/**
 * The package as a user gets it: `npm pack`, the tarball installed into a fresh project with nothing but
 * its declared dependencies (from the npm registry or cache) and `@types/node`, a consumer type-checked
 * with TypeScript 5.9 and 7, the README's quick start run against the installed `ocppkit serve`, and
 * `npx ocppkit --help`.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { CliProcess } from "../cli/cli-process.js";
import { quickStart } from "../readme/examples.js";
import { npm, output, packageJson, root, run, typeCheck, typescript7, typescript59 } from "./consumer.js";
import { nodeConsumer } from "./consumer-sources.js";

async function installedProject(t: TestContext): Promise<string> {
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
  return directory;
}

test("the packed package installs, type-checks with TypeScript 5.9 and 7, runs the quick start and its command", async (t) => {
  const project = await installedProject(t);
  // Nothing but ocppkit's declared dependencies (and @types/node, asked for) came along.
  const lock = JSON.parse(await readFile(join(project, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
  const direct = Object.keys(lock.packages).filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
  for (const name of Object.keys(packageJson.dependencies)) assert.ok(direct.includes(`node_modules/${name}`), name);
  assert.ok(!direct.includes("node_modules/@types/ws"));

  // A consumer using every Node entry, and the README's quick start; both checked, the quick start built.
  await writeFile(join(project, "consumer.ts"), nodeConsumer);
  await writeFile(join(project, "quick-start.ts"), `${quickStart().code}\nexport {};\n`);
  const compilerOptions = { target: "ES2022", module: "nodenext", strict: true, skipLibCheck: false, types: ["node"], outDir: "out" };
  await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["quick-start.ts"] }));
  await writeFile(
    join(project, "tsconfig.check.json"),
    JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, include: ["consumer.ts", "quick-start.ts"] }),
  );
  const typescript5 = await typescript59();
  const checked5 = await typeCheck(typescript5, join(project, "tsconfig.check.json"));
  assert.equal(checked5.code, 0, `TypeScript 5.9: ${output(checked5)}`);
  const checked7 = await typeCheck(typescript7, join(project, "tsconfig.check.json"));
  assert.equal(checked7.code, 0, `TypeScript 7: ${output(checked7)}`);
  const compiled7 = await typeCheck(typescript7, join(project, "tsconfig.json"));
  assert.equal(compiled7.code, 0, `TypeScript 7: ${output(compiled7)}`);

  const help = await run(join(dirname(process.execPath), "npx"), ["--no-install", "ocppkit", "--help"], { cwd: project });
  assert.equal(help.code, 0, output(help));
  assert.match(help.stdout, /ocppkit serve/);

  // The installed command serves; the quick start (port 9000 replaced) boots against it.
  const cli = join(project, "node_modules", "ocppkit", packageJson.bin.ocppkit);
  const serve = new CliProcess(["serve", "--port", "0", "--json"], {}, cli);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<{ event?: string; url?: string }>((line) => line.event === "listening", 30_000);
  const script = join(project, "out", "quick-start.js");
  await writeFile(script, (await readFile(script, "utf8")).replace(/\b9000\b/g, new URL(listening.url ?? "").port));
  const charger = new CliProcess([], {}, script);
  t.after(() => charger.stop());
  await charger.waitForLine((line) => line.startsWith("registered; heartbeat every 60 s"), { timeoutMs: 60_000 });
});
