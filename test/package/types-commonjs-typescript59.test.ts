/**
 * `"module": "commonjs"` with TypeScript 5.9, as NestJS projects start: its resolution (node10) ignores
 * `exports`, so every entry must resolve through `typesVersions`, with its types, in a project with only
 * ocppkit and @types/node, `strict` and `skipLibCheck: false`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { consumerProject, output, typeCheck, typescript59 } from "./consumer.js";
import { files } from "./consumer-sources.js";

test("a CommonJS Node project with only ocppkit and @types/node type-checks every entry (TypeScript 5.9)", async (t) => {
  const compiler = await typescript59();
  const project = await consumerProject(t, { nodeTypes: true, files: files() });
  const checked = await typeCheck(compiler, join(project, "node-commonjs"));
  assert.equal(checked.code, 0, output(checked));
});
