import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { CliProcess, runCli } from "../cli/cli-process.js";

test("serve --help documents --ui and --ui-port", async () => {
  const { code, stdout } = await runCli(["serve", "--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /--ui {2,}/);
  assert.match(stdout, /--ui-port <n>/);
});

test("serve --ui prints the page's URL, and the page answers there", async (t) => {
  const serve = new CliProcess(["serve", "--ui", "--port", "0", "--ui-port", "0"]);
  t.after(() => serve.stop());
  const line = await serve.waitForLine((text) => text.startsWith("web page"), { timeoutMs: 20_000 });
  const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(line)?.[0];
  assert.ok(url, line);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="assets\/main\.js">/);
});

test("a page port already taken is one clear line and exit code 1", async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const { code, stderr } = await runCli(["serve", "--port", "0", "--ui-port", String(port)]);
  assert.equal(code, 1);
  assert.equal(stderr.trim(), `ocppkit serve: port ${port} on 127.0.0.1 is already in use; try --ui-port 0`);
});
