/**
 * A development central system: accepts chargers on a WebSocket server, answers every CALL a charger
 * can send with a valid, sensible response (each overridable per action), and keeps one session per
 * connected charger so commands can be sent to it. Used by `ocppkit serve` and `ocppkit demo`.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { type Logger, validatePayload } from "../index.js";
import { Action, AuthorizationStatus, actionSender, ChargePoint, protocol, RegistrationStatus } from "../v16/index.js";
import { subprotocolOf, type VersionName } from "./versions.js";

export type Responses = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface CentralSystemOptions {
  readonly host: string;
  readonly port: number;
  readonly versions: readonly VersionName[];
  /** HTTP Basic credentials every charger must present; username "*" accepts any username. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** TLS (wss://); with `ca`, chargers must present a client certificate signed by it (security profile 3). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
  /** Per action, fields laid over the default response. */
  readonly responses?: Responses;
  /** Heartbeat interval given in BootNotification responses, in seconds. Default 60. */
  readonly heartbeatIntervalS?: number;
  readonly logger: Logger;
  readonly onConnect?: (session: CentralSystemSession) => void;
  readonly onDisconnect?: (session: CentralSystemSession, code: number, reason: string) => void;
}

export interface CentralSystem {
  /** ws://host:port (or wss://): chargers connect to `${url}/${id}`. */
  readonly url: string;
  readonly sessions: ReadonlyMap<string, CentralSystemSession>;
  close(): Promise<void>;
}

/** The central system's side of one connected charger. */
export class CentralSystemSession extends ChargePoint {}

/** The actions a charger sends, each with the response a permissive back end gives. */
function defaultResponses(nextTransactionId: () => number, heartbeatIntervalS: number): Record<string, () => Record<string, unknown>> {
  const now = () => new Date().toISOString();
  const accepted = { idTagInfo: { status: AuthorizationStatus.Accepted } };
  const answers: Record<string, () => Record<string, unknown>> = {
    [Action.Authorize]: () => accepted,
    [Action.BootNotification]: () => ({ status: RegistrationStatus.Accepted, currentTime: now(), interval: heartbeatIntervalS }),
    [Action.DataTransfer]: () => ({ status: "Accepted" }),
    [Action.Heartbeat]: () => ({ currentTime: now() }),
    [Action.SignCertificate]: () => ({ status: "Accepted" }),
    [Action.StartTransaction]: () => ({ transactionId: nextTransactionId(), ...accepted }),
    [Action.StopTransaction]: () => accepted,
  };
  for (const [action, sender] of Object.entries(actionSender)) {
    if (sender !== "CentralSystem") answers[action] ??= () => ({});
  }
  return answers;
}

/** Checks the configured responses before any charger connects, so a typo fails at start, not mid-session. */
export function checkResponses(responses: Responses): string | undefined {
  const defaults = defaultResponses(() => 1, 60);
  for (const [action, fields] of Object.entries(responses)) {
    const make = defaults[action];
    if (!make) {
      const sender = (actionSender as Record<string, string>)[action];
      return sender ? `${action} is sent by the central system, so it has no response to configure` : `${action} is not an OCPP 1.6 action`;
    }
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return `the response of ${action} must be a JSON object`;
    const spec = protocol.actions.get(action);
    const problem = spec?.response && validatePayload(spec.response, { ...make(), ...fields });
    if (problem) return `the ${action} response is not valid OCPP 1.6: ${problem.description}`;
  }
  return undefined;
}

const chargePointId = (request: IncomingMessage): string => {
  const path = new URL(request.url ?? "/", "ws://localhost").pathname;
  return decodeURIComponent(path.split("/").filter(Boolean).pop() ?? "");
};

function basicAuthOk(request: IncomingMessage, auth: NonNullable<CentralSystemOptions["auth"]>): boolean {
  const header = request.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const username = decoded.slice(0, colon);
  return (auth.username === "*" || username === auth.username) && decoded.slice(colon + 1) === auth.password;
}

export async function startCentralSystem(options: CentralSystemOptions): Promise<CentralSystem> {
  let transactionId = 0;
  const answers = defaultResponses(() => ++transactionId, options.heartbeatIntervalS ?? 60);
  const subprotocols = options.versions.map(subprotocolOf);
  const sessions = new Map<string, CentralSystemSession>();

  const server: Server = options.tls
    ? createHttpsServer({
        cert: options.tls.cert,
        key: options.tls.key,
        ca: options.tls.ca,
        requestCert: !!options.tls.ca,
        rejectUnauthorized: !!options.tls.ca,
      })
    : createHttpServer();
  server.on("request", (_request, response) => {
    response.writeHead(426, { "content-type": "text/plain" }).end("ocppkit serve: connect with an OCPP WebSocket client\n");
  });
  const wss = new WebSocketServer({
    server,
    // OCPP-J 1.6 section 3.1.2: without an agreed subprotocol the handshake completes without the
    // header and the connection is closed at once (done on 'connection').
    handleProtocols: (offered) => subprotocols.find((name) => offered.has(name)) ?? false,
    verifyClient: (info, done) => {
      if (!chargePointId(info.req)) {
        done(false, 400, "The URL must end with the charge point id");
        return;
      }
      if (options.auth && !basicAuthOk(info.req, options.auth)) {
        done(false, 401, "Unauthorized", { "WWW-Authenticate": 'Basic realm="ocppkit"' });
        return;
      }
      done(true);
    },
  });
  wss.on("connection", (socket, request) => {
    if (!socket.protocol) {
      socket.close(1002, `Supported subprotocols: ${subprotocols.join(", ")}`);
      return;
    }
    const id = chargePointId(request);
    const session = new CentralSystemSession(id, socket, { logger: options.logger });
    for (const [action, make] of Object.entries(answers)) {
      const fields = options.responses?.[action];
      session.route(action, fields ? () => ({ ...make(), ...fields }) : make);
    }
    sessions.get(id)?.close(1000, "replaced by a new connection");
    sessions.set(id, session);
    options.onConnect?.(session);
    const closed = (code: number, reason: string) => {
      if (sessions.get(id) === session) sessions.delete(id);
      options.onDisconnect?.(session, code, reason);
    };
    session.start().then(
      () => closed(1000, ""),
      (error: { closeCode?: number; reason?: string }) => closed(error.closeCode ?? 1006, error.reason ?? ""),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? "wss" : "ws"}://${host}:${address.port}`,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
