/**
 * What a TC_*_CS case sees: the tool playing the CSMS towards the station under test. On top of the
 * verbs every case has (CaseTest: `send`, `expect`, steps and reusable states), the Charging Station
 * sends a message (`expectCall`, answered by the tool as `answer` says) and a "Manual Action" at the
 * station (`act`: plug in, present an idToken, reboot, asked of a trigger). Every CALL the station sends
 * is kept in order, so a step finds the next one of its action after the previous step's: a message out
 * of order is one the step cannot find.
 */
import type { ChargePoint } from "../../v201/index.js";
import { CaseTest, type CaseTestOptions } from "../case-test.js";
import { field } from "../cases/define.js";
import type { ConformanceConfig, IdToken } from "../config.js";
import { CheckFailure, StepError, shown } from "../failures.js";
import type { TlsControl } from "./tls-front.js";
import type { UploadServer } from "./upload-server.js";

type Body = Record<string, unknown>;

/** A CALL the station sent during the case: its place in the order, and what the tool answered. */
export interface StationCall {
  readonly index: number;
  readonly action: string;
  readonly payload: Body;
  /** Milliseconds since the case started. */
  readonly atMs: number;
}

/**
 * What the tool answers to a CALL of the station: a fixed body, or one made from the request (a promise:
 * the answer comes when it settles, TC_E_41/42 leave a request unanswered for a while).
 */
export type Answer = Body | ((payload: Body) => Body | Promise<Body>);

/** The physical actions a case asks for at the station (the trigger's OCPPKIT_ACTION). */
export const PhysicalAction = {
  /** Switch the station off and on (or reboot it): it sends a BootNotification. */
  PowerCycle: "PowerCycle",
  /** Connect the EV to the EVSE (payload evseId, connectorId). */
  PlugIn: "PlugIn",
  /** Present an idToken at the station (payload evseId, idToken; evseId 0: its own reader, no EVSE chosen yet). */
  PresentIdToken: "PresentIdToken",
  /** Disconnect the EV (payload evseId, connectorId). */
  Unplug: "Unplug",
  /** Drive the EV into the parking bay (payload evseId). */
  DriveIn: "DriveIn",
  /** Drive the EV out of the parking bay (payload evseId). */
  DriveOut: "DriveOut",
  /** The EVSE loses the connection with the EV at the EV side; the cable stays in the station (payload evseId). */
  EVSideDisconnect: "EVSideDisconnect",
  /** Store a customer identifier at the station by hand (payload customerIdentifier; TC_N_62 Memory State). */
  StoreCustomerIdentifier: "StoreCustomerIdentifier",
  /** Reconnect the EV and EVSE on the EV side (payload evseId). */
  EVSideReconnect: "EVSideReconnect",
  /** The EV suspends the energy transfer, or is set not to be ready for it (payload evseId). */
  EVSuspend: "EVSuspend",
  /** The EV takes energy again (payload evseId). */
  EVResume: "EVResume",
  /** On the station's user interface, choose the transactions a master pass just presented stops (payload evseIds). */
  SelectStop: "SelectStop",
} as const;
export type PhysicalAction = (typeof PhysicalAction)[keyof typeof PhysicalAction];

/** The runner's endpoints: the one the station was configured with, TC_A_19's higher profile, TC_B_45-49's other CSMS. */
export type EndpointName = "main" | "upgrade" | "alternative";

/** A connection attempt of the station (its HTTP upgrade request reached the runner). */
export interface ConnectionAttempt {
  readonly index: number;
  readonly endpoint: EndpointName;
  /** performance.now() when it came. */
  readonly atMs: number;
  /** The runner let it in (else: HTTP 404, part 6 "the connection attempt is not accepted"). */
  readonly accepted: boolean;
}

/** How the runner gives the case the station: its current connection, and each CALL of any connection. */
export interface StationLink {
  /** The open connection, waiting (bounded) for the station to connect when there is none. */
  connection(step: string): Promise<ChargePoint>;
  /** Closes the connection (part 6: "The OCTT closes the WebSocket connection"). */
  drop(): Promise<void>;
  /** Profiles 1 and 2: the Basic auth password of the last connection attempt. */
  readonly lastPassword?: string;
  /** Profiles 1 and 2: accept connections with this password too (a case gave the station a new one). */
  acceptPassword?(password: string): void;
  /** The URL of a second endpoint one security profile higher (TC_A_19), undefined when the runner has none. */
  upgradeEndpoint?(): Promise<string | undefined>;
  /** The station's connection is on that second endpoint. */
  readonly onUpgradeEndpoint?: boolean;
  /** While on, a reconnecting station is not let in (its upgrade waits); off lets it in. */
  hold(on: boolean): void;
  /** The runner's endpoint of the same security profile the station is not connected to, another "CSMS" (TC_B_45-49). */
  otherEndpoint?(): Promise<{ endpoint: EndpointName; url: string }>;
  /** The endpoint of the station's last connection. */
  readonly connectedTo?: EndpointName;
  /**
   * From now on `endpoint` serves a CSMS certificate of the old or the new CSMS root (TC_B_47/50,
   * TC_M_30/31); false when the runner has no such certificate (or, for the old one, no longer serves it there).
   */
  serveRoot?(endpoint: EndpointName, root: "old" | "new"): Promise<boolean>;
  /** The station's connection attempts since the runner started. */
  readonly attempts?: readonly ConnectionAttempt[];
  /** The runner's log upload endpoint (one per run, started when first asked for). */
  uploadServer?(): Promise<UploadServer>;
  /** Which attempts to refuse during the case. */
  refuse?: ((attempt: Omit<ConnectionAttempt, "accepted">) => boolean) | undefined;
  /** wss only: the station's TLS handshakes on the main endpoint, and what the runner offers the next ones (TC_A_04-07). */
  readonly tls?: TlsControl;
}

export interface CsTestOptions extends CaseTestOptions {
  readonly link: StationLink;
  /** How many frames have been logged (a failure remembers where it happened). */
  readonly frameCount: () => number;
}

export class CsTest extends CaseTest {
  protected readonly sut = "station";
  /** Every CALL of the station during the case, in order. */
  readonly calls: StationCall[] = [];
  readonly #link: StationLink;
  readonly #frameCount: () => number;
  readonly #answers = new Map<string, Answer>();
  readonly #started = performance.now();
  #cursor = 0;
  #wakers: (() => void)[] = [];
  /** What the case's physical actions left at each EVSE, for `tidy`. */
  readonly #left = new Map<number, { cable: boolean; bay: boolean; tokenWaiting: boolean }>();

  constructor(options: CsTestOptions) {
    super(options);
    this.#link = options.link;
    this.#frameCount = options.frameCount;
  }

  protected frameCount(): number {
    return this.#frameCount();
  }

  protected async connection(label: string): Promise<ChargePoint> {
    try {
      return await this.#link.connection(label);
    } catch (error) {
      if (error instanceof CheckFailure || error instanceof StepError) throw this.fail(error);
      throw this.fail(new StepError(label, (error as Error).message));
    }
  }

  /** `<Configured evseId>` and `<Configured connectorId>`. */
  get evseId(): number {
    return this.config.evseId;
  }
  get connectorId(): number {
    return this.config.connectorId;
  }

  // ---- the station sends, the tool answers ----

  /** What the tool answers to `action` from now on (until changed); the default is `defaultAnswer`. */
  answer(action: string, answer: Answer | undefined): void {
    if (answer === undefined) this.#answers.delete(action);
    else this.#answers.set(action, answer);
  }

  /** Called by the runner for every CALL of the station while the case runs: checked, kept, answered. */
  incoming(action: string, payload: Body): Body | Promise<Body> {
    const problem = this.invalidCall(action, payload);
    if (problem) {
      this.#wake();
      throw problem;
    }
    this.calls.push({ index: this.calls.length, action, payload, atMs: performance.now() - this.#started });
    this.#wake();
    const answer = this.#answers.get(action);
    if (answer === undefined) return defaultAnswer(this.config, action, payload);
    return typeof answer === "function" ? answer(payload) : answer;
  }

  /** Now, in the station's messages: pass it as `since` to accept the messages sent from now on in any order. */
  mark(): number {
    return this.calls.length;
  }

  /**
   * Step `step`: the station sends `action` (the next one after the previous step's, or after `since`),
   * bounded by config actionTimeoutS; `where` narrows which one (a StatusNotification of EVSE 2).
   */
  async expectCall(
    step: number | string,
    action: string | readonly string[],
    options: { since?: number; where?: (payload: Body) => boolean; describe?: string; timeoutS?: number } = {},
  ): Promise<StationCall> {
    const label = this.begin(step);
    const actions = typeof action === "string" ? [action] : action;
    const from = options.since ?? this.#cursor;
    const seconds = options.timeoutS ?? this.config.actionTimeoutS;
    const deadline = performance.now() + seconds * 1000;
    for (;;) {
      this.raisePending();
      const found = this.calls.find((c) => c.index >= from && actions.includes(c.action) && (options.where?.(c.payload) ?? true));
      if (found) {
        if (options.since === undefined) this.#cursor = found.index + 1;
        else this.#cursor = Math.max(this.#cursor, found.index + 1);
        return found;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        const what = `${actions.map((a) => `${a}Request`).join(" or ")}${options.describe ? ` (${options.describe})` : ""}`;
        const after = this.calls.filter((c) => c.index >= from).map((c) => c.action);
        throw this.fail(
          new CheckFailure(
            label,
            `the station sends ${what}`,
            `${what} within ${seconds} s`,
            after.length ? `only ${after.join(", ")}` : "nothing",
          ),
        );
      }
      await this.#nextCall(left);
    }
  }

  /** Step `step`: the station sends no `action` for `seconds` (part 6: "OCTT waits to make sure CS does not send"). */
  async expectNoCall(step: number | string, action: string, seconds: number): Promise<void> {
    const label = this.begin(step);
    const from = this.calls.length;
    await this.wait(seconds);
    this.raisePending();
    const sent = this.calls.find((c) => c.index >= from && c.action === action);
    if (sent) throw this.fail(new CheckFailure(label, `the station sends no ${action}Request`, "none", shown(sent.payload)));
  }

  /** The CALLs the station sent from `since` on, every one of them (post scenario validations). */
  callsSince(since: number, action?: string): StationCall[] {
    return this.calls.filter((c) => c.index >= since && (action === undefined || c.action === action));
  }

  #nextCall(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakers.push(done);
    });
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  /** Step `step` needs the runner's endpoint of the next security profile: its URL (without the station id). */
  async upgradeEndpoint(step: number | string): Promise<string> {
    const label = this.begin(step);
    const url = await this.#link.upgradeEndpoint?.();
    if (url === undefined)
      throw this.fail(new StepError(label, "the runner has no endpoint of the next security profile (runCs option `upgrade`)"));
    return url;
  }

  /** Step `step` needs the runner's log upload endpoint (TC_N_25/26/35/36). */
  async uploadServer(step: number | string): Promise<UploadServer> {
    const label = this.begin(step);
    try {
      const server = await this.#link.uploadServer?.();
      if (server) return server;
      throw new Error("this runner has none");
    } catch (error) {
      throw this.fail(new StepError(label, `the runner's log upload endpoint is not listening: ${(error as Error).message}`));
    }
  }

  /** Waits (bounded by actionTimeoutS) for the station to be connected on the endpoint of upgradeEndpoint(). */
  async expectUpgradedConnection(step: number | string): Promise<void> {
    const label = this.begin(step);
    const seconds = this.config.actionTimeoutS;
    const deadline = performance.now() + seconds * 1000;
    while (!(this.#link.onUpgradeEndpoint === true)) {
      if (performance.now() > deadline)
        throw this.fail(
          new CheckFailure(label, "the station connects with the new network profile", `a connection within ${seconds} s`, "none"),
        );
      await this.wait(0.1);
    }
    await this.connection(label);
  }

  /**
   * Step `step` needs the runner's endpoint of the same security profile that the station is not
   * connected to (the main one or a second): its name and URL (without the station id).
   */
  async otherEndpoint(step: number | string): Promise<{ endpoint: EndpointName; url: string }> {
    const label = this.begin(step);
    const other = await this.#link.otherEndpoint?.();
    if (other === undefined) throw this.fail(new StepError(label, "the runner has no second endpoint"));
    return other;
  }

  /**
   * Step `step`: "during the TLS handshake the OCTT provides a CSMS certificate which is signed by the
   * <Configured old/new CSMS Root certificate>", on `endpoint` (the one the station is connected to by default).
   */
  async serveCsmsCertificate(step: number | string, root: "old" | "new", endpoint = this.connectedTo): Promise<void> {
    const label = this.begin(step);
    if (await this.#link.serveRoot?.(endpoint, root)) return;
    throw this.fail(
      new StepError(
        label,
        root === "new"
          ? "the runner has no server certificate of the new CSMS root: give it one (ocppkit conformance cs --new-root-tls key,cert)"
          : "the runner serves no server certificate of the old CSMS root here (wss:// with --tls, and no earlier case moved it to the new root)",
      ),
    );
  }

  /** Waits (bounded by actionTimeoutS) for the station to be connected, on `endpoint` when given. */
  async expectConnected(step: number | string, endpoint?: EndpointName): Promise<void> {
    const label = this.begin(step);
    const seconds = this.config.actionTimeoutS;
    const deadline = performance.now() + seconds * 1000;
    while (endpoint !== undefined && this.#link.connectedTo !== endpoint) {
      if (performance.now() > deadline)
        throw this.fail(
          new CheckFailure(label, "the station connects with the new network profile", `a connection within ${seconds} s`, "none"),
        );
      await this.wait(0.1);
    }
    await this.connection(label);
  }

  /** The runner's endpoint the station last connected to. */
  get connectedTo(): EndpointName {
    return this.#link.connectedTo ?? "main";
  }

  /** From now on until the case ends (or `undefined`), the runner refuses the attempts `refuse` picks. */
  refuseConnections(refuse: ((attempt: Omit<ConnectionAttempt, "accepted">) => boolean) | undefined): void {
    this.#link.refuse = refuse;
  }

  /** Now, in the station's connection attempts (`since` of expectAttempt). */
  markAttempts(): number {
    return this.#link.attempts?.length ?? 0;
  }

  /** The station's connection attempts from index `since` up to (not including) `until`. */
  attemptsSince(since: number, until?: number): ConnectionAttempt[] {
    return (this.#link.attempts ?? []).slice(since, until);
  }

  /** Step `step`: the station makes a connection attempt (the first from `since` that `where` accepts), bounded. */
  async expectAttempt(
    step: number | string,
    describe: string,
    options: { since: number; where?: (attempt: ConnectionAttempt) => boolean; timeoutS?: number },
  ): Promise<ConnectionAttempt> {
    const label = this.begin(step);
    const seconds = options.timeoutS ?? this.config.actionTimeoutS;
    const deadline = performance.now() + seconds * 1000;
    for (;;) {
      const attempts = (this.#link.attempts ?? []).slice(options.since);
      const found = attempts.find((a) => options.where?.(a) ?? true);
      if (found) return found;
      if (performance.now() > deadline) {
        const seen = attempts.map((a) => `${a.endpoint} (${a.accepted ? "accepted" : "refused"})`).join(", ");
        throw this.fail(new CheckFailure(label, describe, `a connection attempt within ${seconds} s`, seen ? `only ${seen}` : "none"));
      }
      await this.wait(0.05);
    }
  }

  /** wss only: the station's TLS handshakes, and what the runner offers the next ones (a-tls.ts). */
  get tls(): TlsControl | undefined {
    return this.#link.tls;
  }

  /** The Basic auth password the station last connected with (undefined without Basic auth). */
  get lastPassword(): string | undefined {
    return this.#link.lastPassword;
  }

  /** From now on the tool accepts the station's connections with `password` too (TC_A_09 gives it a new one). */
  acceptPassword(password: string): void {
    this.#link.acceptPassword?.(password);
  }

  /**
   * Waits (bounded by actionTimeoutS) until the station's last connection attempt used `password` and
   * it is connected (TC_A_09 step 3: it connects again with its new password).
   */
  async expectConnectionWith(step: number | string, password: string): Promise<void> {
    const label = this.begin(step);
    const seconds = this.config.actionTimeoutS;
    const deadline = performance.now() + seconds * 1000;
    while (this.#link.lastPassword !== password) {
      if (performance.now() > deadline)
        throw this.fail(
          new CheckFailure(
            label,
            "the HTTP upgrade request's Authorization header",
            `Basic with the password ${password}`,
            this.#link.lastPassword === undefined ? "none" : `the password ${this.#link.lastPassword}`,
          ),
        );
      await this.wait(0.1);
    }
    await this.connection(label);
  }

  /** Closes the station's connection; a station reconnects by itself (part 4 section 5.3). */
  async disconnect(step: number | string): Promise<void> {
    this.begin(step);
    await this.#link.drop();
  }

  /** "The OCTT closes the WebSocket connection AND does not accept a reconnect" (until `acceptReconnect`). */
  async goOffline(step: number | string): Promise<void> {
    this.begin(step);
    this.#link.hold(true);
    await this.#link.drop();
  }

  /** "The OCTT accepts the reconnection attempt": the station is let in, and the step waits for its connection. */
  async acceptReconnect(step: number | string): Promise<void> {
    const label = this.begin(step);
    this.#link.hold(false);
    await this.connection(label);
  }

  // ---- manual actions at the station ----

  /**
   * Part 6's "Manual Action" at the station: asks the trigger (a prompt on a terminal, `--trigger`) for
   * it; with none the case is "needs action". The station's reaction is what the next steps wait for.
   */
  async act(step: number | string, action: PhysicalAction, instruction: string, payload: Body = {}): Promise<void> {
    await this.askTrigger(this.begin(step), action, payload, instruction);
    this.#remember(action, typeof payload.evseId === "number" ? payload.evseId : this.evseId);
  }

  #remember(action: PhysicalAction, evseId: number): void {
    const left = this.#left.get(evseId) ?? { cable: false, bay: false, tokenWaiting: false };
    this.#left.set(evseId, left);
    if (action === PhysicalAction.PlugIn) Object.assign(left, { cable: true, tokenWaiting: false });
    else if (action === PhysicalAction.Unplug) left.cable = false;
    else if (action === PhysicalAction.DriveIn) left.bay = true;
    else if (action === PhysicalAction.DriveOut) left.bay = false;
    else if (action === PhysicalAction.PresentIdToken && !left.cable) left.tokenWaiting = true;
  }

  /** The transactions the station started during the case and has not ended: transactionId and EVSE. */
  openTransactions(): Map<string, number> {
    const open = new Map<string, number>();
    for (const call of this.callsSince(0, "TransactionEvent")) {
      const id = String(field(call.payload, "transactionInfo.transactionId"));
      if (call.payload.eventType === "Ended") open.delete(id);
      else if (call.payload.eventType === "Started") open.set(id, Number(field(call.payload, "evse.id") ?? this.evseId));
    }
    return open;
  }

  /**
   * Not part 6: the station is left idle for the next case however this one ended (a failure must not
   * make the next case fail): a transaction still open is stopped (RequestStopTransaction), a cable left
   * in is unplugged, a parked EV driven out. After a failure an idToken presented without the EV (an
   * authorization waiting for the plug-in, up to EVConnectionTimeOut) is used up by a plug-in and an
   * unplug. Nothing here changes the case's outcome.
   */
  async tidy(failed: boolean): Promise<void> {
    // The outcome is decided: a schema violation found meanwhile must not stop the tidying.
    this.clearPending();
    const quietly = (work: () => Promise<unknown>) => work().catch(() => {});
    for (const [evseId, left] of this.#left) {
      if (failed && left.tokenWaiting && !left.cable)
        await quietly(() => this.act("after", PhysicalAction.PlugIn, `Connect the EV and EVSE ${evseId}`, { evseId, connectorId: 1 }));
    }
    const open = this.openTransactions();
    for (const transactionId of open.keys()) await quietly(() => this.send("after", "RequestStopTransaction", { transactionId }));
    for (const [evseId, left] of this.#left) {
      const evse = { evseId, connectorId: evseId === this.evseId ? this.connectorId : 1 };
      if (left.cable) await quietly(() => this.act("after", PhysicalAction.Unplug, `Disconnect the EV and EVSE ${evseId}`, evse));
      if (left.bay)
        await quietly(() => this.act("after", PhysicalAction.DriveOut, `Drive the EV out of the parking bay of EVSE ${evseId}`, evse));
    }
    const deadline = performance.now() + this.config.actionTimeoutS * 1000;
    while (this.openTransactions().size > 0 && performance.now() < deadline) await this.#nextCall(deadline - performance.now());
  }

  /** Ends the case: a schema violation seen after the last step still fails it. */
  finish(): void {
    this.raisePending();
  }
}

/** The idTokenInfo.status the tool gives a token: the config's valid, invalid, blocked and expired tokens. */
export function tokenStatus(config: ConformanceConfig, token: IdToken | undefined): string {
  if (!token) return "Unknown";
  const same = (t: IdToken) => t.idToken === token.idToken && t.type === token.type;
  const t = config.idTokens;
  if (same(t.valid) || same(t.validSameGroup) || same(t.masterPass)) return "Accepted";
  if (same(t.blocked)) return "Blocked";
  if (same(t.expired)) return "Expired";
  return "Invalid";
}

/** What the tool answers when the case says nothing else: what a CSMS that accepts everything answers. */
export function defaultAnswer(config: ConformanceConfig, action: string, payload: Body): Body {
  switch (action) {
    case "BootNotification":
      return { currentTime: new Date().toISOString(), interval: config.heartbeatIntervalS, status: "Accepted" };
    case "Heartbeat":
      return { currentTime: new Date().toISOString() };
    case "Authorize":
      return { idTokenInfo: { status: tokenStatus(config, payload.idToken as IdToken) } };
    case "TransactionEvent":
      return payload.idToken ? { idTokenInfo: { status: tokenStatus(config, payload.idToken as IdToken) } } : {};
    case "DataTransfer":
      return { status: "UnknownVendorId" };
    case "SignCertificate":
      return { status: "Accepted" };
    case "Get15118EVCertificate":
      return { status: "Failed", exiResponse: "" };
    case "GetCertificateStatus":
      return { status: "Failed" };
    case "NotifyEVChargingNeeds":
      return { status: "Rejected" };
    default:
      return {};
  }
}
