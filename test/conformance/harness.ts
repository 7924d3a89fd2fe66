/**
 * The proofs every block of cases gives: against a real `ocppkit serve --conformance ... --ui` (driven
 * through its control endpoint, as an unattended CI run would) every case passes; against a deliberately
 * wrong CSMS, one fault per case, every case fails at the step part 6 names.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CaseResult,
  type ConformanceConfig,
  type CsmsCase,
  csmsCases,
  expectedCsmsBehaviour,
  httpTrigger,
  resolveConfig,
  runCase,
  runCsms,
  type Trigger,
} from "../../src/conformance/index.js";
import { type CentralSystem, type CentralSystemOptions, startCentralSystem, versionKits } from "../../src/csms/index.js";
import { CliProcess } from "../cli/cli-process.js";

type Body = Record<string, unknown>;

/** One way the wrong CSMS is wrong. `nth` counts that action's messages (or the triggers) of the case, from 1; default: all. */
export type Fault =
  | { readonly answer: string; readonly nth?: number; readonly with: Body }
  | { readonly silent: string; readonly nth?: number }
  | { readonly callError: string; readonly nth?: number }
  | { readonly ignoreTrigger: true; readonly nth?: number }
  | { readonly trigger: Body; readonly action?: string; readonly nth?: number };

export interface FaultCase {
  readonly fault: Fault;
  /** The step the case must fail at, as the report names it. */
  readonly step: string;
}

/** The config of the tests: short waits against the wrong CSMS, generous ones against serve. */
export function testConfig(over: Partial<ConformanceConfig> = {}): ConformanceConfig {
  return resolveConfig({
    responseTimeoutS: 20,
    actionTimeoutS: 20,
    maxWaitS: 5,
    clockAlignedIntervalS: 0.2,
    sampledIntervalS: 0.2,
    ...over,
  });
}

export function casesOf(block: string): CsmsCase[] {
  return csmsCases.filter((kase) => kase.block === block);
}

/** `ocppkit serve --conformance <config> --ui` on free ports. */
export async function startServe(
  config: ConformanceConfig,
  extraArgs: readonly string[] = [],
): Promise<{ wsUrl: string; tlsUrl?: string; controlUrl: string; caCertificate: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-conformance-"));
  const file = join(dir, "conformance.json");
  writeFileSync(file, JSON.stringify(config));
  const serve = new CliProcess(["serve", "--port", "0", "--ui-port", "0", "--json", "--quiet", "--conformance", file, ...extraArgs]);
  const stop = async () => {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const listening = await serve.waitForJson((line) => line.event === "listening", 30_000);
    const controlUrl = String((await serve.waitForJson((line) => line.event === "ui", 30_000)).control);
    const caCertificate = String((await serve.waitForJson((line) => line.event === "ca", 30_000)).certificate);
    const tlsUrl = listening.tlsUrl === undefined ? undefined : String(listening.tlsUrl);
    return { wsUrl: String(listening.url), tlsUrl, controlUrl, caCertificate, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The central system of `serve` made wrong in one way at a time (`fault`), with its own in-process trigger. */
export class WrongCsms {
  #fault: Fault | undefined;
  #triggers = 0;
  readonly #counts = new Map<string, number>();
  #server: CentralSystem | undefined;

  get fault(): Fault | undefined {
    return this.#fault;
  }

  set fault(fault: Fault | undefined) {
    this.#fault = fault;
    this.#triggers = 0;
    this.#counts.clear();
  }

  get url(): string {
    return this.#server?.url ?? "";
  }

  /** `server`: the security of the CSMS (A cases); its `tls` may carry any Node TLS server option. */
  async start(config: ConformanceConfig, server: Pick<CentralSystemOptions, "auth" | "tls" | "ca"> = {}): Promise<void> {
    const right = expectedCsmsBehaviour(config);
    this.#server = await startCentralSystem({
      host: "127.0.0.1",
      port: 0,
      versions: ["2.0.1"],
      ...server,
      logger: {},
      behaviour: {
        ...right,
        around: (_id, action, _request, answer) => this.#answer(action, answer),
      },
    });
  }

  #answer(action: string, answer: () => unknown): unknown {
    const fault = this.fault;
    if (!fault || !("answer" in fault || "silent" in fault || "callError" in fault)) return answer();
    const target = "answer" in fault ? fault.answer : "silent" in fault ? fault.silent : fault.callError;
    if (target !== action) return answer();
    const count = (this.#counts.get(action) ?? 0) + 1;
    this.#counts.set(action, count);
    if (fault.nth !== undefined && fault.nth !== count) return answer();
    if ("silent" in fault) return new Promise(() => {});
    if ("callError" in fault) throw new Error("a deliberately wrong CSMS");
    return { ...(answer() as Body), ...fault.with };
  }

  /** Sends what the runner asks for, unless the fault says otherwise. */
  readonly trigger: Trigger = async (request) => {
    const fault = this.fault;
    const nth = ++this.#triggers;
    const applies = fault && (fault.nth === undefined || fault.nth === nth);
    if (fault && "ignoreTrigger" in fault && applies) return;
    const session = this.#server?.sessions.get(request.stationId);
    if (!session) throw new Error(`${request.stationId} is not connected`);
    const wrong = fault && "trigger" in fault && applies ? fault : undefined;
    const action = wrong?.action ?? request.action;
    const Payload = versionKits["2.0.1"].calls[action] as unknown as new (payload: Body) => object;
    session.call(new Payload({ ...request.payload, ...wrong?.trigger }) as never, { skipSchemaValidation: true }).catch(() => {});
  };

  async close(): Promise<void> {
    await this.#server?.close();
  }
}

const describe = (result: CaseResult) =>
  `${result.id}: ${result.outcome}${result.step ? ` at step ${result.step}` : ""}${result.reason ? ` (${result.reason})` : ""}`;

/** Every case of the block passes against ocppkit serve, triggered through its control endpoint. */
export async function passesAgainstServe(block: string): Promise<void> {
  const config = testConfig();
  const serve = await startServe(config);
  try {
    const results = await runCsms({ url: serve.wsUrl, config, cases: casesOf(block), trigger: httpTrigger(serve.controlUrl) });
    const notPassed = results.filter((r) => r.outcome !== "pass").map(describe);
    assert.deepEqual(notPassed, [], `against ocppkit serve:\n${notPassed.join("\n")}`);
    assert.equal(results.length, casesOf(block).length);
  } finally {
    await serve.stop();
  }
}

/** Every case of the block fails against the wrong CSMS, at the step its fault must be caught. */
export async function failsAgainstWrongCsms(block: string, faults: Readonly<Record<string, FaultCase>>): Promise<void> {
  const cases = casesOf(block);
  assert.deepEqual(
    cases.map((kase) => kase.id).filter((id) => !faults[id]),
    [],
    "every case of the block has a fault it must catch",
  );
  const config = testConfig({ responseTimeoutS: 1.5, actionTimeoutS: 1.5, maxWaitS: 1 });
  const wrong = new WrongCsms();
  await wrong.start(config);
  const wrongly: string[] = [];
  try {
    for (const kase of cases) {
      const expected = faults[kase.id];
      wrong.fault = expected.fault;
      const result = await runCase(kase, { url: wrong.url, config, cases: [kase], trigger: wrong.trigger });
      if (result.outcome !== "fail" || result.step !== expected.step)
        wrongly.push(`${describe(result)}; expected fail at step ${expected.step}`);
      else
        assert.ok(
          result.check && result.expected && result.received !== undefined && result.frames?.length,
          `${kase.id} names its check and frames`,
        );
    }
  } finally {
    await wrong.close();
  }
  assert.deepEqual(wrongly, [], `against the wrong CSMS:\n${wrongly.join("\n")}`);
}
