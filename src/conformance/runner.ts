/**
 * The runner: selects cases, decides which apply, and runs each from a clean connection, one at a time,
 * turning what happened into a CaseResult.
 */
import { readFileSync } from "node:fs";
import { type ConnectOptions, connect } from "../index.js";
import { ChargePoint } from "../v201/index.js";
import { type CaseResult, type ConformanceCase, Direction, Feature, type FrameLog, Outcome } from "./case.js";
import type { ConformanceConfig } from "./config.js";
import { type Credentials, CsmsTest, type StationMemory, type UpgradedConnection } from "./csms-test.js";
import { ConformanceError } from "./errors.js";
import { CheckFailure, StepError } from "./failures.js";
import { booted } from "./states.js";
import { NeedsActionError, noTrigger, type Trigger } from "./triggers.js";

export interface CsmsRunOptions {
  /** The CSMS's WebSocket URL; the station id is appended as the last path segment. */
  readonly url: string;
  readonly config: ConformanceConfig;
  readonly cases: readonly ConformanceCase[];
  /** How CSMS actions are asked for; default: none (those cases are "needs action"). */
  readonly trigger?: Trigger;
  /** Called as each case starts and ends (the CLI prints progress with it). */
  readonly onCaseStart?: (kase: ConformanceCase) => void;
  readonly onResult?: (result: CaseResult) => void;
  /** Every frame of every case, as it passes, with the station identity it went over. */
  readonly onFrame?: (caseId: string, frame: FrameLog, stationId: string) => void;
}

/** Frames shown around a failure: this many before it and a few after. */
const framesBefore = 8;
const framesAfter = 3;

/** Selects cases by id patterns (`TC_B_*`, `TC_E_01_CSMS`); an unknown id or a pattern that matches nothing is an error. */
export function selectCases(all: readonly ConformanceCase[], patterns: readonly string[] | undefined): ConformanceCase[] {
  if (!patterns?.length) return [...all];
  const selected = new Set<ConformanceCase>();
  for (const pattern of patterns) {
    const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
    const matched = all.filter((kase) => regex.test(kase.id));
    if (!matched.length) throw new ConformanceError("UnknownCase", `no case matches '${pattern}' (see --list)`);
    for (const kase of matched) selected.add(kase);
  }
  return all.filter((kase) => selected.has(kase));
}

/** Why a case does not apply to this CSMS, or undefined when it does. */
export function notApplicable(kase: ConformanceCase, config: ConformanceConfig): string | undefined {
  if (kase.outOfScope) return `out of scope: ${kase.outOfScope}`;
  const requirement = kase.requires?.(config);
  if (requirement) return requirement;
  const needed = kase.features ?? [Feature[kase.block]];
  const sut = kase.direction === Direction.Csms ? "CSMS" : "station";
  const missing = needed.filter((feature) => !config.features.includes(feature));
  if (missing.length) return `the ${sut} does not claim ${missing.join(", ")} (config "features")`;
  const unwanted = kase.direction === Direction.ChargingStation ? (kase.withoutFeatures ?? []) : [];
  const claimed = unwanted.filter((feature) => config.features.includes(feature));
  return claimed.length ? `for a ${sut} without ${claimed.join(", ")} (config "features" claims it)` : undefined;
}

/** The connection the station makes now: the configured one, or the one the CSMS upgraded it to (TC_A_19). */
function connectionOf(credentials: Credentials, memory: StationMemory): UpgradedConnection | undefined {
  return credentials.connection === "configured" ? undefined : (credentials.connection ?? memory.upgraded);
}

/** The connection of the station's security profile, or with the credentials a case gives instead. */
export function connectOptions(
  config: ConformanceConfig,
  stationId: string,
  credentials: Credentials = {},
  memory: StationMemory = {},
): ConnectOptions {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const upgraded = connectionOf(credentials, memory);
  const profile = upgraded?.securityProfile ?? config.securityProfile;
  const password = memory.basicAuthPassword ?? config.basicAuthPassword ?? "";
  const profileAuth = profile === 1 || profile === 2 ? { username: stationId, password } : undefined;
  const configured = config.tls?.cert && config.tls.key ? { cert: config.tls.cert, key: config.tls.key } : undefined;
  const client =
    profile === 3 ? (credentials.clientCertificate ?? upgraded?.clientCertificate ?? configured) : credentials.clientCertificate;
  return {
    protocols: ["ocpp2.0.1"],
    auth: credentials.basic ?? profileAuth,
    ca: read(config.tls?.ca),
    cert: client && ("certPem" in client ? client.certPem : read(client.cert)),
    key: client && ("keyPem" in client ? client.keyPem : read(client.key)),
    handshakeTimeoutMs: config.responseTimeoutS * 1000,
  };
}

/** The station's URL: `<base>/<station id>`, the base being the upgraded connection's when there is one. */
export function stationUrl(base: string, stationId: string, credentials: Credentials = {}, memory: StationMemory = {}): string {
  return `${(connectionOf(credentials, memory)?.url ?? base).replace(/\/+$/, "")}/${encodeURIComponent(stationId)}`;
}

export async function runCase(kase: ConformanceCase, options: CsmsRunOptions, memory: StationMemory = {}): Promise<CaseResult> {
  const started = performance.now();
  const base = { id: kase.id, name: kase.name, block: kase.block };
  const done = (fields: Omit<CaseResult, "id" | "name" | "block" | "durationMs">): CaseResult => ({
    ...base,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });
  if (kase.direction !== Direction.Csms)
    return done({ outcome: Outcome.Error, reason: `the ${kase.direction} direction is not run by this runner` });
  const skip = notApplicable(kase, options.config);
  if (skip) return done({ outcome: Outcome.NotApplicable, reason: skip });

  const { config } = options;
  const stationId = kase.station === "pending" ? config.pendingStationId : config.stationId;
  const frames: FrameLog[] = [];
  const url = stationUrl(options.url, stationId, {}, memory);
  let t: CsmsTest | undefined;
  try {
    const open = async (credentials?: Credentials) => {
      const connection = await connect(
        stationUrl(options.url, stationId, credentials, memory),
        connectOptions(config, stationId, credentials, memory),
      );
      return new ChargePoint(stationId, connection, {
        responseTimeoutMs: config.responseTimeoutS * 1000,
        logger: {
          frame: (_id, direction, text) => {
            const frame: FrameLog = {
              index: frames.length,
              time: new Date().toISOString(),
              from: direction === "out" ? "tool" : "sut",
              text,
            };
            frames.push(frame);
            options.onFrame?.(kase.id, frame, stationId);
          },
        },
      });
    };
    t = new CsmsTest({ caseId: kase.id, stationId, config, open, frames, trigger: options.trigger ?? noTrigger, url, memory });
    if (!kase.connectsItself) {
      try {
        await t.connect();
      } catch (error) {
        return done({ outcome: Outcome.Error, reason: `cannot connect to ${url}: ${(error as Error).message}` });
      }
    }
    if (!kase.bootsItself && !kase.connectsItself) await booted(t);
    await kase.run(t);
    await t.finish();
    return done({ outcome: Outcome.Pass });
  } catch (error) {
    if (error instanceof NeedsActionError) return done({ outcome: Outcome.NeedsAction, reason: error.message });
    if (error instanceof CheckFailure) {
      return done({
        outcome: Outcome.Fail,
        reason: error.message,
        step: error.step,
        check: error.check,
        expected: error.expected,
        received: error.received,
        frames: around(frames, error.frameIndex),
      });
    }
    if (error instanceof StepError)
      return done({ outcome: Outcome.Error, reason: error.message, step: error.step, frames: around(frames, error.frameIndex) });
    return done({ outcome: Outcome.Error, reason: (error as Error).message ?? String(error), frames: around(frames, frames.length) });
  } finally {
    await t?.disconnect("end");
  }
}

function around(frames: readonly FrameLog[], at: number): FrameLog[] {
  const end = at < 0 ? frames.length : at;
  return frames.slice(Math.max(0, end - framesBefore), end + framesAfter);
}

/** Runs the cases one at a time and resolves with their results, in order. */
export async function runCsms(options: CsmsRunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const memory: StationMemory = {};
  for (const kase of options.cases) {
    options.onCaseStart?.(kase);
    const result = await runCase(kase, options, memory);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}
