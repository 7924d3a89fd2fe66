/**
 * `ocppkit load <url>`: the arguments of a load run (src/load) and its printing: a live progress line
 * (connected chargers, calls/s, errors, p50/p99 latency) on stderr, the report at the end.
 */
import { LoadProbeError, type LoadProgress, loadSucceeded, runLoad } from "../load/index.js";
import { intOption, numberOption, parse, stringOption, urlArgument } from "./args.js";
import { connectOptions } from "./charge-point.js";
import { CliError, ExitCode, oneLine, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import type { Command } from "./command.js";
import { explainConnectError } from "./connect-error.js";
import { stdoutLine } from "./timeline.js";
import { subprotocolOf, versionOption } from "./versions.js";

const help = `ocppkit load: many simulated chargers against one central system

Usage: ocppkit load <url> [<url>...] [--count 100] [--rate 50] [--duration 30] [--interval 1] [--id-prefix LOAD-]
                          [--version 1.6] [--auth basic:user:pass] [--ca ca.pem] [--reconnect] [--json]

Opens --count connections to <url>/<prefix><n>, --rate new ones per second. Each charger boots,
reports its status, then runs charging sessions step by step (Authorize, StartTransaction,
MeterValues, Heartbeat, StopTransaction), one step every --interval seconds, until --duration
seconds after the start. With several URLs (the nodes of a cluster, or of anything behind no load
balancer) the chargers are spread over them in turn: charger n connects to URL n modulo their number.
A progress line (stderr) shows connected chargers, calls/s, errors and
p50/p99 latency over the last second; the final report gives the totals. Exit code 0 when every
charger connected and no call failed, 1 otherwise.

Options:
  --count <n>         simulated chargers (1 to 50000). Default 100
  --rate <n>          new connections per second. Default 50
  --duration <s>      length of the run in seconds, ramp included (1 to 86400). Default 30
  --interval <s>      seconds between a charger's steps. Default 1
  --id-prefix <text>  charge point ids are <prefix>00001, ... Default LOAD-
  --version <v>       OCPP version: 1.6 (default), 2.0.1 or 2.1
  --auth <basic:u:p>  HTTP Basic credentials; "{id}" in the username becomes each charger's id
  --ca, --cert, --key TLS files as for charge-point
  --reconnect         chargers reconnect when their link is lost (back-off of OCPP 2.0.1 part 4
                      section 5.3), as real ones do: restart the central system during the run and
                      the report shows how they came back (lost, back, down, seconds after the loss).
                      Steps wait while a charger is offline; calls lost with a link are not errors
  --json              progress and report as JSON objects, one per line, on stdout
  -h, --help          this help

Examples:
  ocppkit load ws://127.0.0.1:9000 --count 1000 --rate 200 --duration 60
  ocppkit load ws://127.0.0.1:9000 --count 50 --duration 5 --json | tail -1
  ocppkit load ws://10.0.0.1:9000 ws://10.0.0.2:9000 ws://10.0.0.3:9000 --count 3000
`;

const options = {
  count: { type: "string" },
  rate: { type: "string" },
  duration: { type: "string" },
  interval: { type: "string" },
  "id-prefix": { type: "string" },
  version: { type: "string" },
  auth: { type: "string" },
  ca: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  reconnect: { type: "boolean" },
} as const;

async function run(argv: readonly string[]): Promise<number> {
  const args = parse("load", argv, options, 64);
  if (args.values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  const urls = (args.positionals.length ? args.positionals : [undefined]).map((raw) => urlArgument("load", raw));
  const count = intOption("load", args, "count", 100, 1, 50_000);
  const idPrefix = stringOption(args, "id-prefix") ?? "LOAD-";
  if (!/^[\x21-\x7e]{0,40}$/.test(idPrefix))
    throw usageError("load", `--id-prefix must be printable characters without spaces, got '${idPrefix}'`);
  const version = versionOption("load", stringOption(args, "version"));
  const subprotocol = subprotocolOf(version);
  const json = args.values.json === true;
  const colors = palette(process.stderr);
  const progressToTty = !json && process.stderr.isTTY === true;

  const printProgress = (state: LoadProgress) => {
    if (json) {
      stdoutLine(JSON.stringify(state));
      return;
    }
    const errorText = state.errors ? colors.paint(Color.red, `${state.errors} errors`) : "0 errors";
    const { p50, p99 } = state.latencyMs;
    const line = `${state.elapsedS.toFixed(1)}s  connected ${state.connected}/${count}  ${state.callsPerSecond} calls/s  ${errorText}  p50 ${p50} ms  p99 ${p99} ms`;
    process.stderr.write(progressToTty ? `\r\u001b[2K${line}` : `${line}\n`);
  };

  const report = await runLoad({
    urls,
    count,
    ratePerS: numberOption("load", args, "rate", 50, 0.1, 100_000),
    durationS: numberOption("load", args, "duration", 30, 1, 86_400),
    intervalS: numberOption("load", args, "interval", 1, 0.01, 3_600),
    idPrefix,
    version,
    connection: connectOptions("load", args.values, subprotocol),
    reconnect: args.values.reconnect === true,
    describeConnectError: (url, error) => oneLine(explainConnectError("load", url, subprotocol, error)).replace(/^ocppkit load: /, ""),
    onProgress: printProgress,
  }).catch((error: unknown) => {
    throw error instanceof LoadProbeError ? explainConnectError("load", error.url, subprotocol, error.cause) : error;
  });
  if (progressToTty) process.stderr.write("\n");

  const ok = loadSucceeded(report);
  if (json) {
    stdoutLine(JSON.stringify(report));
  } else {
    const { connected, connectFailures, notStarted, disconnects, latencyMs: latency, reconnect: reconnection } = report;
    const lines = [
      `${ok ? colors.paint(Color.green, "✓ load run complete") : colors.paint(Color.red, "✗ load run had failures")} in ${report.durationS} s`,
      `  chargers   ${connected}/${count} connected${connectFailures ? `, ${connectFailures} failed to connect` : ""}${notStarted ? `, ${notStarted} not started (duration too short for --rate)` : ""}${disconnects ? `, ${disconnects} dropped` : ""}`,
      `  calls      ${report.calls} (${report.callsPerSecond}/s), ${report.errors} failed`,
      `  latency    p50 ${latency.p50} ms, p90 ${latency.p90} ms, p99 ${latency.p99} ms, max ${latency.max} ms`,
      ...(reconnection
        ? [
            `  reconnect  ${reconnection.lost} links lost, ${reconnection.back} back, ${reconnection.down} down at the end; back after p50 ${reconnection.afterMs.p50} ms, p99 ${reconnection.afterMs.p99} ms, max ${reconnection.afterMs.max} ms`,
            `             per second after the loss: ${reconnection.perSecond.join(" ")}`,
          ]
        : []),
      ...Object.entries(report.errorKinds).map(([kind, n]) => `  ${n} x ${kind}`),
    ];
    stdoutLine(lines.join("\n"));
  }
  if (!ok && report.errors + report.connectFailures > 0 && report.connected === 0)
    throw new CliError("ocppkit load: no charger could connect", ExitCode.Connect);
  return ok ? ExitCode.Ok : ExitCode.Failure;
}

export const load: Command = { name: "load", summary: "many simulated chargers with live latency figures", help, run };
