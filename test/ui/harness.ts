/**
 * A real `ocppkit serve --ui` with real simulated chargers (`ocppkit charge-point` processes) and a real
 * Chromium driven by playwright-core: the page tests and the README screenshot script share it.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { CliProcess } from "../cli/cli-process.js";

export const chromiumPath = process.env.OCPPKIT_CHROMIUM ?? "/usr/bin/chromium";

/** Chromium, or a one-line reason why there is none (the test fails with it, never skips). */
export async function launchChromium(executablePath = chromiumPath): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is missing at ${executablePath}: install Debian's chromium package (apt-get install -y chromium; .ci/run does)`,
    );
  }
  return chromium.launch({ executablePath, args: ["--no-sandbox"] });
}

export type Version = "1.6" | "2.0.1" | "2.1";

export class UiRig {
  readonly serve: CliProcess;
  readonly chargers = new Map<string, CliProcess>();
  /** ws://...: where chargers connect. */
  wsUrl = "";
  /** http(s)://.../: the page. */
  pageUrl = "";

  private constructor(serve: CliProcess) {
    this.serve = serve;
  }

  /** `ocppkit serve --ui --port 0 --ui-port 0 --json ...extra`, once it printed both URLs. */
  static async start(extra: readonly string[] = []): Promise<UiRig> {
    const rig = new UiRig(new CliProcess(["serve", "--ui", "--port", "0", "--ui-port", "0", "--json", ...extra]));
    try {
      rig.wsUrl = String((await rig.serve.waitForJson((line) => line.event === "listening", 20_000)).url);
      rig.pageUrl = String((await rig.serve.waitForJson((line) => line.event === "ui", 20_000)).url);
    } catch (error) {
      await rig.stop();
      throw error;
    }
    return rig;
  }

  /** A simulated charger of `version` (MeterValues every second while charging). */
  charger(id: string, version: Version, extra: readonly string[] = []): CliProcess {
    const process = new CliProcess([
      "charge-point",
      this.wsUrl,
      "--id",
      id,
      "--version",
      version,
      "--meter-interval",
      "1",
      "--json",
      ...extra,
    ]);
    this.chargers.set(id, process);
    return process;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.chargers.values()].map((charger) => charger.stop()));
    await this.serve.stop();
  }
}

/** Waits until `selector` matches in the page (generous: the machine may be loaded). */
export async function seen(page: Page, selector: string, timeoutMs = 30_000): Promise<void> {
  await page.waitForSelector(selector, { timeout: timeoutMs });
}
