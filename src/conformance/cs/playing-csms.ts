/**
 * ocppkit's side of a TC_*_CS run: it listens as the CSMS, the station under test connects to
 * `<url>/<station id>` (any other id is refused with 404; one station at a time: a second connection of
 * the same id replaces the first, as a rebooted station's does), and the selected cases run one at a
 * time on it. Between cases the runner answers the station as an accepting CSMS. Cases that reboot or
 * reconnect the station wait for it, bounded by config actionTimeoutS.
 */
import type { ServerOptions as HttpsServerOptions } from "node:https";
import { CentralSystem } from "../../server/index.js";
import { actionSender, ChargePoint } from "../../v201/index.js";
import { type CaseResult, type CsCase, Direction, type FrameLog } from "../case.js";
import { CheckFailure } from "../failures.js";
import { type RunOptions, recordFrames, runCases, type Side } from "../runner.js";
import { noTrigger } from "../triggers.js";
import { type ConnectionAttempt, CsTest, defaultAnswer, type EndpointName, type StationLink } from "./cs-test.js";
import { TlsFront } from "./tls-front.js";
import { UploadServer } from "./upload-server.js";

type Body = Record<string, unknown>;

export interface CsRunOptions extends RunOptions<CsCase> {
  readonly host?: string;
  /** Default 9000; 0 picks a free port. */
  readonly port?: number;
  /** wss:// (security profiles 2 and 3): the server's key and cert, and for profile 3 `ca` with `requestCert`. */
  readonly tls?: HttpsServerOptions;
  /** Security profiles 1 and 2: the Basic auth password the station must send (its username is its id). */
  readonly password?: string;
  /** Seconds to wait for the station's first connection and boot. Default 300. */
  readonly waitForStationS?: number;
  /**
   * A second endpoint one security profile higher, for TC_A_19 (the station is moved to it): TLS settings
   * (for profile 3 with `requestCert` and the CA of the station's certificates) and whether it asks for
   * the Basic auth password (profile 2). Without it TC_A_19 is an error that says so.
   */
  readonly upgrade?: { readonly tls: HttpsServerOptions; readonly basicAuth: boolean };
  /**
   * The key and certificate the endpoints serve once a case asks for a CSMS certificate of the new CSMS
   * root (`certificates.newCSMSRootCertificate`, signed by the old one): TC_B_50, TC_M_30. `tls` serves
   * one of the old root. Without it those cases are an error that says so.
   */
  readonly newRootTls?: HttpsServerOptions;
  /** Called once listening, with the URL the station must connect to. */
  readonly onListening?: (url: string) => void;
  /** Connections and refusals, one line each. */
  readonly onStation?: (event: { event: "connected" | "disconnected" | "refused"; id?: string; detail: string }) => void;
  readonly onFrame?: (caseId: string, frame: FrameLog) => void;
}

/** Before each case, the station is given this long without a CALL to finish what the last one started. */
const quietMs = 500;
const quietMaxMs = 10_000;
/** A station gets this long for its TLS handshake and its HTTP upgrade request. */
const handshakeTimeoutMs = 10_000;

/** The CSMS ocppkit plays: one listening server, the station's connection, the case it reports to. */
class PlayingCsms implements StationLink, Side<CsCase> {
  readonly direction = Direction.ChargingStation;
  readonly server: CentralSystem<ChargePoint>;
  readonly frames: FrameLog[] = [];
  current: ChargePoint | undefined;
  test: CsTest | undefined;
  caseId = "";
  /** A BootNotification was answered Accepted since the runner started. */
  booted = false;
  holding = false;
  lastCallAt = performance.now();
  /** The Basic auth passwords a station may connect with: the configured one, and one a case set (TC_A_09). */
  readonly #passwords = new Set<string>();
  /** The Basic auth password of the last connection attempt (TC_A_01, TC_A_09, TC_A_10 check it). */
  lastPassword: string | undefined;
  #waiters: (() => void)[] = [];
  #listening = false;
  readonly #options: CsRunOptions;

  constructor(options: CsRunOptions) {
    this.#options = options;
    if (options.password !== undefined) this.#passwords.add(options.password);
    this.server = this.#serve(options.tls, options.password !== undefined, options.port ?? 9000);
  }

  /** A listening endpoint for the station: the main one, or the higher security profile of TC_A_19. */
  #serve(tls: HttpsServerOptions | undefined, basicAuth: boolean, port: number): CentralSystem<ChargePoint> {
    const options = this.#options;
    const { config } = options;
    const expected = config.stationId;
    // wss: the runner reads each ClientHello and picks the certificate and versions it answers with (TC_A_04-07).
    const front = tls
      ? new TlsFront(tls, handshakeTimeoutMs, (request, socket, head) => server.handleUpgrade(request, socket, head))
      : undefined;
    const server: CentralSystem<ChargePoint> = new CentralSystem<ChargePoint>({
      protocols: ["ocpp2.0.1"],
      host: options.host,
      port,
      server: front?.https,
      handshakeTimeoutMs,
      // While a case holds the station offline its reconnects wait here, unanswered (part 6: "does not accept a reconnect").
      isKnownChargePoint: async (id) => {
        if (id !== expected) return false;
        await this.until(() => !this.holding, config.maxWaitS);
        return this.#admit(server);
      },
      authenticate: !basicAuth
        ? undefined
        : (_id, password) => {
            this.lastPassword = password?.toString("utf8");
            return this.lastPassword !== undefined && this.#passwords.has(this.lastPassword);
          },
      replaceExisting: true,
      createChargePoint: ({ id, connection }) => {
        const cp = new ChargePoint(id, connection, {
          responseTimeoutMs: config.responseTimeoutS * 1000,
          logger: recordFrames(this.frames, (frame) => {
            if (this.caseId) options.onFrame?.(this.caseId, frame);
          }),
        });
        for (const [action, sender] of Object.entries(actionSender)) {
          if (sender === "CentralSystem") continue;
          cp.route(action, (payload: Body) => this.#incoming(action, payload), { skipSchemaValidation: true });
        }
        return cp;
      },
    });
    server.on("connect", (cp, context) => {
      this.current = cp;
      this.onUpgradeEndpoint = server === this.upgraded;
      this.connectedTo = this.#nameOf(server);
      options.onStation?.({ event: "connected", id: cp.id, detail: `${cp.id} connected from ${context.request.socket.remoteAddress}` });
      this.#wakeAll();
    });
    server.on("disconnect", (cp, code, reason) => {
      if (this.current === cp) this.current = undefined;
      options.onStation?.({ event: "disconnected", id: cp.id, detail: `${cp.id} disconnected (${code}${reason ? ` ${reason}` : ""})` });
    });
    server.on("reject", (rejection) =>
      options.onStation?.({
        event: "refused",
        id: rejection.id,
        detail: `refused ${rejection.id ?? "a connection"}: ${rejection.statusCode ?? ""} ${rejection.message}`.replace("  ", " "),
      }),
    );
    if (front) {
      front.onChange = () => this.#wakeAll();
      this.#fronts.set(server, front);
    }
    return server;
  }

  readonly #fronts = new Map<CentralSystem<ChargePoint>, TlsFront>();

  /** The main endpoint's TLS handshakes (wss only). */
  get tls(): TlsFront | undefined {
    return this.#fronts.get(this.server);
  }

  #listen(server: CentralSystem<ChargePoint>, port: number, host: string | undefined): Promise<unknown> {
    return this.#fronts.get(server)?.listen(port, host) ?? server.listen(port, host);
  }

  #url(server: CentralSystem<ChargePoint>): string {
    return this.#fronts.get(server)?.url ?? server.url;
  }

  async #close(server: CentralSystem<ChargePoint> | undefined): Promise<void> {
    if (!server) return;
    await server.close({ code: 1000, reason: "conformance run finished", timeoutMs: 2_000 });
    await this.#fronts.get(server)?.close();
  }

  /** The endpoint of the higher security profile (TC_A_19), listening once asked for. */
  upgraded: CentralSystem<ChargePoint> | undefined;
  /** The station's connection came in on that endpoint. */
  onUpgradeEndpoint = false;

  async upgradeEndpoint(): Promise<string | undefined> {
    const upgrade = this.#options.upgrade;
    if (!upgrade) return undefined;
    if (!this.upgraded) {
      this.upgraded = this.#serve(upgrade.tls, upgrade.basicAuth, 0);
      await this.#listen(this.upgraded, 0, this.#options.host);
    }
    return this.#url(this.upgraded);
  }

  /** The second endpoint of the same security profile (TC_B_45-49: the "alternative internal OCTT endpoint"). */
  alternative: CentralSystem<ChargePoint> | undefined;
  /** The endpoint of the station's last connection. */
  connectedTo: EndpointName = "main";

  #nameOf(server: CentralSystem<ChargePoint>): EndpointName {
    return server === this.upgraded ? "upgrade" : server === this.alternative ? "alternative" : "main";
  }

  /** The endpoints serving a certificate of the new CSMS root: for good, as the station may trust only that one now. */
  readonly #newRoot = new Set<CentralSystem<ChargePoint>>();

  async serveRoot(endpoint: EndpointName, root: "old" | "new"): Promise<boolean> {
    const options = this.#options;
    const server = endpoint === "main" ? this.server : endpoint === "alternative" ? this.alternative : this.upgraded;
    if (!server || !options.tls) return false;
    if (root === "old") return !this.#newRoot.has(server);
    if (!options.newRootTls) return false;
    server.setTls({ ...options.tls, ...options.newRootTls });
    this.#newRoot.add(server);
    return true;
  }

  async otherEndpoint(): Promise<{ endpoint: EndpointName; url: string }> {
    if (this.connectedTo === "alternative") return { endpoint: "main", url: this.#url(this.server) };
    if (!this.alternative) {
      const options = this.#options;
      this.alternative = this.#serve(options.tls, options.password !== undefined, 0);
      await this.#listen(this.alternative, 0, options.host);
    }
    return { endpoint: "alternative", url: this.#url(this.alternative) };
  }

  /** The log upload endpoint of the run (config logUpload), listening once a case first asks for it. */
  #uploads: Promise<UploadServer> | undefined;

  uploadServer(): Promise<UploadServer> {
    const { config, host } = this.#options;
    this.#uploads ??= UploadServer.start({ host: host ?? "127.0.0.1", port: config.logUpload.port, publicUrl: config.logUpload.url });
    return this.#uploads;
  }

  /** Every connection attempt of the station during the case (TC_B_49, TC_B_57 refuse some). */
  readonly attempts: ConnectionAttempt[] = [];
  /** Which attempts the runner refuses (HTTP 404): the case's policy, none between cases. */
  refuse: ((attempt: Omit<ConnectionAttempt, "accepted">) => boolean) | undefined;

  #admit(server: CentralSystem<ChargePoint>): boolean {
    const attempt = { index: this.attempts.length, endpoint: this.#nameOf(server), atMs: performance.now() };
    const accepted = !(this.test && this.refuse?.(attempt));
    this.attempts.push({ ...attempt, accepted });
    this.#wakeAll();
    return accepted;
  }

  #incoming(action: string, payload: Body): Body | Promise<Body> {
    this.lastCallAt = performance.now();
    const answer = this.test ? this.test.incoming(action, payload) : defaultAnswer(this.#options.config, action, payload);
    if (action === "BootNotification" && !(answer instanceof Promise)) {
      this.booted = answer.status === "Accepted";
      this.#wakeAll();
    }
    return answer;
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `ready()` holds, bounded; false when the time ran out. */
  async until(ready: () => boolean, seconds: number): Promise<boolean> {
    const deadline = performance.now() + seconds * 1000;
    while (!ready()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000));
        const waiters = this.#waiters;
        function done() {
          clearTimeout(timer);
          resolve();
        }
        waiters.push(done);
      });
    }
    return true;
  }

  async connection(step: string): Promise<ChargePoint> {
    const seconds = this.#options.config.actionTimeoutS;
    if (!(await this.until(() => this.current?.connection.isOpen === true, seconds)))
      throw new CheckFailure(step, "the station is connected", `a connection within ${seconds} s`, "no connection");
    return this.current as ChargePoint;
  }

  acceptPassword(password: string): void {
    this.#passwords.add(password);
  }

  hold(on: boolean): void {
    this.holding = on;
    this.#wakeAll();
  }

  async drop(): Promise<void> {
    const cp = this.current;
    this.current = undefined;
    if (!cp || cp.closed) return;
    cp.close(1000, "closed by the test case");
  }

  /** Listens and waits for the station's first connection and boot. */
  async start(): Promise<string | undefined> {
    const options = this.#options;
    await this.#listen(this.server, options.port ?? 9000, options.host);
    this.#listening = true;
    options.onListening?.(`${this.#url(this.server)}/${encodeURIComponent(options.config.stationId)}`);
    const waitS = options.waitForStationS ?? 300;
    if (await this.until(() => this.booted && this.current !== undefined, waitS)) return undefined;
    return `the station ${options.config.stationId} did not connect and boot within ${waitS} s`;
  }

  async run(kase: CsCase): Promise<void> {
    const { config } = this.#options;
    // A case may leave the station Pending or Rejected (when it failed): the next one starts once it is let in.
    await this.until(() => this.booted, config.heartbeatIntervalS + config.actionTimeoutS);
    await this.settle();
    const t = new CsTest({
      caseId: kase.id,
      stationId: config.stationId,
      config,
      link: this,
      trigger: this.#options.trigger ?? noTrigger,
      frameCount: () => this.frames.length,
    });
    this.test = t;
    this.caseId = kase.id;
    let passed = false;
    try {
      await kase.run(t);
      t.finish();
      passed = true;
    } finally {
      // A case that failed while holding the station offline (or refusing its attempts) lets it back in for the next one.
      this.hold(false);
      this.refuse = undefined;
      // Not part 6: the next case finds the station idle (no transaction, no EV) however this one ended.
      if (this.current?.connection.isOpen) await t.tidy(!passed).catch(() => {});
      this.test = undefined;
      this.caseId = "";
    }
  }

  async stop(): Promise<void> {
    await (await this.#uploads?.catch(() => undefined))?.close();
    await this.#close(this.alternative);
    await this.#close(this.upgraded);
    if (this.#listening) await this.#close(this.server);
  }

  /** Lets the station finish what it was sending (the statuses after a boot) before the next case. */
  async settle(): Promise<void> {
    const started = performance.now();
    while (performance.now() - this.lastCallAt < quietMs && performance.now() - started < quietMaxMs)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Listens as the CSMS, waits for the station (bounded), runs the cases one at a time and resolves with
 * their results, in order; the server is closed at the end. A station that never connects makes every
 * applicable case an error.
 */
export function runCs(options: CsRunOptions): Promise<CaseResult[]> {
  return runCases(new PlayingCsms(options), options);
}
