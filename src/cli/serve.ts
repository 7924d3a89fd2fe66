/**
 * `ocppkit serve`: a development central system. Accepts chargers, answers every CALL with a valid,
 * sensible response (overridable per action from a JSON file), logs every frame, and reads commands
 * for connected chargers from stdin: `CP1 RemoteStartTransaction {"idTag":"A"}`.
 */
import { createInterface } from "node:readline";
import { parseConfigText, resolveConfig } from "../conformance/config.js";
import { expectedCsmsBehaviour } from "../conformance/csms-behaviour.js";
import { ConformanceError } from "../conformance/errors.js";
import { type CentralSystem, kitOf, type ResponsesByVersion, resolveResponses, startCentralSystem } from "../csms/index.js";
import { OcppError } from "../index.js";
import { CertificateAuthority } from "../pki/index.js";
import type { FloodPolicyOptions } from "../rpc/flood-policy.js";
import { ClusterFleet, clusterSource, type Fleet, LocalFleet, startUi, type UiServer } from "../ui/index.js";
import { basicAuthOption, intOption, jsonObject, parse, readTextFile, stringOption } from "./args.js";
import { CliError, ExitCode, oneLine, usageError } from "./cli-errors.js";
import { Color, palette } from "./colors.js";
import type { Command } from "./command.js";
import { joinCluster, listLine, type PromptCluster, promptTarget } from "./serve-cluster.js";
import { stdoutLine, timeline } from "./timeline.js";
import { type VersionName, versionsOption } from "./versions.js";

const help = `ocppkit serve: a development central system

Usage: ocppkit serve [--port 9000] [--host 127.0.0.1] [--versions 1.6,2.0.1,2.1] [--auth basic:user:pass]
                     [--tls cert.pem,key.pem[,ca.pem] [--tls-port 9443]] [--ca ca.pem,ca-key.pem]
                     [--responses responses.json] [--json]
                     [--redis redis://127.0.0.1:6379 [--node-id NAME]]
                     [--ui] [--ui-port 9001] [--conformance conformance.json]
                     [--max-pipelined 4] [--flood-close-after 10] [--rate-limit <per second>[,burst]]

Chargers connect to ws://HOST:PORT/<charge point id>. Every CALL gets a valid, permissive answer
(BootNotification Accepted, Authorize Accepted, StartTransaction a new transaction id, ...). Every
frame is logged. Type a command for a connected charger on stdin:

  CP1 RemoteStartTransaction {"idTag":"A","connectorId":1}
  CP1 RemoteStopTransaction {"transactionId":1}
  CP1 TriggerMessage {"requestedMessage":"MeterValues"}
  list                      (connected chargers)

With --redis, several serve processes form one cluster: a command typed on any of them reaches
the charger on whichever node holds it, and list shows every charger with its node. With --ui too,
the page shows every node's chargers and frames, and its commands reach any node's charger.

Options:
  --port <n>            port to listen on; 0 picks a free one (the URL is printed). Default 9000
  --host <address>      address to listen on. Default 127.0.0.1
  --versions <list>     OCPP versions to accept, comma-separated. Default 1.6,2.0.1,2.1
  --auth <basic:u:p>    require HTTP Basic credentials; basic:*:secret accepts any username
  --tls <cert,key[,ca]> serve wss:// with these PEM files; with a CA, require client certificates
  --tls-port <n>        keep --port ws:// and serve wss:// (--tls) on this port too, so a station can be
                        upgraded from security profile 1 to 2 or 3 (a client certificate is then optional,
                        but must verify when sent); once a station connected with a higher profile, a lower
                        one is refused (A05)
  --ca <cert,key>       the CA (PEM certificate and key) that signs the CSR of a station's SignCertificate,
                        sent back in CertificateSigned (A02/A03). Default: a CA generated at start, whose
                        certificate is printed (--json: the "ca" event)
  --responses <file>    JSON file: per action, fields laid over the default response, e.g.
                        {"Authorize": {"idTagInfo": {"status": "Blocked"}}, "BootNotification": {"interval": 30}}
                        applied in each version where valid; or keyed by version: {"2.0.1": {...}}
                        (JSON rather than YAML: the library ships without a YAML parser)
  --heartbeat <s>       heartbeat interval given in BootNotification answers. Default 60
  --redis <url>         join the cluster on this Redis (needs the ioredis package)
  --node-id <name>      this node's id in the cluster. Default host-pid-random
  --ui                  also serve a live web page of the central system (a development tool) on its own
                        port, with the control endpoint POST /control/<version>/<id>/<action>; it asks
                        for the --auth password and, with --tls, uses https without client certificates
  --ui-port <n>         the page's port (implies --ui). Default: --port + 1 (0 when --port is 0)
  --conformance <file>  behave as the config of \`ocppkit conformance csms\` expects of a CSMS (2.x):
                        its idTokens valid/invalid/blocked/expired, and Pending for its pendingStationId
  --max-pipelined <n>   CALLs one charger may have unanswered at once (OCPP-J 4.1.1 asks for 1); more
                        wait their turn with its socket paused. Default 4; "off" for no bound
  --flood-close-after <n>  close a charger with 1008 after n throttles in a row. Default 10; "never"
  --rate-limit <r[,b]>  at most r CALLs and SENDs per second per charger, bursts of b (default r).
                        Default: no rate limit
  -q, --quiet           only the listening line and prompt output: no frames, no connects (for load runs)
  --json                one JSON object per line: events and frames
  -h, --help            this help

Examples:
  ocppkit serve
  ocppkit serve --port 0 --json
  ocppkit serve --auth basic:*:s3cret --tls server.pem,server-key.pem
  ocppkit serve --port 9001 --redis redis://127.0.0.1:6379   (and again with --port 9002)
  ocppkit serve --ui
  echo 'CP1 Reset {"type":"Soft"}' | ocppkit serve
`;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  versions: { type: "string" },
  auth: { type: "string" },
  tls: { type: "string" },
  "tls-port": { type: "string" },
  ca: { type: "string" },
  responses: { type: "string" },
  heartbeat: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  redis: { type: "string" },
  "node-id": { type: "string" },
  conformance: { type: "string" },
  ui: { type: "boolean" },
  "ui-port": { type: "string" },
  "max-pipelined": { type: "string" },
  "flood-close-after": { type: "string" },
  "rate-limit": { type: "string" },
} as const;

/** `--max-pipelined`, `--flood-close-after` and `--rate-limit` as the library's flood policy. */
function floodOptions(args: ReturnType<typeof parse>): Omit<FloodPolicyOptions, "report"> {
  const unbounded = (name: string, word: string) => {
    const raw = stringOption(args, name);
    return raw === word ? Number.POSITIVE_INFINITY : raw === undefined ? undefined : intOption("serve", args, name, 1, 1, 1_000_000);
  };
  const rate = stringOption(args, "rate-limit");
  let rateLimit: FloodPolicyOptions["rateLimit"];
  if (rate !== undefined) {
    const [perSecond, burst, ...rest] = rate.split(",").map(Number);
    if (
      rest.length > 0 ||
      !(perSecond > 0) ||
      !Number.isFinite(perSecond) ||
      (burst !== undefined && !(Number.isInteger(burst) && burst >= 1))
    ) {
      throw usageError("serve", `--rate-limit must be <messages per second>[,<burst>], e.g. 10 or 10,20; got '${rate}'`);
    }
    rateLimit = { messagesPerSecond: perSecond, burst };
  }
  return { maxPipelinedCalls: unbounded("max-pipelined", "off"), closeAfterThrottles: unbounded("flood-close-after", "never"), rateLimit };
}

function loadResponses(path: string | undefined, versions: readonly VersionName[]): ResponsesByVersion | undefined {
  if (path === undefined) return undefined;
  const responses = jsonObject("serve", readTextFile("serve", path, "the responses file"), `the responses file '${path}'`);
  const resolved = resolveResponses(responses, versions);
  if (typeof resolved === "string") throw usageError("serve", `${path}: ${resolved}`);
  return resolved;
}

function loadBehaviour(path: string | undefined) {
  if (path === undefined) return undefined;
  try {
    return expectedCsmsBehaviour(resolveConfig(parseConfigText(readTextFile("serve", path, "the conformance config"), path), path));
  } catch (error) {
    if (error instanceof ConformanceError) throw usageError("serve", error.message);
    throw error;
  }
}

function loadTls(raw: string | undefined): { cert: Buffer; key: Buffer; ca?: Buffer } | undefined {
  if (raw === undefined) return undefined;
  const files = raw.split(",");
  if (files.length < 2 || files.length > 3 || files.some((file) => !file)) {
    throw usageError("serve", `--tls must be cert.pem,key.pem or cert.pem,key.pem,ca.pem, got '${raw}'`);
  }
  const [cert, key, ca] = files.map((file) => Buffer.from(readTextFile("serve", file, "the TLS file")));
  return { cert, key, ca };
}

/** `--ca cert.pem,key.pem`, or a CA generated now. */
function loadCa(raw: string | undefined): { ca: CertificateAuthority; generated: boolean } {
  if (raw === undefined) return { ca: CertificateAuthority.generate("ocppkit serve CA"), generated: true };
  const files = raw.split(",");
  if (files.length !== 2 || files.some((file) => !file)) throw usageError("serve", `--ca must be cert.pem,key.pem, got '${raw}'`);
  const [cert, key] = files.map((file) => readTextFile("serve", file, "the CA file"));
  try {
    return { ca: CertificateAuthority.fromPem(cert, key), generated: false };
  } catch (error) {
    throw usageError("serve", `--ca ${raw}: ${(error as Error).message}`);
  }
}

/** One line of the prompt: `<charge point id> <Action> [JSON payload]`. */
async function runPromptLine(
  centralSystem: CentralSystem,
  cluster: PromptCluster | undefined,
  line: string,
  say: (text: string) => void,
): Promise<void> {
  const text = line.trim();
  if (!text || text.startsWith("#")) return;
  if (text === "list") {
    say(await listLine(centralSystem.sessions, cluster));
    return;
  }
  if (text === "help") {
    say(`type: <charge point id> <Action> [JSON payload], e.g. CP1 RemoteStartTransaction {"idTag":"A"}; or: list`);
    return;
  }
  const match = /^(\S+)\s+(\S+)\s*(.*)$/.exec(text);
  if (!match) throw new CliError(`expected <charge point id> <Action> [JSON payload], got '${text}'`, ExitCode.Usage);
  const [, id, action, json] = match;
  const target = await promptTarget(centralSystem.sessions, cluster, id);
  if (!target) {
    const connected = [...centralSystem.sessions.keys()];
    const [where, here] = cluster ? [" to any node of the cluster", " here"] : ["", ""];
    throw new CliError(
      `${id} is not connected${where}${connected.length ? ` (connected${here}: ${connected.join(", ")})` : ""}`,
      ExitCode.Usage,
    );
  }
  const kit = kitOf(target);
  const sender = kit.actionSender[action];
  if (!sender) throw new CliError(`${action} is not an OCPP ${kit.version} action (${id} speaks ${kit.version})`, ExitCode.Usage);
  if (sender === "ChargePoint") throw new CliError(`${action} is sent by the charge point, not by the central system`, ExitCode.Usage);
  let payload: Record<string, unknown>;
  try {
    payload = json ? jsonObject("serve", json, "the payload") : {};
  } catch (error) {
    throw new CliError((error as Error).message.replace(/^ocppkit serve: /, "").replace(/ \(see .*\)$/, ""), ExitCode.Usage);
  }
  const Payload = kit.calls[action];
  try {
    const result = await target.call(new Payload(payload as never) as never);
    // The frames are logged by the node holding the socket; this one shows what came back.
    if (target.node) say(`${id} (on node ${target.node}) answered ${action}: ${JSON.stringify(result)}`);
  } catch (error) {
    if (error instanceof OcppError)
      throw new CliError(`${id} answered ${action} with ${error.code}: ${error.description}`, ExitCode.Failure);
    throw error;
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parse("serve", argv, options);
  if (args.values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  const json = args.values.json === true;
  const port = intOption("serve", args, "port", 9000, 0, 65_535);
  const host = stringOption(args, "host") ?? "127.0.0.1";
  const versions = versionsOption("serve", stringOption(args, "versions"));
  const auth = basicAuthOption("serve", stringOption(args, "auth"));
  const tls = loadTls(stringOption(args, "tls"));
  const tlsPort = args.values["tls-port"] === undefined ? undefined : intOption("serve", args, "tls-port", 9443, 0, 65_535);
  if (tlsPort !== undefined && !tls) throw usageError("serve", "--tls-port needs --tls cert.pem,key.pem[,ca.pem]");
  const { ca, generated } = loadCa(stringOption(args, "ca"));
  const responses = loadResponses(stringOption(args, "responses"), versions);
  const heartbeatIntervalS = intOption("serve", args, "heartbeat", 60, 0, 86_400);
  const behaviour = loadBehaviour(stringOption(args, "conformance"));
  const flood = floodOptions(args);
  const colors = palette(process.stdout);
  const quiet = args.values.quiet === true;
  const event = (fields: Record<string, unknown>, text: string) =>
    stdoutLine(json ? JSON.stringify(fields) : colors.paint(Color.yellow, text));
  const withUi = args.values.ui === true || args.values["ui-port"] !== undefined;
  const uiPort = intOption("serve", args, "ui-port", port === 0 || port === 65_535 ? 0 : port + 1, 0, 65_535);
  const frames = args.values.quiet ? {} : timeline({ side: "central system", json, palette: colors, write: stdoutLine });

  const redis = stringOption(args, "redis");
  const cluster = redis === undefined ? undefined : await joinCluster(redis, stringOption(args, "node-id"));
  // In a cluster the page shows every node (presence, relayed frames, routed calls), and every node,
  // with a page or not, relays its frames while some node's page is open.
  const localFleet = withUi && !cluster ? new LocalFleet() : undefined;
  const fleet: Fleet | undefined = withUi && cluster ? new ClusterFleet(clusterSource(cluster)) : localFleet;
  let centralSystem: CentralSystem;
  try {
    centralSystem = await startCentralSystem({
      host,
      port,
      versions,
      auth,
      tls,
      tlsPort,
      ca,
      responses,
      heartbeatIntervalS,
      cluster,
      behaviour,
      flood,
      onFlood: (session, report) =>
        event(
          { event: "flood", chargePoint: session.id, reason: report.reason, throttles: report.throttles },
          `${session.id} closed with 1008: it kept ${report.reason === "pipelining" ? "pipelining CALLs" : "going over the rate limit"}`,
        ),
      logger: cluster ? cluster.tapFrames(frames) : localFleet ? localFleet.tap(frames) : frames,
      onConnect: (session) => {
        localFleet?.connected(session);
        if (quiet) return;
        event(
          { event: "connected", chargePoint: session.id, protocol: session.connection.protocol },
          `${session.id} connected (${session.connection.protocol})`,
        );
      },
      onDisconnect: (session, code, reason) => {
        localFleet?.disconnected(session, code, reason);
        if (quiet) return;
        event(
          { event: "disconnected", chargePoint: session.id, code, reason },
          `${session.id} disconnected (${code}${reason ? ` ${reason}` : ""})`,
        );
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new CliError(`ocppkit serve: port ${port} on ${host} is already in use; try --port 0`, ExitCode.Failure);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw usageError("serve", `cannot listen on ${host}: ${code}`);
    throw new CliError(`ocppkit serve: cannot start: ${oneLine(error)}`, ExitCode.Failure);
  }
  const listening = `OCPP ${versions.join(", ")} central system listening on ${centralSystem.url}; chargers connect to ${centralSystem.url}/<id>`;
  const node = cluster ? `; node ${cluster.nodeId} of the cluster on ${redis}` : "";
  const signer = generated ? "a CA generated at start (--ca cert.pem,key.pem to use yours)" : "the --ca CA";
  if (json || !quiet)
    event({ event: "ca", generated, certificate: ca.certificatePem }, `station certificates (SignCertificate) are signed by ${signer}`);
  const also = centralSystem.tlsUrl ? `; with TLS on ${centralSystem.tlsUrl}/<id>` : "";
  event(
    { event: "listening", url: centralSystem.url, tlsUrl: centralSystem.tlsUrl, versions, node: cluster?.nodeId },
    listening + also + node,
  );
  let ui: UiServer | undefined;
  if (fleet) {
    try {
      ui = await startUi({ fleet, versions, host, port: uiPort, tls, auth });
    } catch (error) {
      await centralSystem.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE")
        throw new CliError(`ocppkit serve: port ${uiPort} on ${host} is already in use; try --ui-port 0`, ExitCode.Failure);
      throw new CliError(`ocppkit serve: cannot start the web page: ${oneLine(error)}`, ExitCode.Failure);
    }
    event({ event: "ui", url: ui.url, control: ui.controlUrl }, `web page (a development tool): ${ui.url}`);
  }

  const say = (text: string) => (json ? stdoutLine(JSON.stringify({ event: "prompt", message: text })) : stdoutLine(text));
  const prompt = createInterface({ input: process.stdin, terminal: false });
  prompt.on("line", (line) => {
    runPromptLine(centralSystem, cluster, line, say).catch((error: unknown) => {
      const message = oneLine(error);
      if (json) stdoutLine(JSON.stringify({ event: "promptError", message }));
      process.stderr.write(`${message}\n`);
    });
  });

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  prompt.close();
  await ui?.close();
  await centralSystem.close();
  return ExitCode.Ok;
}

export const serve: Command = { name: "serve", summary: "a development central system with an interactive prompt", help, run };
