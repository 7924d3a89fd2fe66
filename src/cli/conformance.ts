/**
 * `ocppkit conformance csms <url>`: the OCPP 2.0.1 part 6 test cases of a CSMS, with ocppkit playing the
 * charging station. This file parses arguments and prints; the runner is ocppkit/conformance.
 */
import { readFileSync } from "node:fs";
import { type ConformanceConfig, type CsmsCase, csmsCases, promptTrigger, runCsms } from "../conformance/index.js";
import { basicAuthOption, type Parsed, stringOption, urlArgument } from "./args.js";
import { ExitCode, usageError } from "./cli-errors.js";
import { palette } from "./colors.js";
import type { Command } from "./command.js";
import { chooseTrigger, type DirectionCli, finishRun, prepareRun, resultPrinter } from "./conformance-common.js";
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

const command = "conformance csms";

function tlsOverrides(raw: string | undefined): Partial<ConformanceConfig> {
  if (raw === undefined) return {};
  const [ca, cert, key, ...rest] = raw.split(",");
  if (!ca || rest.length || (cert === undefined) !== (key === undefined) || cert === "" || key === "") {
    throw usageError(command, `--tls must be ca.pem or ca.pem,cert.pem,key.pem, got '${raw}'`);
  }
  return { tls: { ca, cert, key }, ...(cert ? { securityProfile: 3 } : {}) };
}

const csmsCli: DirectionCli<CsmsCase> = {
  command,
  help,
  options: {},
  positionals: 1,
  cases: csmsCases,
  overrides(args: Parsed) {
    const auth = basicAuthOption(command, stringOption(args, "auth"));
    const id = stringOption(args, "id");
    const tls = tlsOverrides(stringOption(args, "tls"));
    return {
      ...(id ? { stationId: id } : {}),
      ...tls,
      ...(auth ? { basicAuthPassword: auth.password, securityProfile: tls.tls ? 2 : 1 } : {}),
    };
  },
};

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
  const prepared = prepareRun(csmsCli, rest);
  if (typeof prepared === "number") return prepared;
  const { config, cases, json } = prepared;
  const url = urlArgument(command, prepared.args.positionals[0]).href;
  const trigger = chooseTrigger(prepared, () => promptTrigger(stdoutLine), config.tls?.ca ? readFileSync(config.tls.ca) : undefined);
  if (!json) stdoutLine(`ocppkit conformance: ${cases.length} TC_*_CSMS case(s) against ${url} as ${config.stationId}`);
  // --json frames follow the CLI's frame records (timeline.ts), each with the case it belongs to.
  let frameCase = "";
  const frameLog = json
    ? timeline({
        side: "charge point",
        json: true,
        palette: palette(process.stdout),
        write: (line) => stdoutLine(`{"case":${JSON.stringify(frameCase)},${line.slice(1)}`),
      })
    : undefined;
  const results = await runCsms({
    url,
    config,
    cases,
    trigger,
    onFrame: frameLog
      ? (caseId, frame, stationId) => {
          frameCase = caseId;
          frameLog.frame?.(stationId, frame.from === "tool" ? "out" : "in", frame.text);
        }
      : undefined,
    onResult: resultPrinter(json, "CSMS"),
  });
  return finishRun(command, prepared, results);
}

export const conformance: Command = {
  name: "conformance",
  summary: "run the OCPP 2.0.1 part 6 test cases against a CSMS (csms) or a charging station (cs)",
  help,
  run,
};
