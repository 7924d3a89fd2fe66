/**
 * `ocppkit conformance cs`: the OCPP 2.0.1 part 6 TC_*_CS cases of a charging station, with ocppkit
 * listening as the CSMS. This file parses arguments and prints; the runner is ocppkit/conformance.
 */
import { readFileSync } from "node:fs";
import { type CaseResult, type CsCase, csCases, runCs, type Trigger } from "../conformance/index.js";
import { basicAuthOption, intOption, type Parsed, stringOption } from "./args.js";
import { CliError, ExitCode, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import { chooseTrigger, type DirectionCli, finishRun, prepareRun, resultPrinter } from "./conformance-common.js";
import { stdoutLine } from "./timeline.js";

export const csHelp = `Usage: ocppkit conformance cs [--port 9000] [--host 127.0.0.1] [--id <station id>] [--auth basic:<id>:<password>]
                              [--tls key.pem,cert.pem[,ca.pem]] [--upgrade-tls key.pem,cert.pem[,ca.pem]]
                              [--new-root-tls key.pem,cert.pem]
                              [--config conformance.json] [--cases TC_B_*]
                              [--trigger <cmd|url>] [--wait 300] [--list] [--junit report.xml] [--json]
       ocppkit conformance cs --init [--config conformance.json]

ocppkit listens as the CSMS and prints the URL the station must connect to (ws://host:port/<id>).
When the station with the expected id connects and boots, the selected TC_*_CS cases run on it, one at
a time; other ids are refused with 404, and one station is tested at a time. Where part 6 says
"Manual Action" at the station (power cycle, plug in, present an idToken, unplug), ocppkit asks: on a
terminal by a prompt, unattended by --trigger; with neither the case is "needs action".

Options:
  --port <n>            port to listen on (default 9000; 0 picks a free one)
  --host <addr>         address to listen on (default 127.0.0.1)
  --id <id>             the station identity expected (default: the config's stationId)
  --auth <basic:id:pw>  require HTTP Basic auth with this password (security profile 1, or 2 with --tls)
  --tls <key,cert[,ca]> serve wss:// with this PEM key and certificate; with a CA, require client certificates (profile 3)
  --upgrade-tls <key,cert[,ca]>
                        TC_A_19: a second wss:// endpoint one security profile higher, which the station is
                        moved to: without a CA profile 2 (with --auth's password), with one profile 3
  --new-root-tls <key,cert>
                        TC_B_50, TC_M_30 (AdditionalRootCertificateCheck): the server key and certificate of the
                        config's certificates.newCSMSRootCertificate, served once a case moves to the new root
  --config <file>       the <Configured ...> values and the features the station claims; --init writes an example
  --cases <list>        case ids or patterns, comma-separated (default: all TC_*_CS cases)
  --trigger <cmd|url>   physical actions: an http(s):// URL is the base of POST <url>/2.0.1/<station>/<action>
                        with the parameters as JSON (ocppkit charge-point --control speaks it); anything else is
                        a shell command run with OCPPKIT_CASE, OCPPKIT_STATION, OCPPKIT_VERSION, OCPPKIT_ACTION
                        (PowerCycle, PlugIn, PresentIdToken, Unplug, DriveIn, DriveOut, EVSideDisconnect,
                        EVSideReconnect, EVSuspend, EVResume), OCPPKIT_PAYLOAD (JSON), OCPPKIT_INSTRUCTION
  --wait <s>            seconds to wait for the station's first connection and boot (default 300)
  --list                list the cases (with "not applicable" reasons for this config) and exit
  --junit <file>        also write a JUnit XML report
  --json                one JSON object per line: station events, frames, a result per case, a summary

Exit code: 0 only if every selected case passed or was not applicable; 1 otherwise.

Example (the ocppkit simulator as the station under test):
  ocppkit conformance cs --port 9000 --id CS1 --trigger http://127.0.0.1:9100 &
  ocppkit charge-point ws://127.0.0.1:9000 --id CS1 --version 2.0.1 --control 9100
`;

const command = "conformance cs";

/** On a terminal: prints what to do at the station; the case then waits for the station's messages. */
function promptAction(write: (line: string) => void): Trigger {
  return async (request) => {
    write(
      `\n>>> ${request.caseId}: ${request.instruction} (${request.action} ${JSON.stringify(request.payload)}); waiting for the station…`,
    );
  };
}

const csCli: DirectionCli<CsCase> = {
  command,
  help: csHelp,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    wait: { type: "string" },
    "upgrade-tls": { type: "string" },
    "new-root-tls": { type: "string" },
  },
  positionals: 0,
  cases: csCases,
  overrides: (args: Parsed) => {
    const id = stringOption(args, "id");
    return id ? { stationId: id } : {};
  },
  check(args, config) {
    const auth = basicAuthOption(command, stringOption(args, "auth"));
    return auth && auth.username !== config.stationId ? `--auth's user must be the station id ${config.stationId}` : undefined;
  },
};

/** `--tls` / `--upgrade-tls`: key.pem,cert.pem[,ca.pem] read from disk; with a CA, client certificates are required. */
function serverTls(name: string, raw: string | undefined): { key: Buffer; cert: Buffer; ca?: Buffer; requestCert?: boolean } | undefined {
  if (raw === undefined) return undefined;
  const [key, cert, ca, ...rest] = raw.split(",");
  if (!key || !cert || rest.length)
    throw usageError(command, `--${name} must be key.pem,cert.pem or key.pem,cert.pem,ca.pem, got '${raw}'`);
  const read = (file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw usageError(command, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return { key: read(key), cert: read(cert), ...(ca ? { ca: read(ca), requestCert: true } : {}) };
}

export async function runConformanceCs(argv: readonly string[]): Promise<number> {
  const prepared = prepareRun(csCli, argv);
  if (typeof prepared === "number") return prepared;
  const { args, config, cases, json } = prepared;
  const tls = serverTls("tls", stringOption(args, "tls"));
  const auth = basicAuthOption(command, stringOption(args, "auth"));
  const upgradeTls = serverTls("upgrade-tls", stringOption(args, "upgrade-tls"));
  const upgrade = upgradeTls ? { tls: upgradeTls, basicAuth: upgradeTls.ca === undefined && auth !== undefined } : undefined;
  const newRootTls = serverTls("new-root-tls", stringOption(args, "new-root-tls"));
  const port = intOption(command, args, "port", 9000, 0, 65_535);
  const waitForStationS = intOption(command, args, "wait", 300, 1, 86_400);
  const trigger = chooseTrigger(prepared, () => promptAction(stdoutLine));
  const colors = palette(process.stdout);
  let results: CaseResult[];
  try {
    results = await runCs({
      config,
      cases,
      host: stringOption(args, "host") ?? "127.0.0.1",
      port,
      tls,
      upgrade,
      newRootTls: newRootTls && { key: newRootTls.key, cert: newRootTls.cert },
      password: auth?.password,
      trigger,
      waitForStationS,
      onListening: (url) =>
        json
          ? stdoutLine(JSON.stringify({ event: "listening", url }))
          : stdoutLine(`ocppkit conformance: ${cases.length} TC_*_CS case(s); connect the station to ${url}`),
      onStation: (event) => stdoutLine(json ? JSON.stringify(event) : colors.paint(Color.dim, event.detail)),
      onFrame: json ? (caseId, frame) => stdoutLine(JSON.stringify({ event: "frame", case: caseId, ...frame })) : undefined,
      onResult: resultPrinter(json, "station"),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new CliError(`ocppkit ${command}: port ${port} is in use; choose another --port`, ExitCode.Failure);
    throw error;
  }
  return finishRun(command, prepared, results);
}
