/**
 * ocppkit in a real browser: a charge point (test/browser/browser-charger.ts, on `ocppkit/core` and
 * `ocppkit/v16`) bundled by esbuild for the browser, with no Node built-in and no `ws`, runs in Debian's
 * Chromium (driven by playwright-core) against `ocppkit serve` on a random port of 127.0.0.1: it boots,
 * answers a Reset sent from serve's prompt, and an invalid payload is refused before anything is sent.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { CliProcess } from "../cli/cli-process.js";
import { output, root, run } from "../package/consumer.js";
import type { BrowserRun } from "./browser-charger.js";

/** Debian's chromium package; `.ci/run` installs it when it is missing. */
const chromiumPath = process.env.OCPPKIT_CHROMIUM ?? "/usr/bin/chromium";

interface Line {
  event?: string;
  type?: string;
  from?: string;
  action?: string;
  chargePoint?: string;
  id?: string;
  payload?: Record<string, unknown>;
  url?: string;
}

/** The charger bundled as a browser would load it: one script, a global `ocppkitCharger`. */
async function bundle(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./browser-charger.js", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "ocppkitCharger",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]?.text ?? "", inputs: Object.keys(result.metafile.inputs) };
}

test("a charge point bundled for the browser boots in Chromium, answers a Reset, and refuses an invalid payload before sending", async (t) => {
  assert.ok(existsSync(chromiumPath), `Chromium is not installed at ${chromiumPath}: run .ci/run, or apt-get install chromium`);
  // Bundling for the browser platform fails on any node: import; the inputs show that ws stayed out too.
  const { code, inputs } = await bundle();
  assert.deepEqual(
    inputs.filter((input) => /node_modules\/ws\/|^node:/.test(input)),
    [],
  );
  assert.ok(inputs.some((input) => input.endsWith("dist/core/index.js")));

  const serve = new CliProcess(["serve", "--port", "0", "--json"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening", 30_000);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.addScriptTag({ content: code });
  // Node's `process` is not there: the default logger must not need it.
  assert.equal(await page.evaluate("typeof process"), "undefined");

  const result = (await page.evaluate(`ocppkitCharger.run(${JSON.stringify(listening.url)}, "BROWSER-1")`)) as BrowserRun;
  assert.equal(result.boot, "Accepted");
  assert.match(result.refused, /^InvalidPayloadError: Invalid Authorize request/);
  assert.equal(result.heartbeat, true);
  // Frames of one connection arrive in order: the Heartbeat came, the Authorize before it never did.
  const calls = serve.json<Line>((line) => line.type === "CALL" && line.chargePoint === "BROWSER-1" && line.from === "chargePoint");
  assert.deepEqual(
    calls.map((line) => line.action),
    ["BootNotification", "Heartbeat"],
  );
  // This page is not a secure context, so it has no crypto.randomUUID: the ids come from getRandomValues.
  for (const { id } of calls) assert.match(id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(calls[0]?.id, calls[1]?.id);

  serve.write('BROWSER-1 Reset {"type":"Soft"}');
  const answer = await serve.waitForJson<Line>((line) => line.type === "CALLRESULT" && line.action === "Reset", 30_000);
  assert.deepEqual(answer.payload, { status: "Accepted" });
  assert.deepEqual(await page.evaluate("ocppkitCharger.resets()"), ["Soft"]);
  assert.deepEqual(pageErrors, []);
});

test("bench/browser-bundle.mjs bundles a charge point of every version for the browser and reports its sizes", async () => {
  const script = fileURLToPath(new URL("../../../bench/browser-bundle.mjs", import.meta.url));
  const result = await run(process.execPath, [script], { cwd: root });
  assert.equal(result.code, 0, output(result));
  const lines = result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { version: string; minifiedBytes: number; gzipBytes: number });
  assert.deepEqual(
    lines.map((line) => line.version),
    ["1.6", "2.0.1", "2.1"],
  );
  for (const line of lines) assert.ok(line.gzipBytes > 0 && line.gzipBytes < line.minifiedBytes, JSON.stringify(line));
});
