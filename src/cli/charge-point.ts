/**
 * `ocppkit charge-point <url>`: one simulated charger. Boots, heartbeats, reports its connectors,
 * answers every central-system command (RemoteStart/Stop start and stop a session whose meter rises),
 * reconnects when the connection drops, and takes `start` / `stop` on stdin.
 */
import { createInterface } from "node:readline";
import { type ConnectOptions, connect, ReconnectingConnection } from "../index.js";
import { chargerUrl } from "../station/charger-url.js";
import { createCharger } from "../station/chargers.js";
import { startChargerControl } from "../station/control-endpoint.js";
import { parseFirmwareVariant } from "../station/firmware.js";
import { SimulatedCharger2 } from "../station/simulated-charger-2.js";
import { Reason } from "../v16/index.js";
import { basicAuthOption, intOption, numberOption, parse, readTextFile, stringOption, urlArgument } from "./args.js";
import { runReconnecting } from "./charge-point-link.js";
import { CliError, ExitCode, oneLine, usageError } from "./cli-errors.js";
import { palette } from "./colors.js";
import type { Command } from "./command.js";
import { explainConnectError } from "./connect-error.js";
import { eventLog, withEventWarnings } from "./event-log.js";
import { stdoutLine, timeline } from "./timeline.js";
import { subprotocolOf, versionOption } from "./versions.js";

const help = `ocppkit charge-point: a simulated charger

Usage: ocppkit charge-point <url> [--id CP1] [--version 1.6] [--connectors 2] [--meter-interval 10]
                                  [--auth basic:user:pass] [--ca ca.pem] [--cert cert.pem --key key.pem]
                                  [--power 11000] [--queue-dir dir] [--ping-interval 30] [--no-reconnect] [--json]

Connects to <url>/<id> (or to <url> as given when it already ends with the id), sends
BootNotification, a StatusNotification per connector, heartbeats at the interval the central system
gives, and answers every central-system command. RemoteStartTransaction starts a session whose meter
rises with MeterValues every --meter-interval seconds; RemoteStopTransaction ends it.

It keeps connecting until it is stopped: a first connection that fails for a network reason
(refused, unreachable, reset, timed out, DNS) is retried like a lost link, with the back-off of OCPP
2.0.1 part 4 section 5.3 (1 s plus up to 2 s at random, doubling 5 times). Meanwhile it works
offline: StartTransaction, MeterValues and StopTransaction (2.x: TransactionEvent) wait in the
offline queue and are delivered in order once the link is up (a transaction started offline gets its
id then). What retrying cannot fix exits at once: HTTP 401/403 (exit 4), another HTTP refusal, a
certificate that does not verify, no agreed subprotocol (exit 3). On stdin:

  start [connector] [idTag]   plug in and start a session (Authorize, StartTransaction)
  stop [connector]            end the session (StopTransaction, reason Local)

Options:
  --id <id>               charge point identity. Default CP1
  --version <v>           OCPP version: 1.6 (default), 2.0.1 or 2.1
  --connectors <n>        number of connectors. Default 2
  --meter-interval <s>    seconds between MeterValues while charging; 0 sends none. Default 10
  --power <W>             charging power of the simulated car. Default 11000
  --auth <basic:u:p>      HTTP Basic credentials (security profiles 1 and 2)
  --ca <file>             PEM CA to trust for wss://
  --cert, --key <file>    PEM client certificate and key (security profile 3)
  --additional-root-certificate-check
                          (2.0.1 / 2.1) SecurityCtrlr.AdditionalRootCertificateCheck true: --ca is the one
                          CSMS root, replaced only by a root it signed, kept as the fallback until the
                          station connected with the new one (M05)
  --control <port>        (2.0.1 / 2.1) physical actions over HTTP on 127.0.0.1:<port>: POST
                          /<version>/<id>/<PowerCycle|PlugIn|PresentIdToken|Unplug|DriveIn|DriveOut|
                          EVSideDisconnect|EVSideReconnect|EVSuspend|EVResume|SelectStop> with a JSON body
                          ({"evseId":1,"idToken":{...}}; evseId 0: the station's own reader); the
                          trigger of ocppkit conformance cs
  --firmware <variant>    (2.0.1 / 2.1) how firmware updates behave: cancel (default) or no-cancel
                          a running one for a new request, and update (default), download or wait
                          while a transaction runs, e.g. no-cancel,wait (part 6 TC_L_10..16)
  --manufacturer-root <file>
                          (2.0.1 / 2.1) PEM ManufacturerRootCertificate installed at start: a firmware
                          signing certificate must be issued by it
  --user-interface        (2.0.1 / 2.1) the station has a user interface: a master pass stops only the
                          transactions chosen with SelectStop ({"evseIds":[1]}); without it, all (C16)
  --permanent-cable       (2.0.1 / 2.1) the cables are fixed to the station (ConnectorType cType2):
                          the EV is plugged in and out at its end only. Default: sockets (sType2)
  --queue-dir <dir>       the charger's state directory: the offline queue's journal, the station's
                          configuration and state (station.json), and the open transactions with
                          their last meter reading. A charger killed mid-session ends the session
                          with reason PowerLoss when it starts again. Default: in memory (lost with
                          the process). Alias: --state-dir
  --ping-interval <s>     seconds between WebSocket pings (WebSocketPingInterval; the central system
                          may change it); a link silent 10 s after a ping (at most half the
                          interval) is dropped and replaced. 0: no pings. Default 30
  --no-reconnect          exit when the connection fails or closes (no offline queue)
  --json                  one JSON object per line on stdout: frames and events (see the README)
  -h, --help              this help

Examples:
  ocppkit charge-point ws://127.0.0.1:9000 --id CP1
  ocppkit charge-point wss://csms.example.com/ocpp --id CP7 --auth basic:CP7:s3cret --ca ca.pem
  ocppkit charge-point ws://127.0.0.1:9000 --connectors 1 --meter-interval 2 --queue-dir ./cp1 --json
`;

const options = {
  id: { type: "string" },
  version: { type: "string" },
  connectors: { type: "string" },
  "meter-interval": { type: "string" },
  power: { type: "string" },
  auth: { type: "string" },
  ca: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  "no-reconnect": { type: "boolean" },
  "queue-dir": { type: "string" },
  "state-dir": { type: "string" },
  "ping-interval": { type: "string" },
  control: { type: "string" },
  firmware: { type: "string" },
  "manufacturer-root": { type: "string" },
  "user-interface": { type: "boolean" },
  "permanent-cable": { type: "boolean" },
  "additional-root-certificate-check": { type: "boolean" },
} as const;

/** TLS and credentials options shared with `load`. */
export function connectOptions(command: string, values: Record<string, string | boolean | undefined>, subprotocol: string): ConnectOptions {
  const get = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const auth = basicAuthOption(command, get("auth"));
  const [ca, cert, key] = ["ca", "cert", "key"].map((name) => {
    const path = get(name);
    return path === undefined ? undefined : readTextFile(command, path, `the --${name} file`);
  });
  if ((cert === undefined) !== (key === undefined)) throw usageError(command, "--cert and --key go together");
  return { protocols: [subprotocol], auth, ca, cert, key, handshakeTimeoutMs: 10_000 };
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parse("charge-point", argv, options, 1);
  if (args.values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  const base = urlArgument("charge-point", args.positionals[0]);
  const id = stringOption(args, "id") ?? "CP1";
  if (!/^[\x21-\x7e]{1,48}$/.test(id))
    throw usageError("charge-point", `--id must be 1 to 48 printable characters without spaces, got '${id}'`);
  const version = versionOption("charge-point", stringOption(args, "version"));
  const connectors = intOption("charge-point", args, "connectors", 2, 1, 100);
  const meterIntervalS = numberOption("charge-point", args, "meter-interval", 10, 0, 86_400);
  const powerW = intOption("charge-point", args, "power", 11_000, 1, 1_000_000);
  const pingIntervalS = numberOption("charge-point", args, "ping-interval", 30, 0, 86_400);
  const reconnect = args.values["no-reconnect"] !== true;
  const queueDir = stringOption(args, "queue-dir");
  const stateDir = stringOption(args, "state-dir");
  if (queueDir !== undefined && stateDir !== undefined && queueDir !== stateDir) {
    throw usageError("charge-point", "--queue-dir and --state-dir name the same directory: give one");
  }
  const directory = queueDir ?? stateDir;
  const json = args.values.json === true;
  const subprotocol = subprotocolOf(version);
  const connection = connectOptions("charge-point", args.values, subprotocol);
  const url = chargerUrl(base, id);

  const colors = palette(process.stdout);
  const log = eventLog({ json, chargePoint: id, palette: colors, write: stdoutLine });
  const logger = withEventWarnings(timeline({ side: "charge point", json, palette: colors, write: stdoutLine }), log, json);
  const charger = createCharger(version, {
    id,
    connectors,
    meterIntervalS,
    powerW,
    stateDir: directory,
    permanentCable: args.values["permanent-cable"] === true,
    additionalRootCertificateCheck: args.values["additional-root-certificate-check"] === true,
    logger,
    onEvent: (e) => log(e.kind, { connectorId: e.connectorId, transactionId: e.transactionId, message: e.text }, e.text),
  });

  const firmware = stringOption(args, "firmware");
  const manufacturerRoot = stringOption(args, "manufacturer-root");
  if ((firmware !== undefined || manufacturerRoot !== undefined) && !(charger instanceof SimulatedCharger2))
    throw usageError("charge-point", "--firmware and --manufacturer-root need --version 2.0.1 or 2.1");
  if (charger instanceof SimulatedCharger2) {
    if (firmware !== undefined) {
      try {
        const variant = parseFirmwareVariant(firmware);
        charger.station.operations.firmware.cancellable = variant.cancellable;
        charger.station.operations.firmware.duringTransaction = variant.duringTransaction;
      } catch (error) {
        throw usageError("charge-point", `--firmware: ${(error as Error).message}`);
      }
    }
    if (manufacturerRoot !== undefined) {
      const pem = readTextFile("charge-point", manufacturerRoot, "the --manufacturer-root file");
      if (charger.station.certificates.install("ManufacturerRootCertificate", pem, 100) !== "Accepted")
        throw usageError("charge-point", "--manufacturer-root must be a PEM certificate valid now");
    }
  }
  if (args.values["permanent-cable"] === true && !(charger instanceof SimulatedCharger2))
    throw usageError("charge-point", "--permanent-cable needs --version 2.0.1 or 2.1");
  if (args.values["additional-root-certificate-check"] === true && !(charger instanceof SimulatedCharger2))
    throw usageError("charge-point", "--additional-root-certificate-check needs --version 2.0.1 or 2.1");
  const controlPort = args.values.control === undefined ? undefined : intOption("charge-point", args, "control", 0, 0, 65_535);
  if (controlPort !== undefined && !(charger instanceof SimulatedCharger2))
    throw usageError("charge-point", "--control needs --version 2.0.1 or 2.1");
  if (args.values["user-interface"] === true) {
    if (!(charger instanceof SimulatedCharger2)) throw usageError("charge-point", "--user-interface needs --version 2.0.1 or 2.1");
    charger.userInterface = true;
  }
  const control =
    controlPort !== undefined && charger instanceof SimulatedCharger2 ? await startChargerControl(charger, controlPort) : undefined;
  if (control) log("control", { url: control.url }, `physical actions: POST ${control.url}/${version}/${id}/<action>`);

  let stopping = false;
  let stopLink: () => void = () => {};
  const stop = () => {
    stopping = true;
    charger.peer?.close(1000, "charge point shutting down");
    stopLink();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  let prompt: ReturnType<typeof createInterface> | undefined;
  // Read only once the charger can take a session (queue and state ready): a line typed earlier waits in stdin.
  const listen = () => {
    prompt = createInterface({ input: process.stdin, terminal: false });
    prompt.on("line", (line) => {
      const [verb, first, second] = line.trim().split(/\s+/);
      const connectorId = first === undefined ? 1 : Number(first);
      const work =
        verb === "start"
          ? charger.startSession(connectorId, second ?? "RFID-0001", true)
          : verb === "stop"
            ? charger.stopSession(connectorId, Reason.Local)
            : verb
              ? Promise.reject(new Error(`unknown command '${verb}': start [connector] [idTag] or stop [connector]`))
              : Promise.resolve();
      work.catch((error: unknown) => logger.warn?.(oneLine(error)));
    });
  };

  let exitCode: number = ExitCode.Ok;
  try {
    if (!reconnect) {
      const socket = await connect(url, connection).catch((error: unknown) => {
        throw explainConnectError("charge-point", url, subprotocol, error);
      });
      const peer = charger.attach(socket);
      const running = peer.start();
      log("connected", { url, protocol: socket.protocol }, `${id} connected to ${url} (${socket.protocol})`);
      listen();
      charger.boot().catch((error: unknown) => {
        if (!stopping) logger.warn?.(`boot failed: ${oneLine(error)}`);
      });
      const closed = await running.then(
        () => ({ code: 1000, reason: "" }),
        (error: { closeCode?: number; reason?: string }) => ({ code: error.closeCode ?? 1006, reason: error.reason ?? "" }),
      );
      if (!stopping) {
        log("disconnected", closed, `${id} disconnected (${closed.code}${closed.reason ? ` ${closed.reason}` : ""})`);
        exitCode = closed.code === 1000 ? ExitCode.Ok : ExitCode.Failure;
      }
      return exitCode;
    }
    const link = new ReconnectingConnection(url, { ...connection, pingIntervalMs: pingIntervalS * 1000 });
    stopLink = () => link.close(1000, "charge point shutting down");
    return await runReconnecting({ charger, link, directory, url, subprotocol, log, logger, listen, stopping: () => stopping });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`ocppkit charge-point: ${oneLine(error)}`, ExitCode.Failure);
  } finally {
    prompt?.close();
    control?.close();
    charger.detach();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

export const chargePoint: Command = { name: "charge-point", summary: "a simulated charger that answers every command", help, run };
