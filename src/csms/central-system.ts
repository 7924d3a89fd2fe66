/**
 * A development central system on `ocppkit/server`: accepts chargers, answers every CALL a charger
 * can send with a valid, sensible response (each overridable per action), and keeps one session per
 * connected charger so commands can be sent to it. Used by `ocppkit serve` and `ocppkit demo`.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { type Handler, type Logger, SecurityError, validatePayload } from "../index.js";
import type { CertificateAuthority } from "../pki/index.js";
import type { FloodPolicyOptions, FloodReport } from "../rpc/flood-policy.js";
import { type AnyChargePoint, type ClusterMembership, CentralSystem as CoreCentralSystem } from "../server/index.js";
import { schemaAnswer } from "../station/schema-answers.js";
import { subprotocolOf, type VersionName } from "../station/station-version.js";
import { Action, AuthorizationStatus } from "../v16/index.js";
import { certificateSigning } from "./certificate-signing.js";
import { versionKits } from "./version-kits.js";

/** How the development CSMS decides what a permissive back end leaves open (2.x only). */
export interface CsmsBehaviour {
  /** The station's first BootNotification on each connection is answered Pending (B02), with this interval. */
  readonly pendingFirstBoot?: (stationId: string) => number | undefined;
  /** The idTokenInfo of Authorize and of a TransactionEvent carrying an idToken (C01). */
  readonly idTokenInfo?: (idToken: { idToken: string; type: string }) => Record<string, unknown>;
  /** The answer to a DataTransfer (2.x) instead of Accepted: a CSMS without vendor extensions says UnknownVendorId (P02). */
  readonly dataTransfer?: (request: Record<string, unknown>) => Record<string, unknown>;
  /** Wraps every answer, unchecked by the schemas: the tests build a deliberately wrong CSMS with it. */
  readonly around?: (stationId: string, action: string, request: Record<string, unknown>, answer: () => unknown) => unknown;
}

export type Responses = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface CentralSystemOptions {
  readonly host: string;
  readonly port: number;
  readonly versions: readonly VersionName[];
  /** HTTP Basic credentials every charger must present; username "*" accepts any username. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** TLS (wss://); with `ca`, chargers must present a client certificate signed by it (security profile 3). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
  /**
   * A second listener, wss:// with `tls`, while `port` stays ws:// (a station can be upgraded from profile 1
   * to 2 or 3, TC_A_19): with a `tls.ca`, a client certificate is asked for and, when sent, must verify.
   */
  readonly tlsPort?: number;
  /** The CA that signs the CSRs of SignCertificate (A02/A03); without one SignCertificate is only answered. */
  readonly ca?: CertificateAuthority;
  /** Per version and action, fields laid over the default response (see resolveResponses). */
  readonly responses?: ResponsesByVersion;
  /** Heartbeat interval given in BootNotification responses, in seconds. Default 60. */
  readonly heartbeatIntervalS?: number;
  /** 2.x behaviours a conformance run needs of the CSMS (see csms-behaviour.ts); default: permissive. */
  readonly behaviour?: CsmsBehaviour;
  readonly logger: Logger;
  /** The fair-share policy (pipelined CALLs, rate limit); the library's defaults when unset. */
  readonly flood?: Omit<FloodPolicyOptions, "report">;
  /** A charger was closed with 1008 for flooding. */
  readonly onFlood?: (session: CentralSystemSession, report: FloodReport) => void;
  readonly onConnect?: (session: CentralSystemSession) => void;
  readonly onDisconnect?: (session: CentralSystemSession, code: number, reason: string) => void;
  /** Join this cluster (`serve --redis`). */
  readonly cluster?: ClusterMembership;
}

export interface CentralSystem {
  /** ws://host:port (or wss://): chargers connect to `${url}/${id}`. */
  readonly url: string;
  /** wss://host:port of the second listener (`tlsPort`). */
  readonly tlsUrl?: string;
  readonly sessions: ReadonlyMap<string, CentralSystemSession>;
  close(): Promise<void>;
}

/** The central system's side of one connected charger, of whichever version it speaks. */
export type CentralSystemSession = AnyChargePoint;

type Answer = (request: Record<string, unknown>) => Record<string, unknown>;

/** The actions a charger sends in `version`, each with the response a permissive back end gives. */
export function defaultResponses(
  version: VersionName,
  nextTransactionId: () => number,
  heartbeatIntervalS: number,
  behaviour: CsmsBehaviour = {},
): Record<string, Answer> {
  const now = () => new Date().toISOString();
  const answers: Record<string, Answer> = {};
  if (version === "1.6") {
    const accepted = { idTagInfo: { status: AuthorizationStatus.Accepted } };
    Object.assign(answers, {
      [Action.Authorize]: () => accepted,
      [Action.DataTransfer]: () => ({ status: "Accepted" }),
      [Action.SignCertificate]: () => ({ status: "Accepted" }),
      [Action.StartTransaction]: () => ({ transactionId: nextTransactionId(), ...accepted }),
      [Action.StopTransaction]: () => accepted,
    });
  } else {
    // 2.x: a TransactionEvent that carries an idToken gets it accepted (2.0.1 E01/E03), or judged by the behaviour.
    const idTokenInfo = (idToken: unknown) =>
      behaviour.idTokenInfo?.(idToken as { idToken: string; type: string }) ?? { status: "Accepted" };
    answers.TransactionEvent = (request) => (request.idToken ? { idTokenInfo: idTokenInfo(request.idToken) } : {});
    answers.Authorize = (request) => ({ idTokenInfo: idTokenInfo(request.idToken) });
    if (behaviour.dataTransfer) answers.DataTransfer = behaviour.dataTransfer;
    // 2.1: the answer names the VAT number (and EVSE) it checked.
    if (version === "2.1")
      answers.VatNumberValidation = (request) => ({
        status: "Accepted",
        vatNumber: request.vatNumber,
        ...(request.evseId === undefined ? {} : { evseId: request.evseId }),
      });
  }
  answers.BootNotification = () => ({ status: "Accepted", currentTime: now(), interval: heartbeatIntervalS });
  answers.Heartbeat = () => ({ currentTime: now() });
  for (const [action, sender] of Object.entries(versionKits[version].actionSender)) {
    if (sender !== "CentralSystem") answers[action] ??= () => schemaAnswer(version, action);
  }
  return answers;
}

/** Configured responses sorted by version: each version gets the overrides that are valid in it. */
export type ResponsesByVersion = ReadonlyMap<VersionName, Responses>;

/**
 * Checks the configured responses before any charger connects, so a typo fails at start, not mid-session.
 * The file is either flat (`{"Authorize": {...}}`: applied in each served version where it is valid, and
 * an error when it is valid in none) or keyed by version (`{"1.6": {"Authorize": {...}}}`: checked there).
 */
export function resolveResponses(raw: Record<string, unknown>, versions: readonly VersionName[]): ResponsesByVersion | string {
  const byVersion = new Map<VersionName, Record<string, Record<string, unknown>>>(versions.map((version) => [version, {}]));
  const keyedByVersion = Object.keys(raw).some((key) => /^\d/.test(key));
  const groups: [readonly VersionName[], Record<string, unknown>][] = keyedByVersion
    ? Object.entries(raw).map(([version, group]) => [[version as VersionName], group as Record<string, unknown>])
    : [[versions, raw]];
  for (const [targets, group] of groups) {
    if (keyedByVersion && !versions.includes(targets[0])) return `"${targets[0]}" is not a version served here (${versions.join(", ")})`;
    if (typeof group !== "object" || group === null || Array.isArray(group)) return `the responses of ${targets[0]} must be a JSON object`;
    for (const [action, fields] of Object.entries(group)) {
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return `the response of ${action} must be a JSON object`;
      const problems: string[] = [];
      let sender: string | undefined;
      for (const version of targets) {
        const make = defaultResponses(version, () => 1, 60)[action];
        sender ??= versionKits[version].actionSender[action];
        if (!make) continue;
        const spec = versionKits[version].protocol.actions.get(action);
        const problem = spec?.response && validatePayload(spec.response, { ...make({}), ...fields });
        if (problem) problems.push(`not valid OCPP ${version}: ${problem.description}`);
        else (byVersion.get(version) as Record<string, Record<string, unknown>>)[action] = fields as Record<string, unknown>;
      }
      const applied = targets.some((version) => byVersion.get(version)?.[action] === fields);
      if (applied) continue;
      if (problems.length) return `the ${action} response is ${problems.join("; ")}`;
      return sender === "CentralSystem"
        ? `${action} is sent by the central system, so it has no response to configure`
        : `${action} is not an action a charger sends in OCPP ${targets.join(", ")}`;
    }
  }
  return byVersion;
}

/**
 * A01 (2.x): once a station answers Accepted to SetVariables of SecurityCtrlr.BasicAuthPassword, the CSMS
 * takes the new password for it (A01.FR.03); read from the frames, so commands from any source count.
 */
class StationPasswords {
  readonly #passwords = new Map<string, string>();
  readonly #pending = new Map<string, string>();

  of(id: string): string | undefined {
    return this.#passwords.get(id);
  }

  observe(id: string, direction: "in" | "out", text: string): void {
    if (direction === "out" && text.includes("BasicAuthPassword")) {
      const frame = parseFrame(text);
      if (frame?.[0] !== 2 || frame[2] !== "SetVariables") return;
      const entry = passwordEntry((frame[3] as { setVariableData?: unknown[] } | undefined)?.setVariableData);
      if (typeof entry?.attributeValue === "string") this.#pending.set(`${id}\u0000${String(frame[1])}`, entry.attributeValue);
    } else if (direction === "in" && this.#pending.size) {
      const frame = parseFrame(text);
      const key = `${id}\u0000${String(frame?.[1])}`;
      const password = this.#pending.get(key);
      if (password === undefined || !frame) return;
      this.#pending.delete(key);
      const result = passwordEntry((frame[2] as { setVariableResult?: unknown[] } | undefined)?.setVariableResult);
      if (frame[0] === 3 && result?.attributeStatus === "Accepted") this.#passwords.set(id, password);
    }
  }
}

function parseFrame(text: string): unknown[] | undefined {
  try {
    const frame: unknown = JSON.parse(text);
    return Array.isArray(frame) ? frame : undefined;
  } catch {
    return undefined;
  }
}

type VariableEntry = { component?: { name?: string }; variable?: { name?: string }; attributeValue?: unknown; attributeStatus?: unknown };

function passwordEntry(list: unknown[] | undefined): VariableEntry | undefined {
  return (list as VariableEntry[] | undefined)?.find?.(
    (e) => e?.component?.name === "SecurityCtrlr" && e?.variable?.name === "BasicAuthPassword",
  );
}

export async function startCentralSystem(options: CentralSystemOptions): Promise<CentralSystem> {
  let transactionId = 0;
  const answersByVersion = new Map(
    options.versions.map((version) => [
      subprotocolOf(version),
      {
        kit: versionKits[version],
        answers: defaultResponses(version, () => ++transactionId, options.heartbeatIntervalS ?? 60, options.behaviour),
        overrides: options.responses?.get(version),
      },
    ]),
  );
  const auth = options.auth;
  const passwords = auth ? new StationPasswords() : undefined;
  const secondListener = options.tlsPort !== undefined && options.tls !== undefined;
  // 1.6 security whitepaper A05.FR.09 (2.0.1 A05, TC_A_19 step 11): once a station connected with a higher
  // security profile, the CSMS no longer lets it connect with a lower one.
  const profiles = new Map<string, number>();
  const logger: Logger = passwords
    ? {
        ...options.logger,
        frame: (id, direction, text) => {
          options.logger.frame?.(id, direction, text);
          passwords.observe(id, direction, text);
        },
      }
    : options.logger;
  const server = new CoreCentralSystem<CentralSystemSession>({
    protocols: options.versions.map(subprotocolOf),
    host: options.host,
    port: options.port,
    tls: secondListener
      ? undefined
      : options.tls && { ...options.tls, requestCert: !!options.tls.ca, rejectUnauthorized: !!options.tls.ca },
    // The server module refuses a Basic username other than the identity before asking, so "*" means
    // "any charger with this password" and a named user means "only that charger". A verified client
    // certificate (profile 3) needs no password.
    authenticate:
      auth || secondListener
        ? (id, password, request, certificate) => {
            const socket = request.socket as Partial<TLSSocket>;
            // On the second listener a client certificate is optional, but one that is sent must verify (A00).
            if (socket.encrypted && !socket.authorized && Object.keys(socket.getPeerCertificate?.() ?? {}).length) return false;
            const profile = securityProfileOf(request, certificate);
            if (profile < (profiles.get(id) ?? 0)) return false;
            if (!auth || profile === 3) return true;
            return (
              (auth.username === "*" || auth.username === id) &&
              password !== undefined &&
              password.toString("utf8") === (passwords?.of(id) ?? auth.password)
            );
          }
        : undefined,
    pingIntervalMs: 30_000,
    shutdownTimeoutMs: 2_000,
    cluster: options.cluster,
    flood: options.flood,
    logger: { warn: options.logger.warn, error: options.logger.error },
    createChargePoint: ({ id, connection, protocol }) => {
      const served = answersByVersion.get(protocol) ?? [...answersByVersion.values()][0];
      const session = new served.kit.ChargePoint(id, connection, { logger });
      const signing = options.ca && certificateSigning(options.ca, served.kit, session, options.logger);
      if (signing) session.routeAfter("SignCertificate", signing.after);
      const pendingInterval = served.kit.version === "1.6" ? undefined : options.behaviour?.pendingFirstBoot?.(id);
      const around = options.behaviour?.around;
      // B02.FR.09 / B03.FR.07: until a BootNotification is Accepted, a station answered Pending gets SecurityError for anything else.
      let registration: "Pending" | "Accepted" | undefined = pendingInterval === undefined ? undefined : "Pending";
      let boots = 0;
      for (const [action, answerOf] of Object.entries(served.answers)) {
        const make = action === "SignCertificate" && signing ? signing.answer : answerOf;
        const fields = served.overrides?.[action];
        const answer = fields ? (request: Record<string, unknown>) => ({ ...make(request), ...fields }) : make;
        if (registration === undefined && !around) {
          session.route(action, answer as Handler);
          continue;
        }
        const registered = (request: Record<string, unknown>) => {
          if (registration === undefined) return answer(request);
          if (action === "BootNotification") {
            if (boots++ === 0) return { ...answer(request), status: "Pending", interval: pendingInterval };
            registration = "Accepted";
          } else if (registration === "Pending")
            throw new SecurityError(`${id} is not registered: its BootNotification was answered Pending`);
          return answer(request);
        };
        session.route(
          action,
          (around ? (request: Record<string, unknown>) => around(id, action, request, () => registered(request)) : registered) as Handler,
          { skipSchemaValidation: around !== undefined },
        );
      }
      return session;
    },
  });
  server.on("connect", (session, context) => {
    const profile = securityProfileOf(context.request, context.certificate);
    if (profile > (profiles.get(session.id) ?? 0)) profiles.set(session.id, profile);
    options.onConnect?.(session);
  });
  server.on("flood", (session, report) => options.onFlood?.(session, report));
  server.on("disconnect", (session, code, reason) => options.onDisconnect?.(session, code, reason));
  await server.listen();
  let tlsServer: HttpsServer | undefined;
  if (secondListener && options.tls) {
    const tls = options.tls;
    tlsServer = createHttpsServer({ ...tls, requestCert: !!tls.ca, rejectUnauthorized: false }, (_request, response) =>
      response.writeHead(426, { connection: "close", upgrade: "websocket" }).end("This is an OCPP-J endpoint: connect with a WebSocket\n"),
    );
    tlsServer.on("upgrade", (request, socket, head) => server.handleUpgrade(request, socket, head));
    const listening = tlsServer;
    try {
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(options.tlsPort, options.host, () => resolve());
      });
    } catch (error) {
      await server.close({ code: 1001, reason: "server shutting down" });
      throw error;
    }
  }
  const tlsAddress = tlsServer?.address();
  const host = server.url.replace(/^wss?:\/\/(.*):\d+$/, "$1");
  return {
    url: server.url,
    tlsUrl: tlsAddress && typeof tlsAddress === "object" ? `wss://${host}:${tlsAddress.port}` : undefined,
    sessions: server.chargePoints,
    close: async () => {
      tlsServer?.close();
      tlsServer?.closeAllConnections();
      await server.close({ code: 1001, reason: "server shutting down" });
    },
  };
}

/** The security profile a connection came with: 3 a verified client certificate, 2 other TLS, else 1. */
function securityProfileOf(request: { socket: unknown }, certificate: unknown): number {
  if (certificate) return 3;
  return (request.socket as Partial<TLSSocket>).encrypted ? 2 : 1;
}
