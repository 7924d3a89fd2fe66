import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

// A load hook in a fresh process reports every file it loads: ocppkit's relative to dist/, packages' from
// node_modules/ on. Stdout carries nothing else.
const hook = `
import { writeSync } from "node:fs";
export async function load(url, context, next) {
  const packaged = url.lastIndexOf("/node_modules/");
  if (packaged >= 0) writeSync(1, url.slice(packaged + 1) + "\\n");
  else if (url.includes("/dist/")) writeSync(1, url.slice(url.indexOf("/dist/") + 6) + "\\n");
  return next(url, context);
}`;
const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

function filesLoadedBy(specifier: string): string[] {
  const out = execFileSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "-e", `import(${JSON.stringify(specifier)})`],
    {
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  return out.split("\n").filter(Boolean);
}

const versionFolders = ["v16/", "v201/", "v21/"];

test("importing the core loads no version's files", () => {
  const files = filesLoadedBy("ocppkit");
  assert.ok(files.includes("index.js"), `the hook saw the core load: ${files.join(", ")}`);
  assert.deepEqual(
    files.filter((f) => versionFolders.some((v) => f.startsWith(v))),
    [],
  );
});

for (const version of ["v16", "v201", "v21"]) {
  test(`importing ocppkit/${version} loads none of another version's files`, () => {
    const files = filesLoadedBy(`ocppkit/${version}`);
    assert.ok(files.includes(`${version}/validators.generated.js`), `the hook saw ${version} load: ${files.join(", ")}`);
    assert.deepEqual(
      files.filter((f) => versionFolders.some((v) => v !== `${version}/` && f.startsWith(v))),
      [],
    );
  });
}

// Validators are standalone code with ocppkit's own string checks: no file of ajv loads, not even its compiler.
for (const version of ["v201", "v21"]) {
  test(`importing ocppkit/${version} loads no schema compiler`, () => {
    const files = filesLoadedBy(`ocppkit/${version}`);
    assert.ok(files.includes("rpc/schema-formats.js"), `the hook sees the validators' imports: ${files.join(", ")}`);
    assert.deepEqual(
      files.filter((f) => f.startsWith("node_modules/ajv")),
      [],
    );
  });
}
