/**
 * `@on` / `@after` in a user's project, compiled both ways: standard decorators and
 * `experimentalDecorators` (with and without `emitDecoratorMetadata`, as NestJS runs), as ES modules and
 * as CommonJS (`"module": "commonjs"`, whose TypeScript 5 resolution ignores `exports`; at run time
 * Node's `require` loads the ES modules), with TypeScript 5.9 and 7. Each build runs against a real
 * CentralSystem on a random port of 127.0.0.1.
 */
import { test } from "node:test";
import { typescript7 } from "./consumer.js";
import { builds, checkBuilds } from "./decorator-fixture.js";

test("decorated handlers compile and route per instance in every decorator mode and module system (TypeScript 7)", (t) =>
  checkBuilds(
    t,
    typescript7,
    builds.map((build) => build.name),
  ));
