/**
 * A development central system on `ocppkit/server`: accepts chargers, answers every CALL a charger
 * can send with a valid, sensible response (each overridable per action), and keeps one session per
 * connected charger so commands can be sent to it. Used by `ocppkit serve` and `ocppkit demo`.
 */
import { type Logger, validatePayload } from "../index.js";
import { CentralSystem as CoreCentralSystem } from "../server/index.js";
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

export async function startCentralSystem(options: CentralSystemOptions): Promise<CentralSystem> {
  let transactionId = 0;
  const answers = defaultResponses(() => ++transactionId, options.heartbeatIntervalS ?? 60);
  const auth = options.auth;
  const server = new CoreCentralSystem<CentralSystemSession>({
    protocols: options.versions.map(subprotocolOf),
    host: options.host,
    port: options.port,
    tls: options.tls && { ...options.tls, requestCert: !!options.tls.ca, rejectUnauthorized: !!options.tls.ca },
    // The server module refuses a Basic username other than the identity before asking, so "*" means
    // "any charger with this password" and a named user means "only that charger".
    authenticate: auth
      ? (id, password) =>
          (auth.username === "*" || auth.username === id) && password !== undefined && password.toString("utf8") === auth.password
      : undefined,
    pingIntervalMs: 30_000,
    shutdownTimeoutMs: 2_000,
    logger: { warn: options.logger.warn, error: options.logger.error },
    createChargePoint: ({ id, connection }) => {
      const session = new CentralSystemSession(id, connection, { logger: options.logger });
      for (const [action, make] of Object.entries(answers)) {
        const fields = options.responses?.[action];
        session.route(action, fields ? () => ({ ...make(), ...fields }) : make);
      }
      return session;
    },
  });
  server.on("connect", (session) => options.onConnect?.(session));
  server.on("disconnect", (session, code, reason) => options.onDisconnect?.(session, code, reason));
  await server.listen();
  return {
    url: server.url,
    sessions: server.chargePoints,
    close: () => server.close({ code: 1001, reason: "server shutting down" }),
  };
}
