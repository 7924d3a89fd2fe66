/**
 * The packed package installed as a user installs it (installed.ts): its types check with TypeScript 7,
 * the README's quick start runs against the installed `ocppkit serve`, and `npx ocppkit --help` works.
 * TypeScript 5.9 checks the same project in pack-install-typescript59.test.ts.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { CliProcess } from "../cli/cli-process.js";
import { output, packageJson, run, typeCheck, typescript7 } from "./consumer.js";
import { installedProject } from "./installed.js";

test("the packed package installs, type-checks with TypeScript 7, runs the quick start and its command", async (t) => {
  const project = await installedProject(t);
  const checked = await typeCheck(typescript7, join(project, "tsconfig.check.json"));
  assert.equal(checked.code, 0, `TypeScript 7: ${output(checked)}`);
  const compiled = await typeCheck(typescript7, join(project, "tsconfig.json"));
  assert.equal(compiled.code, 0, `TypeScript 7: ${output(compiled)}`);

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
  await charger.waitForLine((line) => /^registered; heartbeat every \d+ s$/.test(line), { timeoutMs: 60_000 });
});
