/**
 * What `ocppkit conformance csms` and `ocppkit conformance cs` share: the options both take (--config,
 * --init, --cases, --trigger, --list, --junit, --json), loading the config, selecting and listing cases,
 * choosing the trigger, printing each result and the summary, the JUnit file and the exit code. Each
 * direction's file adds only its own options and how it starts the run.
 */
import { existsSync, writeFileSync } from "node:fs";
import {
  type CaseResult,
  type ConformanceCase,
  type ConformanceConfig,
  ConformanceError,
  exampleConfigText,
  exitCodeOf,
  junitXml,
  notApplicable,
  parseConfigText,
  resolveConfig,
  resultEvent,
  resultLines,
  selectCases,
  summarize,
  summaryLines,
  type Trigger,
  triggerOption,
} from "../conformance/index.js";
import { type OptionSpecs, type Parsed, parse, readTextFile, stringOption } from "./args.js";
import { CliError, ExitCode, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import { stdoutLine } from "./timeline.js";

/** The options of both directions. */
export const sharedOptions = {
  id: { type: "string" },
  auth: { type: "string" },
  tls: { type: "string" },
  config: { type: "string" },
  init: { type: "boolean" },
  cases: { type: "string" },
  trigger: { type: "string" },
  list: { type: "boolean" },
  junit: { type: "string" },
} as const satisfies OptionSpecs;

/** One direction's front end: what it adds to the shared options and how it reads them. */
export interface DirectionCli<C extends ConformanceCase> {
  /** `conformance csms` */
  readonly command: string;
  readonly help: string;
  /** Its own options, besides the shared ones. */
  readonly options: OptionSpecs;
  readonly positionals: number;
  readonly cases: readonly C[];
  /** Config values its options set (station id, credentials). */
  overrides(args: Parsed): Partial<ConformanceConfig>;
  /** An option mistake only the loaded config shows, or undefined. */
  check?(args: Parsed, config: ConformanceConfig): string | undefined;
}

export interface PreparedRun<C extends ConformanceCase> {
  readonly args: Parsed;
  readonly config: ConformanceConfig;
  readonly cases: C[];
  readonly json: boolean;
}

/** Parses the options, answers --help, --init and --list; the run to start, or the exit code when there is none. */
export function prepareRun<C extends ConformanceCase>(cli: DirectionCli<C>, argv: readonly string[]): PreparedRun<C> | number {
  const { command } = cli;
  const args = parse(command, argv, { ...sharedOptions, ...cli.options }, cli.positionals);
  if (args.values.help) {
    process.stdout.write(cli.help);
    return ExitCode.Ok;
  }
  const configPath = stringOption(args, "config");
  if (args.values.init) {
    const target = configPath ?? "conformance.json";
    if (existsSync(target))
      throw new CliError(`ocppkit ${command}: ${target} exists; remove it or choose another --config`, ExitCode.Usage);
    writeFileSync(target, exampleConfigText());
    stdoutLine(`wrote ${target}: every field at its default, with comments`);
    return ExitCode.Ok;
  }
  const json = args.values.json === true;
  let config: ConformanceConfig;
  try {
    const given = configPath === undefined ? {} : parseConfigText(readTextFile(command, configPath, "the config"), configPath);
    config = resolveConfig({ ...given, ...cli.overrides(args) }, configPath ?? "the options");
  } catch (error) {
    if (error instanceof ConformanceError) throw usageError(command, error.message);
    throw error;
  }
  const problem = cli.check?.(args, config);
  if (problem) throw usageError(command, problem);
  let cases: C[];
  try {
    const patterns = stringOption(args, "cases")
      ?.split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    cases = selectCases(cli.cases, patterns);
  } catch (error) {
    throw usageError(command, (error as Error).message);
  }
  if (!args.values.list) return { args, config, cases, json };
  const width = Math.max(0, ...cases.map((kase) => kase.id.length)) + 2;
  for (const kase of cases) {
    const skip = notApplicable(kase, config);
    if (json)
      stdoutLine(
        JSON.stringify({ event: "case", id: kase.id, name: kase.name, block: kase.block, useCases: kase.useCases, notApplicable: skip }),
      );
    else stdoutLine(`${kase.id.padEnd(width)} ${kase.name}${skip ? `  (not applicable: ${skip})` : ""}`);
  }
  return ExitCode.Ok;
}

/** --trigger, else on a terminal (and without --json) `prompt`, else none. */
export function chooseTrigger(run: PreparedRun<ConformanceCase>, prompt: () => Trigger, ca?: Buffer): Trigger | undefined {
  const value = stringOption(run.args, "trigger");
  if (value) return triggerOption(value, ca);
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return interactive && !run.json ? prompt() : undefined;
}

const paint: Record<string, Color> = {
  pass: Color.green,
  fail: Color.red,
  error: Color.red,
  "needs action": Color.yellow,
  "not applicable": Color.dim,
};

/** Prints one result: its JSON event, or its lines (`sut` names the system under test in the frames). */
export function resultPrinter(json: boolean, sut: "CSMS" | "station"): (result: CaseResult) => void {
  const colors = palette(process.stdout);
  return (result) => {
    if (json) return stdoutLine(JSON.stringify(resultEvent(result)));
    const [head, ...detail] = resultLines(result);
    stdoutLine(colors.paint(paint[result.outcome] ?? Color.bold, head));
    for (const line of detail)
      stdoutLine(sut === "CSMS" ? line : line.replace("tool → CSMS", "tool → station").replace("CSMS → tool", "station → tool"));
  };
}

/** The summary, the --junit file and the exit code of a finished run. */
export function finishRun(command: string, run: PreparedRun<ConformanceCase>, results: readonly CaseResult[]): number {
  const summary = summarize(results);
  if (run.json) stdoutLine(JSON.stringify({ event: "summary", ...summary }));
  else {
    stdoutLine("");
    for (const line of summaryLines(summary)) stdoutLine(line);
  }
  const junit = stringOption(run.args, "junit");
  if (junit) {
    try {
      writeFileSync(junit, junitXml(results, `ocppkit ${command}`));
    } catch (error) {
      throw new CliError(
        `ocppkit ${command}: cannot write ${junit}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        ExitCode.Failure,
      );
    }
  }
  return exitCodeOf(results);
}
