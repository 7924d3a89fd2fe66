/**
 * `ocppkit conformance csms <url>`: the OCPP 2.0.1 part 6 test cases of a CSMS, with ocppkit playing the
 * charging station. This file parses arguments and prints; the runner is ocppkit/conformance.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import {
  type CaseResult,
  type ConformanceConfig,
  ConformanceError,
  csmsCases,
  exampleConfigText,
  exitCodeOf,
  junitXml,
  notApplicable,
  parseConfigText,
  promptTrigger,
  resolveConfig,
  resultEvent,
  resultLines,
  runCsms,
  selectCases,
  summarize,
  summaryLines,
  type Trigger,
  triggerOption,
} from "../conformance/index.js";
import { basicAuthOption, parse, readTextFile, stringOption, urlArgument } from "./args.js";
import { CliError, ExitCode, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import type { Command } from "./command.js";
import { csHelp, runConformanceCs } from "./conformance-cs.js";
import { stdoutLine, timeline } from "./timeline.js";

const help = `ocppkit conformance: the OCPP 2.0.1 test cases of part 6 (Core and Advanced Security)

Usage: ocppkit conformance csms <url> [--id <station id>] [--auth basic:user:pass] [--tls ca.pem[,cert.pem,key.pem]]
                                [--config conformance.json] [--cases TC_B_*,TC_E_01_CSMS] [--trigger <cmd|url>]
                                [--list] [--junit report.xml] [--json]
       ocppkit conformance csms --init [--config conformance.json]

ocppkit connects to the CSMS at <url>/<station id> as a charging station (OCPP 2.0.1) and runs the
selected TC_*_CSMS cases, one at a time, each from a clean connection. Where part 6 says
"Manual Action: request the CSMS to ...", the CSMS must act: on a terminal ocppkit prints what to do
and waits; unattended, --trigger starts it; with neither the case is "needs action".

Options:
  --id <id>             the station identity (default: the config's stationId)
  --auth <basic:u:p>    HTTP Basic credentials (security profile 1, or 2 with wss://)
  --tls <ca[,cert,key]> PEM files: the CA to trust; with a certificate and key, security profile 3
  --config <file>       the <Configured ...> values (JSON with // comments); --init writes an example
  --init                write a commented example config (to --config, default conformance.json) and exit
  --cases <list>        case ids or patterns, comma-separated: TC_B_*,TC_E_01_CSMS (default: all)
  --trigger <cmd|url>   how to make the CSMS act: an http(s):// URL is the base of
                        POST <url>/<version>/<station>/<action> with the payload as JSON body;
                        anything else is a shell command run with OCPPKIT_CASE, OCPPKIT_STATION,
                        OCPPKIT_VERSION, OCPPKIT_ACTION, OCPPKIT_PAYLOAD (JSON), OCPPKIT_INSTRUCTION
  --list                list the cases (with "not applicable" reasons for this config) and exit
  --junit <file>        also write a JUnit XML report
  --json                one JSON object per line: frames (as the other commands print them, with "case"),
                        a result event per case, then a summary
  -h, --help            this help

Results per case: pass, fail (with the step, the check, expected vs received and the frames around it),
needs action, not applicable (a feature the config's "features" does not claim), error.
Exit code: 0 only if every selected case passed or was not applicable; 1 otherwise.

Examples:
  ocppkit conformance csms --init
  ocppkit conformance csms ws://127.0.0.1:9000 --config conformance.json
  ocppkit conformance csms wss://csms.example.com/ocpp --auth basic:CS1:secret --trigger http://127.0.0.1:9001/control
  ocppkit conformance csms ws://127.0.0.1:9000 --cases 'TC_B_*' --trigger ./trigger.sh --junit report.xml
`;

const options = {
  id: { type: "string" },
  auth: { type: "string" },
  tls: { type: "string" },
  config: { type: "string" },
  init: { type: "boolean" },
  cases: { type: "string" },
  trigger: { type: "string" },
  list: { type: "boolean" },
  junit: { type: "string" },
} as const;

const command = "conformance csms";

function loadConfig(path: string | undefined, overrides: Partial<ConformanceConfig>): ConformanceConfig {
  try {
    const given = path === undefined ? {} : parseConfigText(readTextFile(command, path, "the config"), path);
    return resolveConfig({ ...given, ...overrides }, path ?? "the options");
  } catch (error) {
    if (error instanceof ConformanceError) throw usageError(command, error.message);
    throw error;
  }
}

function tlsOverrides(raw: string | undefined): Partial<ConformanceConfig> {
  if (raw === undefined) return {};
  const [ca, cert, key, ...rest] = raw.split(",");
  if (!ca || rest.length || (cert === undefined) !== (key === undefined) || cert === "" || key === "") {
    throw usageError(command, `--tls must be ca.pem or ca.pem,cert.pem,key.pem, got '${raw}'`);
  }
  return { tls: { ca, cert, key }, ...(cert ? { securityProfile: 3 } : {}) };
}

async function run(argv: readonly string[]): Promise<number> {
  const [direction, ...rest] = argv;
  if (direction === undefined || direction === "--help" || direction === "-h") {
    process.stdout.write(`${help}\n${csHelp}`);
    return ExitCode.Ok;
  }
  if (direction === "cs") return runConformanceCs(rest);
  if (direction !== "csms") {
    throw usageError(
      "conformance",
      `unknown direction '${direction}': 'csms' tests a CSMS (ocppkit plays the charging station), 'cs' tests a charging station (ocppkit plays the CSMS)`,
    );
  }
  const args = parse(command, rest, options, 1);
  if (args.values.help) {
    process.stdout.write(help);
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
  const auth = basicAuthOption(command, stringOption(args, "auth"));
  const id = stringOption(args, "id");
  const tls = tlsOverrides(stringOption(args, "tls"));
  const overrides: Partial<ConformanceConfig> = {
    ...(id ? { stationId: id } : {}),
    ...tls,
    ...(auth ? { basicAuthPassword: auth.password, securityProfile: tls.tls ? 2 : 1 } : {}),
  };
  const config = loadConfig(configPath, overrides);
  let cases: ReturnType<typeof selectCases>;
  try {
    cases = selectCases(
      csmsCases,
      stringOption(args, "cases")
        ?.split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    );
  } catch (error) {
    throw usageError(command, (error as Error).message);
  }
  if (args.values.list) {
    for (const kase of cases) {
      const skip = notApplicable(kase, config);
      if (json)
        stdoutLine(
          JSON.stringify({ event: "case", id: kase.id, name: kase.name, block: kase.block, useCases: kase.useCases, notApplicable: skip }),
        );
      else stdoutLine(`${kase.id.padEnd(14)} ${kase.name}${skip ? `  (not applicable: ${skip})` : ""}`);
    }
    return ExitCode.Ok;
  }
  const url = urlArgument(command, args.positionals[0]).href;
  const colors = palette(process.stdout);
  const triggerValue = stringOption(args, "trigger");
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const ca = config.tls?.ca ? readFileSync(config.tls.ca) : undefined;
  const trigger: Trigger | undefined = triggerValue
    ? triggerOption(triggerValue, ca)
    : interactive && !json
      ? promptTrigger(stdoutLine)
      : undefined;
  const paint: Record<string, Color> = {
    pass: Color.green,
    fail: Color.red,
    error: Color.red,
    "needs action": Color.yellow,
    "not applicable": Color.dim,
  };

  if (!json) stdoutLine(`ocppkit conformance: ${cases.length} TC_*_CSMS case(s) against ${url} as ${config.stationId}`);
  // --json frames follow the CLI's frame records (timeline.ts), each with the case it belongs to.
  let frameCase = "";
  const frameLog = json
    ? timeline({
        side: "charge point",
        json: true,
        palette: colors,
        write: (line) => stdoutLine(`{"case":${JSON.stringify(frameCase)},${line.slice(1)}`),
      })
    : undefined;
  const frames = frameLog
    ? (caseId: string, stationId: string, direction: "in" | "out", text: string) => {
        frameCase = caseId;
        frameLog.frame?.(stationId, direction, text);
      }
    : undefined;
  const results: CaseResult[] = await runCsms({
    url,
    config,
    cases,
    trigger,
    onFrame: frames ? (caseId, frame, stationId) => frames(caseId, stationId, frame.from === "tool" ? "out" : "in", frame.text) : undefined,
    onResult: (result) => {
      if (json) return stdoutLine(JSON.stringify(resultEvent(result)));
      const [head, ...detail] = resultLines(result);
      stdoutLine(colors.paint(paint[result.outcome] ?? Color.bold, head));
      for (const line of detail) stdoutLine(line);
    },
  });
  const summary = summarize(results);
  if (json) stdoutLine(JSON.stringify({ event: "summary", ...summary }));
  else {
    stdoutLine("");
    for (const line of summaryLines(summary)) stdoutLine(line);
  }
  const junit = stringOption(args, "junit");
  if (junit) {
    try {
      writeFileSync(junit, junitXml(results));
    } catch (error) {
      throw new CliError(
        `ocppkit ${command}: cannot write ${junit}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        ExitCode.Failure,
      );
    }
  }
  return exitCodeOf(results);
}

export const conformance: Command = {
  name: "conformance",
  summary: "run the OCPP 2.0.1 part 6 test cases against a CSMS (csms) or a charging station (cs)",
  help,
  run,
};
