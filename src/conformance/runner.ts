/**
 * The runner, one for both directions: it selects cases, decides which apply, and runs them one at a
 * time on the side ocppkit plays, turning what happened into a CaseResult. The direction is a property of
 * the case; what differs is only ocppkit's side of the connection: the charging station towards a CSMS
 * (playing-station.ts, TC_*_CSMS) or the CSMS towards a station (cs/playing-csms.ts, TC_*_CS).
 */
import type { Logger } from "../index.js";
import { type CaseResult, type ConformanceCase, Direction, Feature, type FrameLog, Outcome } from "./case.js";
import type { ConformanceConfig } from "./config.js";
import { ConformanceError } from "./errors.js";
import { CheckFailure, StepError } from "./failures.js";
import { NeedsActionError, type Trigger } from "./triggers.js";

/** What both directions' runs take. */
export interface RunOptions<C extends ConformanceCase = ConformanceCase> {
  readonly config: ConformanceConfig;
  readonly cases: readonly C[];
  /** How part 6's "Manual Action"s are asked for; default: none (those cases are "needs action"). */
  readonly trigger?: Trigger;
  /** Called as each case starts and ends (the CLI prints progress with it). */
  readonly onCaseStart?: (kase: C) => void;
  readonly onResult?: (result: CaseResult) => void;
}

/** The side ocppkit plays for the cases of one direction. */
export interface Side<C extends ConformanceCase> {
  /** The direction of the cases it runs. */
  readonly direction: C["direction"];
  /** Every frame of the run so far (a failure shows those around it). */
  readonly frames: readonly FrameLog[];
  /** Before the first applicable case (listen, wait for the station): why no case can run, or undefined. */
  start?(): Promise<string | undefined>;
  /** Runs one applicable case: resolves when it passed, throws what ended it otherwise. */
  run(kase: C): Promise<void>;
  /** After the last case, also after a failure. */
  stop?(): Promise<void>;
}

/** A ChargePoint logger that keeps every frame of the run in `frames` (as the report shows them) and passes each to `each`. */
export function recordFrames(frames: FrameLog[], each?: (frame: FrameLog) => void): Logger {
  return {
    frame: (_id, direction, text) => {
      const frame: FrameLog = { index: frames.length, time: new Date().toISOString(), from: direction === "out" ? "tool" : "sut", text };
      frames.push(frame);
      each?.(frame);
    },
  };
}

/** Frames shown around a failure: this many before it and a few after. */
const framesBefore = 8;
const framesAfter = 3;

/** Selects cases by id patterns (`TC_B_*`, `TC_E_01_CSMS`); an unknown id or a pattern that matches nothing is an error. */
export function selectCases<C extends ConformanceCase>(all: readonly C[], patterns: readonly string[] | undefined): C[] {
  if (!patterns?.length) return [...all];
  const selected = new Set<C>();
  for (const pattern of patterns) {
    const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
    const matched = all.filter((kase) => regex.test(kase.id));
    if (!matched.length) throw new ConformanceError("UnknownCase", `no case matches '${pattern}' (see --list)`);
    for (const kase of matched) selected.add(kase);
  }
  return all.filter((kase) => selected.has(kase));
}

/** Why a case does not apply to the system under test, or undefined when it does. */
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

/** Runs one case on `side`; `unavailable` says why no case can run (the station never came). */
export async function runOn<C extends ConformanceCase>(
  side: Side<C>,
  kase: C,
  config: ConformanceConfig,
  unavailable?: string,
): Promise<CaseResult> {
  const started = performance.now();
  const done = (fields: Omit<CaseResult, "id" | "name" | "block" | "durationMs">): CaseResult => ({
    id: kase.id,
    name: kase.name,
    block: kase.block,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });
  if (kase.direction !== side.direction)
    return done({
      outcome: Outcome.Error,
      reason: `a ${kase.direction} case cannot run where ocppkit plays the ${side.direction === Direction.Csms ? "station" : "CSMS"}`,
    });
  const skip = notApplicable(kase, config);
  if (skip) return done({ outcome: Outcome.NotApplicable, reason: skip });
  if (unavailable) return done({ outcome: Outcome.Error, reason: unavailable });
  const firstFrame = side.frames.length;
  const around = (at: number) => {
    const end = at < 0 ? side.frames.length : at;
    return side.frames.slice(Math.max(firstFrame, end - framesBefore), end + framesAfter);
  };
  try {
    await side.run(kase);
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
        frames: around(error.frameIndex),
      });
    }
    if (error instanceof StepError)
      return done({ outcome: Outcome.Error, reason: error.message, step: error.step, frames: around(error.frameIndex) });
    return done({ outcome: Outcome.Error, reason: (error as Error).message ?? String(error), frames: around(-1) });
  }
}

/** Runs the cases one at a time on `side` and resolves with their results, in order. */
export async function runCases<C extends ConformanceCase>(side: Side<C>, options: RunOptions<C>): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  try {
    const applicable = options.cases.some((kase) => !notApplicable(kase, options.config));
    const unavailable = applicable ? await side.start?.() : undefined;
    for (const kase of options.cases) {
      options.onCaseStart?.(kase);
      const result = await runOn(side, kase, options.config, unavailable);
      results.push(result);
      options.onResult?.(result);
    }
    return results;
  } finally {
    await side.stop?.();
  }
}
