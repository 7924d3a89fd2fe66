/**
 * Every TypeScript block of the README is marked; the ones that are not fragments type-check (with
 * standard decorators and with `experimentalDecorators` + `emitDecoratorMetadata`), and the runnable
 * ones run against local servers on random ports of 127.0.0.1: `ocppkit serve` for a charger's example,
 * a simulated charger (`ocppkit charge-point`) for a central system's. An example without a driver of
 * its own must exit 0 by itself.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { CliProcess } from "../cli/cli-process.js";
import { consumerProject, output, typeCheck, typescript7 } from "../package/consumer.js";
import { type Example, localized, parseExamples, readmeExamples } from "./examples.js";

interface Line {
  event?: string;
  type?: string;
  from?: string;
  action?: string;
  chargePoint?: string;
  payload?: Record<string, unknown>;
  url?: string;
}

const { examples, problems } = readmeExamples();
const checked = examples.filter((example) => example.kind !== "fragment");

test("every ts block of the README carries an example marker, and the parser notices one that does not", () => {
  assert.deepEqual(problems, []);
  const control = parseExamples(
    "# A\n\n```ts\nlet a = 1;\n```\n\n<!-- example: runs -->\n```ts\nlet b = 2;\n```\n<!-- example: run -->\ntext\n",
  );
  assert.equal(control.problems.length, 3);
  for (const heading of ["Usage", "Central system", "Transaction message queue"]) {
    assert.ok(
      examples.some((example) => example.heading === heading && example.kind === "run"),
      `a runnable example under '${heading}'`,
    );
  }
});

/** A project with every checked example as its own module, compiled to out/. */
async function examplesProject(t: TestContext): Promise<string> {
  const files: Record<string, string> = { "package.json": '{ "type": "module" }' };
  for (const example of checked) files[`${example.name}.ts`] = `${example.code}\nexport {};\n`;
  const compilerOptions = { target: "ES2022", module: "nodenext", strict: true, skipLibCheck: false, types: ["node"], outDir: "out" };
  files["tsconfig.json"] = JSON.stringify({ compilerOptions, include: ["*.ts"] });
  files["tsconfig.legacy.json"] = JSON.stringify({
    compilerOptions: { ...compilerOptions, noEmit: true, experimentalDecorators: true, emitDecoratorMetadata: true },
    include: ["*.ts"],
  });
  const project = await consumerProject(t, { nodeTypes: true, files });
  for (const config of ["tsconfig.json", "tsconfig.legacy.json"]) {
    const compiled = await typeCheck(typescript7, join(project, config));
    assert.equal(compiled.code, 0, `${config}: ${output(compiled)}`);
  }
  return project;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServe(t: TestContext): Promise<{ serve: CliProcess; port: number }> {
  const serve = new CliProcess(["serve", "--port", "0", "--json"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening", 30_000);
  return { serve, port: Number(new URL(listening.url ?? "").port) };
}

/** Starts the compiled example with its port and journal directory replaced. */
async function startExample(t: TestContext, project: string, example: Example, port: number): Promise<CliProcess> {
  const directory = await mkdtemp(join(tmpdir(), "ocppkit-readme-journal-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const compiled = await readFile(join(project, "out", `${example.name}.js`), "utf8");
  const script = join(project, "out", `${example.name}.run.js`);
  await writeFile(script, localized(compiled, port, directory));
  const running = new CliProcess([], { OCPPKIT_LOG: "" }, script);
  t.after(() => running.stop());
  return running;
}

const isCall = (action: string) => (line: Line) => line.type === "CALL" && line.action === action && line.from === "chargePoint";

/** What each named example is checked for; any other runnable example must exit 0 by itself. */
const drivers: Record<string, (t: TestContext, project: string, example: Example) => Promise<void>> = {
  // The quick start: a charger that boots, and answers a RemoteStopTransaction with @on, then stops the
  // transaction from @after.
  Usage: async (t, project, example) => {
    const { serve, port } = await startServe(t);
    const charger = await startExample(t, project, example, port);
    await charger.waitForLine((line) => /^registered; heartbeat every \d+ s$/.test(line), { timeoutMs: 60_000 });
    serve.write('CP-1 RemoteStopTransaction {"transactionId":7}');
    const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "RemoteStopTransaction", 30_000);
    assert.deepEqual(answer.payload, { status: "Accepted" });
    const stop = await serve.waitForJson<Line>(isCall("StopTransaction"), 30_000);
    assert.equal(stop.payload?.transactionId, 7);
    assert.deepEqual(charger.stderrLines, []);
  },
  // The central system: a charger it knows connects with its password and is booted and started
  // remotely; one it does not know is refused.
  "Central system": async (t, project, example) => {
    const port = await freePort();
    const server = await startExample(t, project, example, port);
    await server.waitForLine((line) => line.startsWith(`listening on ws://localhost:${port}/ocpp/`), { timeoutMs: 60_000 });
    const known = new CliProcess([
      "charge-point",
      `ws://127.0.0.1:${port}/ocpp`,
      "--id",
      "CP-1",
      "--auth",
      "basic:CP-1:0123456789abcdef",
      "--json",
    ]);
    t.after(() => known.stop());
    await server.waitForLine((line) => /^CP-1 booted: \S+ \S+/.test(line), { timeoutMs: 30_000 });
    await server.waitForLine((line) => line === "CP-1 answered RemoteStartTransaction: Accepted", { timeoutMs: 30_000 });
    const stranger = new CliProcess(["charge-point", `ws://127.0.0.1:${port}/ocpp`, "--id", "CP-9", "--no-reconnect"]);
    t.after(() => stranger.stop());
    await server.waitForLine((line) => line.startsWith("refused CP-9: unknownChargePoint"), { timeoutMs: 30_000 });
    assert.equal((await stranger.exited).code, 3);
  },
  // The offline queue: boot, a whole transaction through the journal, and a clean exit.
  "Transaction message queue": async (t, project, example) => {
    const { serve, port } = await startServe(t);
    const charger = await startExample(t, project, example, port);
    const finished = await charger.exited;
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stdout, /^central system's id: \d+$/m);
    const order = serve.json<Line>((line) => line.type === "CALL" && line.from === "chargePoint").map((line) => line.action);
    assert.deepEqual(order, ["BootNotification", "StartTransaction", "MeterValues", "StopTransaction"]);
  },
};

test("the README's examples type-check with standard and with legacy decorators, and the runnable ones run", async (t) => {
  const project = await examplesProject(t);
  for (const example of checked.filter((candidate) => candidate.kind === "run")) {
    await t.test(`${example.heading} (README line ${example.line})`, async (t) => {
      const driver = drivers[example.heading];
      if (driver) return driver(t, project, example);
      // Another runnable example: a server example gets a free port, a charger's gets `ocppkit serve`.
      const port = /listen\(/.test(example.code) ? await freePort() : (await startServe(t)).port;
      const running = await startExample(t, project, example, port);
      const finished = await Promise.race([
        running.exited,
        new Promise<undefined>((resolve) => setTimeout(resolve, 120_000, undefined).unref()),
      ]);
      assert.ok(finished, `the example did not exit within 120 s; output:\n${running.stdoutLines.join("\n")}`);
      assert.equal(finished.code, 0, finished.stderr);
    });
  }
});
