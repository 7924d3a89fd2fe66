// Takes the README's screenshots of `ocppkit serve --ui` from the real page: a real central system,
// simulated chargers of each OCPP version, Chromium. Run with `npm run screenshots` (needs /usr/bin/chromium).
import { launchChromium, seen, UiRig } from "../build/test/ui/harness.js";

const out = new URL("../docs/", import.meta.url);
const rig = await UiRig.start();
const browser = await launchChromium();
try {
  rig.charger("CP-16", "1.6");
  rig.charger("CP-201", "2.0.1");
  rig.charger("CP-21", "2.1");
  rig.charger("CP-OLD", "1.6");
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 }, deviceScaleFactor: 1 });
  await page.goto(rig.pageUrl);
  for (const id of ["CP-16", "CP-201", "CP-21", "CP-OLD"]) await seen(page, `#chargers tr[data-charger="${id}"] .chip`);
  await rig.chargers.get("CP-OLD").stop();
  await seen(page, '#chargers tr[data-charger="CP-OLD"][data-state="gone"]');
  rig.chargers.get("CP-16").write("start 1 TAG-16");
  rig.chargers.get("CP-201").write("start 1 TAG-201");
  // A command from the page: a 2.1 remote start.
  await page.selectOption("#cmd-charger", "CP-21");
  await page.waitForFunction(() => document.querySelector("#cmd-action")?.dataset.version === "2.1");
  await page.selectOption("#cmd-action", "RequestStartTransaction");
  await page.click("#cmd-send");
  await seen(page, '#cmd-answer[data-outcome="result"]');
  // Let the meters run so the charts have a few points.
  await page.waitForFunction(
    () => [...document.querySelectorAll(".tx svg")].filter((svg) => Number(svg.dataset.points) >= 8).length >= 3,
    null,
    {
      timeout: 60_000,
    },
  );
  await page.screenshot({ path: new URL("ui-overview.png", out).pathname, fullPage: false });
  // A wrong payload, refused in the page at its field.
  await page.selectOption("#cmd-charger", "CP-16");
  await page.waitForFunction(() => document.querySelector("#cmd-action")?.dataset.version === "1.6");
  await page.selectOption("#cmd-action", "Reset");
  await page.fill("#cmd-payload", JSON.stringify({ type: "Sideways" }, null, 2));
  await page.click("#cmd-send");
  await seen(page, "#cmd-problem:not([hidden])");
  const panel = await page.locator("#command-panel").boundingBox();
  const send = await page.locator("#cmd-send").boundingBox();
  await page.screenshot({
    path: new URL("ui-command.png", out).pathname,
    clip: { x: panel.x, y: panel.y, width: panel.width, height: send.y + send.height + 14 - panel.y },
  });
  console.log(`screenshots in ${out.pathname}: ui-overview.png, ui-command.png`);
} finally {
  await browser.close();
  await rig.stop();
}
