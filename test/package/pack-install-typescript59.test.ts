/**
 * The packed package installed as a user installs it (installed.ts), type-checked with TypeScript 5.9,
 * what most projects compile with today: every Node entry and the README's quick start, `strict`,
 * `skipLibCheck: false`, nothing but ocppkit and @types/node.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { output, typeCheck, typescript59 } from "./consumer.js";
import { installedProject } from "./installed.js";

test("the packed package type-checks with TypeScript 5.9 where it is installed", async (t) => {
  const [compiler, project] = await Promise.all([typescript59(), installedProject(t)]);
  const checked = await typeCheck(compiler, join(project, "tsconfig.check.json"));
  assert.equal(checked.code, 0, `TypeScript 5.9: ${output(checked)}`);
});
