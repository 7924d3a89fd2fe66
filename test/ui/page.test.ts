import assert from "node:assert/strict";
import { get } from "node:https";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { repoFile } from "../cli/cli-process.js";
import { launchChromium, seen, UiRig } from "./harness.js";

test("without Chromium the browser tests fail with a one-line reason", async () => {
  await assert.rejects(launchChromium("/nonexistent/chromium"), (error: Error) => {
    assert.match(error.message, /^Chromium is missing at \/nonexistent\/chromium: install Debian's chromium package/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});

const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? "";

/** Chooses a charger and an action in the command panel, once the version's actions are in. */
async function choose(page: Page, chargerId: string, version: string, action: string): Promise<void> {
  await page.selectOption("#cmd-charger", chargerId);
  await page.waitForFunction((v) => document.querySelector<HTMLElement>("#cmd-action")?.dataset.version === v, version, {
    timeout: 30_000,
  });
  await page.selectOption("#cmd-action", action);
}

/** The frames a charger process printed (--json) that came from the central system with `action`. */
const received = (rig: UiRig, id: string, action: string) =>
  rig.chargers.get(id)?.json((line) => line.from === "centralSystem" && line.type === "CALL" && line.action === action) ?? [];

test("the page in Chromium: chargers of each version, live frames, commands, refusals, transactions, departures", async (t) => {
  const rig = await UiRig.start();
  t.after(() => rig.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(rig.pageUrl);
  await seen(page, '#live[data-state="live"]');
  rig.charger("CP-16", "1.6");
  rig.charger("CP-201", "2.0.1");
  rig.charger("CP-21", "2.1");

  await t.test("simulated chargers of each version appear with their boot information and connector statuses", async () => {
    for (const [id, version] of [
      ["CP-16", "1.6"],
      ["CP-201", "2.0.1"],
      ["CP-21", "2.1"],
    ]) {
      const row = `#chargers tr[data-charger="${id}"][data-state="connected"]`;
      await seen(page, `${row} .chip`);
      assert.match(await text(page, row), new RegExp(`${id}\\s*${version.replaceAll(".", "\\.")}`));
      assert.match(await text(page, `${row} .boot`), /ocppkit Simulator/);
      assert.match(await text(page, row), /Available/);
    }
  });

  await t.test("frames stream in as they cross the wire, each answer tied to its CALL", async () => {
    await seen(page, '#log tr[data-charger="CP-21"][data-action="BootNotification"][data-type="CALLRESULT"]');
    rig.chargers.get("CP-16")?.write("start 1 TAG-16");
    const call = '#log tr[data-charger="CP-16"][data-action="StartTransaction"][data-type="CALL"]';
    await seen(page, call);
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes("✓ answered"), call, {
      timeout: 30_000,
    });
    const callSeq = await page.getAttribute(call, "data-seq");
    assert.match(
      await text(page, '#log tr[data-charger="CP-16"][data-action="StartTransaction"][data-type="CALLRESULT"]'),
      new RegExp(`answers #${callSeq}`),
    );
    // The JSON of a frame opens on a click.
    await page.click(call);
    assert.match(await text(page, "#log tr.json"), /"idTag": "TAG-16"/);
  });

  await t.test("a transaction's energy chart grows with its meter values", async () => {
    const chart = '#transactions [data-tx^="CP-16/"] svg';
    await page.waitForFunction((selector) => Number(document.querySelector<SVGElement>(selector)?.dataset.points) >= 2, chart, {
      timeout: 30_000,
    });
    const before = Number(await page.getAttribute(chart, "data-points"));
    const energyBefore = await text(page, '#transactions [data-tx^="CP-16/"] .energy-value');
    await page.waitForFunction(
      ([selector, count]) => Number(document.querySelector<SVGElement>(selector as string)?.dataset.points) > (count as number),
      [chart, before] as const,
      { timeout: 30_000 },
    );
    assert.match(await text(page, '#transactions [data-tx^="CP-16/"]'), /TAG-16/);
    await page.waitForFunction(
      ([selector, was]) => document.querySelector(selector as string)?.textContent !== was,
      ['#transactions [data-tx^="CP-16/"] .energy-value', energyBefore] as const,
      { timeout: 30_000 },
    );
  });

  await t.test("a command sent from the page reaches the charger and its answer shows", async () => {
    await choose(page, "CP-201", "2.0.1", "TriggerMessage");
    await page.fill("#cmd-payload", JSON.stringify({ requestedMessage: "Heartbeat" }));
    await page.click("#cmd-send");
    await seen(page, '#cmd-answer[data-outcome="result"]');
    assert.match(await text(page, "#cmd-answer"), /CP-201 answered TriggerMessage[\s\S]*"status": "Accepted"/);
    await rig.chargers
      .get("CP-201")
      ?.waitForLine((line) => line.includes('"action":"TriggerMessage"') && line.includes('"from":"centralSystem"'));
    await seen(page, '#log tr[data-charger="CP-201"][data-action="TriggerMessage"][data-type="CALL"]');
  });

  await t.test("a wrong payload is refused in the page with the field named, and the expert switch sends it anyway", async () => {
    await choose(page, "CP-16", "1.6", "Reset");
    await page.fill("#cmd-payload", JSON.stringify({ type: "Sideways" }, null, 2));
    await seen(page, "#cmd-problem:not([hidden])");
    await page.click("#cmd-send");
    assert.equal(await page.getAttribute("#cmd-problem", "data-field"), "/type");
    assert.match(await text(page, "#cmd-problem"), /\/type: must be equal to one of the allowed values: Hard, Soft \(line 2\)/);
    assert.equal(await page.isHidden("#cmd-answer"), true);
    assert.equal(received(rig, "CP-16", "Reset").length, 0);
    await page.fill("#cmd-payload", "{}");
    await page.click("#cmd-send");
    await page.waitForFunction(() => document.querySelector("#cmd-problem")?.textContent?.includes('missing required property "type"'));
    assert.equal(received(rig, "CP-16", "Reset").length, 0);
    // Send anyway: the charger gets it and answers with a CALLERROR, shown as the answer.
    await page.fill("#cmd-payload", JSON.stringify({ type: "Sideways" }));
    await page.check("#cmd-anyway");
    await page.click("#cmd-send");
    await seen(page, '#cmd-answer[data-outcome="callError"]');
    assert.match(await text(page, "#cmd-answer"), /PropertyConstraintViolation/);
    await page.uncheck("#cmd-anyway");
  });

  await t.test("the log filters by charger and action, and pauses", async () => {
    await page.selectOption("#log-charger", "CP-201");
    const chargersShown = await page.$$eval("#log tr.frame", (rows) => [...new Set(rows.map((row) => row.getAttribute("data-charger")))]);
    assert.deepEqual(chargersShown, ["CP-201"]);
    await page.fill("#log-action", "BootNotification");
    const actionsShown = await page.$$eval("#log tr.frame", (rows) => [...new Set(rows.map((row) => row.getAttribute("data-action")))]);
    assert.deepEqual(actionsShown, ["BootNotification"]);
    await page.fill("#log-action", "");
    await page.selectOption("#log-charger", "");
    await page.click("#log-pause");
    const newest = await page.getAttribute("#log tr.frame", "data-seq");
    await page.waitForFunction(() => /new while paused/.test(document.querySelector("#log-held")?.textContent ?? ""), null, {
      timeout: 30_000,
    });
    assert.equal(await page.getAttribute("#log tr.frame", "data-seq"), newest);
    await page.click("#log-pause");
    assert.notEqual(await page.getAttribute("#log tr.frame", "data-seq"), newest);
    const download = page.waitForEvent("download");
    await page.click("#log-download");
    const lines = (await (await download).createReadStream())?.toArray();
    const records = Buffer.concat((await lines) as Buffer[])
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { chargerId: string });
    assert.ok(records.length > 10);
    assert.ok(records.some((record) => record.chargerId === "CP-21"));
  });

  await t.test("a charger that disconnects is shown as gone", async () => {
    await rig.chargers.get("CP-21")?.stop();
    await seen(page, '#chargers tr[data-charger="CP-21"][data-state="gone"]');
    assert.match(await text(page, '#chargers tr[data-charger="CP-21"]'), /left .*\(1000/);
    const offered = await page.$$eval("#cmd-charger option", (options) => options.map((option) => (option as HTMLOptionElement).value));
    assert.deepEqual(offered.sort(), ["CP-16", "CP-201"]);
  });

  assert.deepEqual(pageErrors, []);
});

test("the first load is under 150 KB gzipped, and a version's validators load only when a charger of it is chosen", async (t) => {
  const rig = await UiRig.start();
  t.after(() => rig.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const loaded: string[] = [];
  page.on("response", (response) => loaded.push(response.url()));
  await page.goto(rig.pageUrl);
  await seen(page, '#live[data-state="live"]');
  const firstLoad = loaded.filter((url) => !url.endsWith("/events"));
  let gzipped = 0;
  for (const url of firstLoad) {
    const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
    assert.equal(response.headers.get("content-encoding"), "gzip", url);
    gzipped += Number((await import("node:zlib")).gzipSync(Buffer.from(await response.arrayBuffer())).length);
  }
  assert.ok(gzipped < 150 * 1024, `first load is ${gzipped} bytes gzipped`);
  t.diagnostic(`first load: ${firstLoad.length} files, ${gzipped} bytes gzipped`);
  rig.charger("CP-LAZY", "2.1");
  await seen(page, '#chargers tr[data-charger="CP-LAZY"]');
  // The panel chooses the only charger by itself: that is when its version's validators load.
  await choose(page, "CP-LAZY", "2.1", "Reset");
  await page.fill("#cmd-payload", "{}");
  await seen(page, "#cmd-problem:not([hidden])");
  const lazy = loaded.filter((url) => /\/assets\/chunk-\w+\.js$/.test(url) && !firstLoad.includes(url));
  assert.ok(lazy.length >= 1, `no validator chunk loaded after the first load: ${loaded.join(", ")}`);
});

test("with --auth the page asks for the password, and with it the page is live", async (t) => {
  const rig = await UiRig.start(["--auth", "basic:*:s3cret"]);
  t.after(() => rig.stop());
  const browser = await launchChromium();
  t.after(() => browser.close());
  // The browser is asked for credentials (its password prompt); a headless one without any gives up.
  const challenge = await fetch(rig.pageUrl);
  assert.equal(challenge.status, 401);
  assert.match(challenge.headers.get("www-authenticate") ?? "", /^Basic realm=/);
  const anonymous = await browser.newPage();
  await assert.rejects(anonymous.goto(rig.pageUrl), /ERR_INVALID_AUTH_CREDENTIALS/);
  const wrong = await browser.newContext({ httpCredentials: { username: "tester", password: "guess" } });
  const wrongPage = await wrong.newPage();
  assert.equal((await wrongPage.goto(rig.pageUrl))?.status(), 401);
  assert.equal(await wrongPage.$("#live"), null);
  const context = await browser.newContext({ httpCredentials: { username: "tester", password: "s3cret" } });
  const page = await context.newPage();
  await page.goto(rig.pageUrl);
  await seen(page, '#live[data-state="live"]');
  rig.charger("CP-AUTH", "1.6", ["--auth", "basic:CP-AUTH:s3cret"]);
  await seen(page, '#chargers tr[data-charger="CP-AUTH"][data-state="connected"]');
});

test("with client certificates required, the page is still reachable from a browser without one (https on its own port)", async (t) => {
  const tls = ["server.crt", "server.key", "ca.crt"].map((name) => repoFile(`test/fixtures/certs/${name}`)).join(",");
  const rig = await UiRig.start(["--tls", tls]);
  t.after(() => rig.stop());
  assert.match(rig.wsUrl, /^wss:/);
  assert.match(rig.pageUrl, /^https:/);
  // The OCPP port refuses a TLS client without a certificate; the page's port does not ask for one.
  const ca = (await import("node:fs")).readFileSync(repoFile("test/fixtures/certs/ca.crt"));
  const status = await new Promise<number>((resolve, reject) =>
    get(rig.pageUrl, { ca }, (response) => resolve(response.statusCode ?? 0)).on("error", reject),
  );
  assert.equal(status, 200);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(rig.pageUrl);
  await seen(page, '#live[data-state="live"]');
});
