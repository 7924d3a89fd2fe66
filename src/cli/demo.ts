/**
 * `ocppkit demo` (and `npm run demo`): an embedded central system and a simulated charger in one
 * process run a full session over a real WebSocket on 127.0.0.1, printed as a timeline.
 */

import { startCentralSystem, versionKits } from "../csms/index.js";
import { connect } from "../index.js";
import { createCharger } from "../station/chargers.js";
import { Reason } from "../v16/index.js";
import { parse, stringOption } from "./args.js";
import { CliError, ExitCode } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import type { Command } from "./command.js";
import { type FrameRecord, stdoutLine, timeline } from "./timeline.js";
import { subprotocolOf, versionOption } from "./versions.js";

const help = `ocppkit demo: a central system and a charge point run a full charging session in one process

Usage: ocppkit demo [--version 1.6] [--json]

Boot, status, authorize, start, meter values, a RemoteStopTransaction sent by the central system,
stop (in 2.0.1 and 2.1: TransactionEvent Started, Updated, Ended and RequestStopTransaction); printed as a timeline (who sent what, key fields, latency) and a summary. Exits 0 when the
session completed.

Options:
  --version <v>   OCPP version: 1.6 (default), 2.0.1 or 2.1
  --json          one JSON object per frame and line, then a summary object
  -h, --help      this help

Examples:
  ocppkit demo
  ocppkit demo --version 2.0.1
  ocppkit demo --json | jq -c 'select(.type == "CALL") | .action'
`;

const idTag = "RFID-0001";
// A session that has not completed by then is broken; the demo must never hang.
const demoTimeoutMs = 20_000;

async function run(argv: readonly string[]): Promise<number> {
  const args = parse("demo", argv, { version: { type: "string" } });
  if (args.values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  const version = versionOption("demo", stringOption(args, "version"));
  const json = args.values.json === true;
  const colors = palette(process.stdout);
  const { paint } = colors;
  const records: FrameRecord[] = [];
  const log = timeline({ side: "charge point", json, palette: colors, write: stdoutLine, onRecord: (r) => records.push(r) });
  const say = (text: string) => {
    if (!json) stdoutLine(paint(Color.yellow, text));
  };

  const started = performance.now();
  const centralSystem = await startCentralSystem({ host: "127.0.0.1", port: 0, versions: [version], logger: {} });
  const id = "CP-DEMO-1";
  let stopped: (transactionId: number | string) => void = () => {};
  const sessionEnded = new Promise<number | string>((resolve) => {
    stopped = resolve;
  });
  const charger = createCharger(version, {
    id,
    connectors: 1,
    meterIntervalS: 0,
    logger: log,
    onEvent: (event) => {
      if (event.kind === "stopped" && event.transactionId !== undefined) stopped(event.transactionId);
    },
  });
  const timeout = setTimeout(() => {
    console.error(`ocppkit demo: the session did not complete within ${demoTimeoutMs / 1000} s`);
    process.exit(ExitCode.Failure);
  }, demoTimeoutMs);
  timeout.unref();
  try {
    say(`OCPP ${version} central system listening on ${centralSystem.url}; charge point ${id} connecting\n`);
    const connection = await connect(`${centralSystem.url}/${id}`, { protocols: [subprotocolOf(version)] });
    const peer = charger.attach(connection);
    const running = peer.start();
    await charger.boot();
    const transactionId = await charger.startSession(1, idTag, true);
    if (transactionId === undefined) throw new CliError("ocppkit demo: the central system did not start the transaction", ExitCode.Failure);
    const meterStart = charger.connector(1)?.meterWh ?? 0;
    for (const minutes of [15, 15]) {
      charger.fastForward(1, minutes);
      await charger.sendMeterValues(1);
    }
    // The central system ends the session: RemoteStopTransaction in 1.6, RequestStopTransaction in 2.x.
    const stopAction = version === "1.6" ? "RemoteStopTransaction" : "RequestStopTransaction";
    say(`\ncentral system: sending ${stopAction} to end the session\n`);
    const session = centralSystem.sessions.get(id);
    if (!session) throw new CliError(`ocppkit demo: the central system has no session for ${id}`, ExitCode.Failure);
    const Stop = versionKits[version].calls[stopAction];
    const remote = (await session.call(new Stop({ transactionId } as never) as never, { suppress: false })) as { status?: string };
    if (remote.status !== "Accepted") throw new CliError(`ocppkit demo: ${stopAction} was ${remote.status}`, ExitCode.Failure);
    await sessionEnded;
    const energyWh = (charger.connector(1)?.meterWh ?? 0) - meterStart;
    if (charger.connector(1)?.status !== "Available") await charger.stopSession(1, Reason.Local);
    charger.detach();
    peer.close(1000, "demo done");
    await running;

    const calls = records.filter((r) => r.type === "CALL");
    const latencies = records.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs])).sort((a, b) => a - b);
    const errors = records.filter((r) => r.type === "CALLERROR").length;
    const summary = {
      event: "summary",
      ocppVersion: version,
      transactionId,
      energyWh,
      callsFromChargePoint: calls.filter((r) => r.from === "chargePoint").length,
      callsFromCentralSystem: calls.filter((r) => r.from === "centralSystem").length,
      errors,
      latencyMs: { p50: latencies[Math.floor(latencies.length / 2)] ?? 0, max: latencies.at(-1) ?? 0 },
      durationMs: Math.round(performance.now() - started),
    };
    if (json) {
      stdoutLine(JSON.stringify(summary));
    } else {
      stdoutLine(
        `\n${paint(Color.green, "✓ demo complete")}: transaction ${transactionId} charged ${energyWh} Wh; ` +
          `${summary.callsFromChargePoint} calls from the charge point, ${summary.callsFromCentralSystem} from the central system, ` +
          `${errors} errors; latency p50 ${summary.latencyMs.p50} ms, max ${summary.latencyMs.max} ms; ${summary.durationMs} ms in all`,
      );
    }
    return errors === 0 ? ExitCode.Ok : ExitCode.Failure;
  } finally {
    clearTimeout(timeout);
    charger.detach();
    await centralSystem.close();
  }
}

export const demo: Command = { name: "demo", summary: "a central system and a charge point run a full session in one process", help, run };
