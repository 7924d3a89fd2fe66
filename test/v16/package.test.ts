/**
 * The package as built: generated code matches the schemas, and `ocppkit/v16` loads only what 1.6
 * needs (checked in a fresh node process that records every module it resolves).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs a node command and gives its exit code and output, never throwing on a non-zero exit. */
async function node(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { ...options, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

test("regenerating the generated code from the schemas gives no diff, and the check notices a stale file", async (t) => {
  // A copy of the generator's inputs with one generated file edited: the same check must fail there.
  const scratch = await mkdtemp(join(tmpdir(), "ocppkit-generate-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  await Promise.all([
    cp(join(root, "scripts"), join(scratch, "scripts"), { recursive: true }),
    cp(join(root, "schemas"), join(scratch, "schemas"), { recursive: true }),
  ]);
  await cp(join(root, "src"), join(scratch, "src"), { recursive: true, filter: (path) => !path.includes("node_modules") });
  await symlink(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
  const tampered = join(scratch, "src", "v16", "actions.generated.ts");
  await writeFile(tampered, (await readFile(tampered, "utf8")).replace('Heartbeat: "Heartbeat"', 'Heartbeat: "Heartbeet"'));
  // The copy needs to regenerate 1.6 only, which keeps this control cheap.
  const versionsFile = join(scratch, "scripts", "versions.mjs");
  await writeFile(
    versionsFile,
    (await readFile(versionsFile, "utf8")).replace(/export const versions = \[[^\]]*\];/, "export const versions = [v16];"),
  );

  const [real, stale] = await Promise.all([
    node([join(root, "scripts", "generate.mjs"), "--check"], { cwd: root }),
    node([join(scratch, "scripts", "generate.mjs"), "--check"], { cwd: scratch }),
  ]);
  assert.equal(real.code, 0, real.stderr);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /stale: src\/v16\/actions\.generated\.ts/);
});

test("importing ocppkit/v16 loads no other version and no schema compiler", async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), "ocppkit-loads-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const loads = join(scratch, "loads.txt");
  // module.register hooks run on their own thread; appending synchronously means every resolve is on
  // disk before the import that needed it finishes.
  await writeFile(
    join(scratch, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.OCPPKIT_LOADS_FILE, result.url + "\\n");
  return result;
}
`,
  );
  await writeFile(
    join(scratch, "register.mjs"),
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(scratch, "hooks.mjs")).href)});\n`,
  );
  // CommonJS files required by CommonJS files bypass the ESM hooks; require.cache lists those.
  const script = `import { createRequire } from "node:module";
await import("ocppkit/v16");
console.log(JSON.stringify(Object.keys(createRequire(process.cwd() + "/").cache)));`;
  const result = await node(["--import", pathToFileURL(join(scratch, "register.mjs")).href, "--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, OCPPKIT_LOADS_FILE: loads, OCPPKIT_LOG: "silent" },
  });
  assert.equal(result.code, 0, result.stderr);
  const resolved = (await readFile(loads, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((url) => (url.startsWith("file:") ? fileURLToPath(url) : url));
  const loaded = [...new Set([...resolved, ...(JSON.parse(result.stdout) as string[])])].map((path) => path.replaceAll("\\", "/"));

  // The recording works: the 1.6 module and its ahead-of-time validators are there.
  assert.ok(loaded.some((path) => path.endsWith("/dist/v16/index.js")));
  assert.ok(loaded.some((path) => path.endsWith("/dist/v16/validators.generated.js")));
  // No other version's classes, schemas or validators.
  assert.deepEqual(
    loaded.filter((path) => /\/dist\/v(201|21)\//.test(path)),
    [],
  );
  assert.deepEqual(
    loaded.filter((path) => path.endsWith(".json")),
    [],
  );
  // Validators are standalone code: ajv's compiler is never loaded, so nothing is compiled at import;
  // their string checks (length in code points, date-time, uri) are ocppkit's own ESM, so no file of
  // ajv loads at all (and with it not Node's CommonJS loader).
  assert.ok(loaded.some((path) => path.endsWith("/dist/rpc/schema-formats.js")));
  assert.deepEqual(
    loaded.filter((path) => /\/node_modules\/ajv(-formats)?\//.test(path)),
    [],
  );
});
