/**
 * The published `.d.ts` files type-check where they are installed: `strict` and `skipLibCheck: false`,
 * with TypeScript 5.9 and 7. A Node project has nothing but ocppkit and `@types/node` (no `@types/ws`);
 * a browser or edge project has no Node types at all (and no DOM either, the strictest case) and uses
 * `ocppkit/core` and the version modules.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { type Compiler, consumerProject, output, typeCheck, typescript7, typescript59 } from "./consumer.js";
import { files } from "./consumer-sources.js";

// TypeScript 5.9 checks the Node project as CommonJS in types-commonjs-typescript59.test.ts and as ESM
// from the packed tarball (pack-install-typescript59.test.ts): with skipLibCheck false, each 5.9 check reads all of
// @types/node, and a test file has two minutes on a busy machine.
test("a Node project with only ocppkit and @types/node type-checks every entry, as ESM, CommonJS and for bundlers (TypeScript 7)", async (t) => {
  const project = await consumerProject(t, { nodeTypes: true, files: files() });
  for (const name of ["node-esm", "node-commonjs", "node-bundler"]) {
    const checked = await typeCheck(typescript7, join(project, name));
    assert.equal(checked.code, 0, `${name} with TypeScript 7: ${output(checked)}`);
  }
});

for (const getCompiler of [() => Promise.resolve(typescript7), typescript59]) {
  const version = getCompiler === typescript59 ? "5.9" : "7";

  test(`ocppkit/core and the version modules type-check with no Node types and no DOM (TypeScript ${version})`, async (t) => {
    const compiler: Compiler = await getCompiler();
    const project = await consumerProject(t, { nodeTypes: false, files: files() });
    const checked = await typeCheck(compiler, join(project, "browser"));
    assert.equal(checked.code, 0, `TypeScript ${compiler.version}: ${output(checked)}`);
    // The control: the same project cannot type-check the Node entry, so the check above means something.
    const control = await consumerProject(t, {
      nodeTypes: false,
      files: { ...files(), "browser/consumer.ts": `import { connect } from "ocppkit";\nexport const open = connect;\n` },
    });
    const failed = await typeCheck(compiler, join(control, "browser"));
    assert.notEqual(failed.code, 0);
    assert.match(failed.stdout, /node:|Buffer/);
  });
}
