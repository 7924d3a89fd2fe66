/**
 * The decorator fixture: a charger with decorated handlers, compiled in each decorator mode and module
 * system and run against a real CentralSystem on a random port of 127.0.0.1 (test/package/decorators*.test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type Compiler, consumerProject, output, run, typeCheck } from "./consumer.js";

/** A charger with decorated handlers; prints what each instance's handlers saw as one JSON line. */
export const fixture = `import { after, connect, on } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { Action, ChargePoint, call, callResult } from "ocppkit/v16";
import type { ResetRequest } from "ocppkit/v16";

class Charger extends ChargePoint {
  readonly seen: string[] = [];

  @on(Action.Reset)
  onReset({ type }: ResetRequest) {
    this.seen.push(\`on \${type}\`);
    return new callResult.Reset({ status: "Accepted" });
  }

  @after(Action.Reset, { callUniqueIdRequired: true })
  afterReset({ type }: ResetRequest, uniqueId: string) {
    this.seen.push(\`after \${type} \${uniqueId}\`);
  }

  // The message id is a string in both modes: a handler asking for a number does not compile.
  // @ts-expect-error
  @on(Action.UnlockConnector) wrongIdType(_request: unknown, uniqueId: number) { return uniqueId; }
}

/** A subclass's route for the same action wins over its base class's. */
class RefusingCharger extends Charger {
  @on(Action.Reset)
  refuse() {
    return new callResult.Reset({ status: "Rejected" });
  }
}

async function main() {
  const server = new CentralSystem({ protocols: ["ocpp1.6"], createChargePoint: ({ id, connection }) => new ChargePoint(id, connection) });
  const { port } = await server.listen(0, "127.0.0.1");
  const connected = new Promise<void>((resolve) => server.on("connect", () => server.size === 2 && resolve()));
  const one = new Charger("CP-1", await connect(\`ws://127.0.0.1:\${port}/CP-1\`));
  const two = new RefusingCharger("CP-2", await connect(\`ws://127.0.0.1:\${port}/CP-2\`));
  const running = [one.start(), two.start()];
  await connected;
  const answers = [];
  for (const id of ["CP-1", "CP-2"]) {
    const answer = await server.get(id)?.call(new call.Reset({ type: "Soft" }), { uniqueId: \`reset-\${id}\` });
    answers.push((answer as { status?: string } | undefined)?.status);
  }
  // @after runs once the reply is on the wire, so it may finish just after the answer arrived.
  for (let i = 0; i < 200 && one.seen.length + two.seen.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  console.log(JSON.stringify({ answers, one: one.seen, two: two.seen, moduleSystem: typeof require === "function" ? "commonjs" : "esm" }));
  await server.close();
  await Promise.all(running);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

export interface Build {
  readonly name: string;
  readonly module: "nodenext" | "commonjs";
  readonly options: Record<string, boolean>;
}

export const builds: Build[] = [
  { name: "standard-esm", module: "nodenext", options: {} },
  { name: "standard-commonjs", module: "commonjs", options: {} },
  { name: "legacy-esm", module: "nodenext", options: { experimentalDecorators: true } },
  { name: "legacy-commonjs", module: "commonjs", options: { experimentalDecorators: true } },
  { name: "legacy-metadata-commonjs", module: "commonjs", options: { experimentalDecorators: true, emitDecoratorMetadata: true } },
];

export function projectFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const build of builds) {
    files[`${build.name}/package.json`] = JSON.stringify({ type: build.module === "commonjs" ? "commonjs" : "module" });
    files[`${build.name}/charger.ts`] = fixture;
    files[`${build.name}/tsconfig.json`] = JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: build.module,
        strict: true,
        // The published types under skipLibCheck: false are types.test.ts's concern; here it would only
        // make every build re-check @types/node.
        skipLibCheck: true,
        // TypeScript 7 includes no @types package unless named (5.x took every one it found).
        types: ["node"],
        outDir: "out",
        ...build.options,
      },
      include: ["charger.ts"],
    });
  }
  return files;
}

/** Compiles the named builds with `compiler`, runs each, and checks what its handlers saw. */
export async function checkBuilds(t: TestContext, compiler: Compiler, names: readonly string[]): Promise<void> {
  const project = await consumerProject(t, { nodeTypes: true, files: projectFiles() });
  for (const build of builds.filter((candidate) => names.includes(candidate.name))) {
    const directory = join(project, build.name);
    const compiled = await typeCheck(compiler, directory);
    assert.equal(compiled.code, 0, `${build.name} with TypeScript ${compiler.version}: ${output(compiled)}`);
    const ran = await run(process.execPath, [join(directory, "out", "charger.js")], {
      cwd: directory,
      env: { ...process.env, OCPPKIT_LOG: "silent" },
    });
    assert.equal(ran.code, 0, `${build.name}: ${output(ran)}`);
    assert.deepEqual(
      JSON.parse(ran.stdout),
      {
        answers: ["Accepted", "Rejected"],
        one: ["on Soft", "after Soft reset-CP-1"],
        two: ["after Soft reset-CP-2"],
        moduleSystem: build.module === "commonjs" ? "commonjs" : "esm",
      },
      build.name,
    );
    // Node 20.19+ (and 22.12+) load an ES module through require() without a flag.
    assert.doesNotMatch(ran.stderr, /ERR_REQUIRE_ESM/, build.name);
  }
}
