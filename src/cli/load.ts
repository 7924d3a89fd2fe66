/**
 * `ocppkit load <url>`: many simulated chargers at once. Each connects (ramped at --rate per second),
 * boots, and then cycles through a charging session (Authorize, StartTransaction, MeterValues,
 * Heartbeat, StopTransaction) with --interval seconds between steps, until --duration is over. A live
 * progress line shows connected chargers, calls/s, errors and p50/p99 latency; a report ends the run.
 */
import { connect, NotConnectedError, type ReconnectingConnection } from "../index.js";
import { type AnyCharger, createCharger } from "../station/chargers.js";
import { Reason } from "../v16/index.js";
import { intOption, numberOption, parse, stringOption, urlArgument } from "./args.js";
import { chargerUrl, connectOptions } from "./charge-point.js";
import { CliError, ExitCode, oneLine, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import type { Command } from "./command.js";
import { explainConnectError } from "./connect-error.js";
import { type ReconnectReport, ReconnectStats } from "./load-reconnect.js";
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

/** Latencies in ms, kept in a growable typed array (no per-sample object). */
class Samples {
  #values = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = value;
  }
  /** Percentiles (0-100), nearest rank, rounded to 0.1 ms. */
  percentiles(...ps: number[]): number[] {
    if (this.length === 0) return ps.map(() => 0);
    const sorted = this.#values.slice(0, this.length).sort();
    return ps.map((p) => Math.round(sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length) - 1))] * 10) / 10);
  }
  clear(): void {
    this.length = 0;
  }
}

const steps = ["start", "meter", "meter", "heartbeat", "meter", "stop"] as const;

async function run(argv: readonly string[]): Promise<number> {
  const args = parse("load", argv, options, 64);
  if (args.values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  const bases = (args.positionals.length ? args.positionals : [undefined]).map((raw) => urlArgument("load", raw));
  const baseOf = (index: number) => bases[index % bases.length];
  const count = intOption("load", args, "count", 100, 1, 50_000);
  const rate = numberOption("load", args, "rate", 50, 0.1, 100_000);
  const durationS = numberOption("load", args, "duration", 30, 1, 86_400);
  const intervalS = numberOption("load", args, "interval", 1, 0.01, 3_600);
  const prefix = stringOption(args, "id-prefix") ?? "LOAD-";
  if (!/^[\x21-\x7e]{0,40}$/.test(prefix))
    throw usageError("load", `--id-prefix must be printable characters without spaces, got '${prefix}'`);
  const version = versionOption("load", stringOption(args, "version"));
  const json = args.values.json === true;
  const reconnect = args.values.reconnect === true;
  const reconnects = new ReconnectStats();
  let lostInFlight = 0;
  const subprotocol = subprotocolOf(version);
  const connection = connectOptions("load", args.values, subprotocol);
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(Math.max(5, String(count).length), "0")}`);

  const startedAt = performance.now();
  const deadline = startedAt + durationS * 1000;
  const all = new Samples();
  const window = new Samples();
  let calls = 0;
  let windowCalls = 0;
  let errors = 0;
  let connected = 0;
  let everConnected = 0;
  let connectFailures = 0;
  let disconnects = 0;
  const errorKinds = new Map<string, number>();
  const onCall = (action: string, latencyMs: number, error?: unknown) => {
    calls++;
    windowCalls++;
    if (error === undefined) {
      all.push(latencyMs);
      window.push(latencyMs);
      return;
    }
    if (reconnect && error instanceof NotConnectedError) {
      lostInFlight++;
      return;
    }
    errors++;
    const kind = `${action}: ${oneLine(error)}`.slice(0, 160);
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  };

  const chargers: AnyCharger[] = [];
  const stopping = { value: false };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  async function runCharger(id: string, base: URL): Promise<void> {
    const auth = connection.auth && { ...connection.auth, username: connection.auth.username.replaceAll("{id}", id) };
    let socket: Awaited<ReturnType<typeof connect>> | ReconnectingConnection;
    try {
      if (reconnect) {
        const link = await reconnects.open(chargerUrl(base, id), { ...connection, auth }, deadline);
        if (!link) throw new Error(`no connection within the run's --duration`);
        link.on("state", (change) => {
          if (change.state === "open") connected++;
          else if (change.state === "disconnected" && !change.error) connected--;
        });
        socket = link;
      } else socket = await connect(chargerUrl(base, id), { ...connection, auth });
    } catch (error) {
      connectFailures++;
      const kind = oneLine(explainConnectError("load", chargerUrl(base, id), subprotocol, error)).replace(/^ocppkit load: /, "connect: ");
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
      return;
    }
    connected++;
    everConnected++;
    const charger = createCharger(version, { id, connectors: 1, meterIntervalS: 0, logger: {}, onCall, responseTimeoutMs: 10_000 });
    chargers.push(charger);
    const peer = charger.attach(socket);
    const running = peer.start().then(
      () => undefined,
      () => undefined,
    );
    let open = true;
    running.then(() => {
      open = false;
      if (!reconnect || socket.isOpen) connected--;
      if (!stopping.value) disconnects++;
    });
    try {
      // With --reconnect a boot cut short by a lost link starts again on the next one.
      for (;;) {
        try {
          await charger.boot();
          break;
        } catch (error) {
          if (!reconnect || !open || stopping.value) throw error;
          await sleep(intervalS * 1000);
        }
      }
      let transactionId: number | string | undefined;
      // Spread the chargers' steps over the interval so they do not all call in the same millisecond.
      await sleep(Math.random() * intervalS * 1000);
      for (let step = 0; open && !stopping.value; step = (step + 1) % steps.length) {
        const kind = steps[step];
        try {
          // Offline (--reconnect), a charger skips its steps until the link is back.
          if (!charger.online) step--;
          else if (kind === "start") transactionId = await charger.startSession(1, `TAG-${id}`, true);
          else if (kind === "stop" && transactionId !== undefined) await charger.stopSession(1, Reason.Local);
          else if (kind === "heartbeat") await charger.trigger("Heartbeat", undefined);
          else await charger.sendMeterValues(1);
        } catch (error) {
          if (!reconnect) throw error;
        }
        const left = deadline - performance.now();
        if (left <= 0) break;
        await sleep(Math.min(left, intervalS * 1000));
      }
    } catch {
      // Counted by onCall; a charger whose call failed carries on only if its link is still up.
    }
    charger.detach();
    if (open) peer.close(1000, "load run over");
    await running;
  }

  // One charger alone first, on each URL: a wrong URL or refused credentials is one clear line, not N errors.
  for (let i = 0; i < Math.min(bases.length, count); i++) {
    const probe = await connect(chargerUrl(baseOf(i), ids[i]), {
      ...connection,
      auth: connection.auth && { ...connection.auth, username: connection.auth.username.replaceAll("{id}", ids[i]) },
    }).catch((error: unknown) => {
      throw explainConnectError("load", chargerUrl(baseOf(i), ids[i]), subprotocol, error);
    });
    probe.close(1000, "probe");
  }

  const colors = palette(process.stderr);
  const progressToTty = !json && process.stderr.isTTY === true;
  let lastTick = performance.now();
  const progress = setInterval(() => {
    const now = performance.now();
    const seconds = (now - lastTick) / 1000;
    lastTick = now;
    const [p50, p99] = window.percentiles(50, 99);
    const state = {
      event: "progress",
      elapsedS: Math.round((now - startedAt) / 100) / 10,
      connected,
      callsPerSecond: Math.round(windowCalls / seconds),
      calls,
      errors: errors + connectFailures,
      latencyMs: { p50, p99 },
    };
    window.clear();
    windowCalls = 0;
    if (json) {
      stdoutLine(JSON.stringify(state));
      return;
    }
    const errorText = state.errors ? colors.paint(Color.red, `${state.errors} errors`) : "0 errors";
    const line = `${state.elapsedS.toFixed(1)}s  connected ${connected}/${count}  ${state.callsPerSecond} calls/s  ${errorText}  p50 ${p50} ms  p99 ${p99} ms`;
    process.stderr.write(progressToTty ? `\r\u001b[2K${line}` : `${line}\n`);
  }, 1000);

  const runs: Promise<void>[] = [];
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const due = startedAt + (i / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    runs.push(runCharger(ids[i], baseOf(i)));
  }
  const notStarted = count - runs.length;
  const left = deadline - performance.now();
  if (left > 0) await sleep(left);
  // Taken before the chargers close their links.
  const reconnection: ReconnectReport | undefined = reconnect ? reconnects.report() : undefined;
  stopping.value = true;
  // Every charger finishes its step in flight, bounded by the response timeout.
  await Promise.all(runs);
  clearInterval(progress);
  if (progressToTty) process.stderr.write("\n");

  const elapsedS = (performance.now() - startedAt) / 1000;
  const [p50, p90, p99, max] = all.percentiles(50, 90, 99, 100);
  const report = {
    event: "report",
    chargers: count,
    connected: everConnected,
    notStarted,
    connectFailures,
    disconnects,
    calls,
    errors,
    callsPerSecond: Math.round(calls / elapsedS),
    latencyMs: { p50, p90, p99, max },
    durationS: Math.round(elapsedS * 10) / 10,
    errorKinds: Object.fromEntries([...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 10)),
    ...(reconnection ? { reconnect: { ...reconnection, lostInFlight } } : {}),
  };
  const linksOk = reconnection ? reconnection.down === 0 : disconnects === 0;
  const ok = errors === 0 && connectFailures === 0 && linksOk && notStarted === 0;
  if (json) {
    stdoutLine(JSON.stringify(report));
  } else {
    const lines = [
      `${ok ? colors.paint(Color.green, "✓ load run complete") : colors.paint(Color.red, "✗ load run had failures")} in ${report.durationS} s`,
      `  chargers   ${everConnected}/${count} connected${connectFailures ? `, ${connectFailures} failed to connect` : ""}${notStarted ? `, ${notStarted} not started (duration too short for --rate)` : ""}${disconnects ? `, ${disconnects} dropped` : ""}`,
      `  calls      ${calls} (${report.callsPerSecond}/s), ${errors} failed`,
      `  latency    p50 ${p50} ms, p90 ${p90} ms, p99 ${p99} ms, max ${max} ms`,
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
  if (!ok && errors + connectFailures > 0 && everConnected === 0)
    throw new CliError("ocppkit load: no charger could connect", ExitCode.Connect);
  return ok ? ExitCode.Ok : ExitCode.Failure;
}

export const load: Command = { name: "load", summary: "many simulated chargers with live latency figures", help, run };
