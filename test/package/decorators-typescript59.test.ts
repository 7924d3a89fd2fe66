/**
 * The decorator fixture (decorator-fixture.ts) with TypeScript 5.9, what most projects compile with
 * today: one build of each decorator mode and module system (5.9 is slow on a busy machine, and each test
 * file has two minutes). TypeScript 7 builds all of them (decorators.test.ts).
 */
import { test } from "node:test";
import { typescript59 } from "./consumer.js";
import { checkBuilds } from "./decorator-fixture.js";

test("decorated handlers compile and route per instance with standard and legacy decorators, ESM and CommonJS (TypeScript 5.9)", async (t) =>
  checkBuilds(t, await typescript59(), ["standard-esm", "legacy-commonjs", "legacy-metadata-commonjs"]));
