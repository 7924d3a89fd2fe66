/**
 * A simulated OCPP 2.0.1 / 2.1 charging station: the same surface as the 1.6 SimulatedCharger (so
 * demo, charge-point and load drive either), speaking the 2.x messages: BootNotification with a
 * chargingStation, StatusNotification per EVSE, Authorize with an idToken, and one TransactionEvent
 * (Started, Updated, Ended) per step of a session, its transaction id made by the station (2.0.1 E01).
 * RequestStart/StopTransaction, Reset, TriggerMessage, ChangeAvailability and UnlockConnector have
 * handlers here; the device model and what acts on it (variables, reports, monitoring) is the station
 * model's (src/station), and every other CSMS command gets a schema-valid answer (schema-answers.ts).
 */
import { randomUUID } from "node:crypto";
import { CallTimeoutError, type ChargePointOptions, type ConnectionLike, OcppError, type PayloadClass, SecurityError } from "../index.js";
import type { AfterOptions, Handler, OnOptions } from "../rpc/routing.js";
import * as v21 from "../v21/index.js";
import * as v201 from "../v201/index.js";
import type { OpenTransaction, TransactionRecorder } from "./charger-state.js";
import { MeterSchedule, type MeterValue } from "./meter-schedule.js";
import type { SwitchableLink } from "./network-profiles.js";
import { OfflineStatus } from "./offline-status.js";
import { schemaAnswer } from "./schema-answers.js";
import { Sessions } from "./session.js";
import type { ChargerSettings, LinkSettings, QueueLike } from "./simulated-charger.js";
import { StationStateFile } from "./state-file.js";
import { type Info2, Station2 } from "./station-2.js";
import type { VersionName } from "./station-version.js";
import { TlsFailures } from "./tls-failures.js";
import { endsOnDeauthorize, meterValues, type Reading, sendWithAttempts, transactionStart } from "./transactions.js";

type Kit = typeof v201 | typeof v21;
export const kits2: Record<"2.0.1" | "2.1", Kit> = { "2.0.1": v201, "2.1": v21 };
type Peer = v201.ChargePoint;
type Body = Record<string, unknown>;

interface Evse {
  readonly id: number;
  status: string;
  meterWh: number;
  transactionId?: string;
  idTag?: string;
  seqNo: number;
  meterTimer?: NodeJS.Timeout;
  claimed?: boolean;
  remoteStartId?: number;
  startedAt?: string;
  meterAt?: string;
}

/**
 * OCPPCommCtrlr variables that set the link (2.0.1 part 4 sections 5.3 and 8), with the defaults of
 * ReconnectingConnection in seconds. The device model declares them integers with minLimit 0, so a
 * negative or fractional value is Rejected there (InvalidValue) and never reaches the link.
 */
const linkVariables: Record<string, string> = {
  WebSocketPingInterval: "30",
  RetryBackOffWaitMinimum: "1",
  RetryBackOffRandomRange: "2",
  RetryBackOffRepeatTimes: "5",
};

/** 1.6 stop reasons as 2.0.1 ReasonEnumType has them (it has no SoftReset/HardReset/UnlockCommand). */
const reasons: Record<string, string> = {
  SoftReset: "ImmediateReset",
  HardReset: "ImmediateReset",
  UnlockCommand: "Local",
  Reboot: "Reboot",
};
const triggerReasons: Record<string, string> = {
  Remote: "RemoteStop",
  Local: "StopAuthorized",
  DeAuthorized: "Deauthorized",
  ImmediateReset: "ResetCommand",
  SoftReset: "ResetCommand",
  HardReset: "ResetCommand",
};
const now = () => new Date().toISOString();

export class SimulatedCharger2 {
  readonly id: string;
  readonly version: "2.0.1" | "2.1";
  readonly settings: ChargerSettings;
  readonly connectors: Evse[];
  readonly kit: Kit;
  peer: Peer | undefined;
  queue: QueueLike | undefined;
  recorder: TransactionRecorder | undefined;
  link: LinkSettings | undefined;
  heartbeatIntervalS = 0;
  /** The device model, monitoring and the handlers acting on them. */
  readonly station: Station2;
  /** Clock-aligned meter values and the samples of TransactionEvent Ended (J01, J02). */
  readonly meters: MeterSchedule;
  /** The physical session model (bay, cable, EV, authorization, power): what the control endpoint's actions drive. */
  readonly sessions: Sessions;
  /**
   * The station has a user interface on which a master pass holder chooses the transactions to stop
   * (C16.FR.01, the control endpoint's SelectStop); without one a master pass stops them all (C16.FR.02).
   */
  userInterface = false;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #lastReading = new Map<number, number>();

  constructor(settings: ChargerSettings, version: "2.0.1" | "2.1") {
    this.id = settings.id;
    this.version = version;
    this.kit = kits2[version];
    this.settings = settings;
    this.connectors = Array.from({ length: settings.connectors }, (_, i) => ({
      id: i + 1,
      status: "Available",
      meterWh: 1000 * (i + 1),
      seqNo: 0,
    }));
    this.station = new Station2(this, {
      evses: settings.connectors,
      model: "Simulator",
      vendorName: "ocppkit",
      powerW: settings.powerW ?? 11_000,
      identity: settings.id,
      securityProfile: 0,
      additionalRootCertificateCheck: settings.additionalRootCertificateCheck,
      heartbeatIntervalS: 0,
      txUpdatedIntervalS: settings.meterIntervalS,
    });
    // OCPPCommCtrlr.MessageTimeout says how long the station waits for an answer (part 4 section 4.1.1; E13 counts on it).
    if (settings.responseTimeoutMs !== undefined) {
      const seconds = String(Math.max(1, Math.ceil(settings.responseTimeoutMs / 1000)));
      this.station.model.update("OCPPCommCtrlr", { name: "MessageTimeout", instance: "Default" }, seconds);
    }
    // The simulator's link starts with these; a state directory may hold the CSMS's values instead.
    for (const [name, value] of Object.entries(linkVariables)) this.station.model.update("OCPPCommCtrlr", name, value);
    // SetVariables (or a restore) changing one of them changes the link at once.
    this.station.model.onChange(({ variable, type }) => {
      if (type === "Actual" && !variable.component.evse && variable.component.name === "OCPPCommCtrlr") {
        if (variable.variable.name in linkVariables) this.#applyLinkVariable(variable.variable.name);
      }
    });
    this.meters = new MeterSchedule({
      model: this.station.model,
      evseIds: () => this.connectors.map((e) => e.id),
      inTransaction: (id) => this.connector(id)?.transactionId !== undefined,
      online: () => this.online,
      reading: (id) => this.reading(id),
      sendClockAligned: (id, values) => this.#sendClockAligned(id, values),
      signed: (component, values) => this.station.signed(component, values),
      failed: (what, error) => this.#failed(what, error),
    });
    this.sessions = new Sessions({
      evse: (id) => this.connector(id),
      list: (component, variable) => this.station.list(component, variable),
      enabled: (component, variable) => this.station.enabled(component, variable),
      value: (component, variable) => this.station.model.value(component, variable),
      authorize: (idToken) => this.station.authorize(idToken),
      mayStart: (id, idToken) => this.station.operations.mayStart(id, idToken),
      mayStop: async (_id, startedBy, presented) => {
        // E07.FR.02: the idToken that started the transaction stops it, without asking anyone.
        if (presented === startedBy) return "Local";
        const info = await this.station.authorizationInfo(presented);
        // C09.FR.11 (TC_C_04, TC_C_42): a token that is not Accepted stops nothing, whatever its group.
        if (info.status !== "Accepted") return undefined;
        // C16.FR.02: a master pass at a station without a user interface stops every transaction.
        if (this.station.isMasterPass(info)) return "MasterPass";
        // C09.FR.03: an Accepted token of the same GroupIdToken stops it.
        const group = this.station.groupOf(startedBy);
        return group !== undefined && info.group === group ? "Local" : undefined;
      },
      useReservation: (id, idToken) => this.station.operations.useReservation(id, idToken),
      sendStatus: (id, status) => this.sendStatus(id, status),
      transactionEvent: async (body) => {
        const response = await this.#transactionEvent(body, undefined, true);
        // C10.FR.05: the idTokenInfo of a TransactionEventResponse updates the Authorization Cache (TC_C_33, TC_C_34).
        const idToken = body.idToken as { idToken: string } | undefined;
        if (idToken) this.station.transactionAnswer(idToken.idToken, response.idTokenInfo as Info2 | undefined);
        return response;
      },
      energyWh: (id) => {
        const evse = this.connector(id);
        if (evse) this.#advanceMeter(evse);
        return evse?.meterWh ?? 0;
      },
      userInterface: () => this.userInterface,
      meterValue: (id, event) => {
        const evse = this.connector(id);
        if (!evse) return {};
        this.#advanceMeter(evse);
        // J01/J02: the Ended event carries the TxEndedInterval samples taken during the transaction, then the final reading.
        return event === "Ended" ? this.#endedMeterValue(evse) : this.#meterValue(evse, 0, event);
      },
      started: (id) => {
        const evse = this.connector(id);
        this.station.transactionStarted(id);
        if (evse) this.#startMeter(evse);
        this.meters.transactionStarted(id);
      },
      ended: (id) => {
        const evse = this.connector(id);
        clearInterval(evse?.meterTimer);
        if (evse) evse.meterTimer = undefined;
        return this.station.sessionEnded(id);
      },
      idleStatus: (id) => this.station.operations.idleStatus(id),
      log: (text) => this.#event("info", text),
      newTransactionId: () => randomUUID(),
      permanentCable: () => settings.permanentCable === true,
    });
    // What the EVSEs' connectors are: a socket for a detachable cable, or a Type 2 cable fixed to the station.
    for (const evse of this.connectors)
      this.station.model.update(
        { name: "Connector", evse: { id: evse.id, connectorId: 1 } },
        "ConnectorType",
        settings.permanentCable ? "cType2" : "sType2",
      );
    if (settings.stateDir) {
      const file = new StationStateFile(settings.stateDir, version);
      file.onProblem = (message) => settings.logger.warn?.(message, { chargePointId: this.id });
      this.station.keepIn(file);
    }
  }

  #payload(action: string, body: Body): { readonly "~action": string } {
    const Payload = (this.kit.call as unknown as Record<string, PayloadClass>)[action];
    return new Payload(body as never) as unknown as { readonly "~action": string };
  }

  /** The states to report when a lost connection comes back (B04); the CLI leaves that to the station. */
  readonly reportsReconnect = true;
  #reconnecting = false;
  readonly #offline = new OfflineStatus({
    offlineThresholdS: () => Number(this.station.model.value("OCPPCommCtrlr", "OfflineThreshold")) || 0,
    registered: () => this.station.operations.accepted,
    // Every connector as it is now (a cable plugged in meanwhile is Occupied, not the idle state of a boot).
    evseIds: () => this.connectors.map((evse) => evse.id),
    send: (evseId) => this.sendStatus(evseId, this.connector(evseId)?.status ?? "Available"),
  });

  attach(connection: ConnectionLike, options: ChargePointOptions = {}): Peer {
    const peer = new (this.kit.ChargePoint as unknown as typeof v201.ChargePoint)(this.id, connection, {
      logger: this.settings.logger,
      responseTimeoutMs: this.settings.responseTimeoutMs,
      ...options,
    });
    this.peer = peer;
    this.#routes(peer);
    return peer;
  }

  detach(): void {
    this.peer = undefined;
    this.meters.stop();
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    for (const evse of this.connectors) {
      clearInterval(evse.meterTimer);
      evse.meterTimer = undefined;
    }
  }

  connector(id: number): Evse | undefined {
    return this.connectors[id - 1];
  }

  get online(): boolean {
    return this.peer?.connection.isOpen === true;
  }

  async send(action: string, body: Body): Promise<Body> {
    const onCall = this.settings.onCall;
    if (!this.peer) {
      const error = new Error(`${action} not sent: not connected`);
      onCall?.(action, 0, error);
      throw error;
    }
    const sentAt = performance.now();
    try {
      const result = (await this.peer.call(this.#payload(action, body) as never, { suppress: false })) as Body;
      onCall?.(action, performance.now() - sentAt);
      return result;
    } catch (error) {
      onCall?.(action, performance.now() - sentAt, error);
      throw error;
    }
  }

  /**
   * TransactionEvent through the offline queue when there is one (2.0.1 E04: kept and sent in order,
   * with `offline: true` when made while offline). `onQueued` runs once it is durable.
   */
  async #transactionEvent(body: Body, onQueued?: () => Promise<void>, untilDelivered = false): Promise<Body> {
    if (!this.queue) {
      // E13: a CALLERROR or no answer: sent again, OCPPCommCtrlr.MessageAttempts / MessageAttemptInterval (TransactionEvent).
      const setting = (name: string) => Number(this.station.model.value("OCPPCommCtrlr", { name, instance: "TransactionEvent" })) || 0;
      const response = await sendWithAttempts(
        () => this.send("TransactionEvent", body),
        setting("MessageAttempts"),
        setting("MessageAttemptInterval"),
        (error) => error instanceof OcppError || error instanceof CallTimeoutError,
      );
      await onQueued?.();
      return response ?? {};
    }
    const offline = !this.online;
    // The note runs before the queue may send the message: no crash can fall between the two.
    const queued = await this.queue.call(this.#payload("TransactionEvent", offline ? { ...body, offline: true } : body) as never, {
      onDurable: () => onQueued?.(),
    });
    // The session model waits for the answer of an event queued offline too: its idTokenInfo may deauthorize (E05, TC_E_16).
    return this.online || untilDelivered ? ((await queued.response) as Body) : {};
  }

  /**
   * The link is `link` from now on: the device model shows its keepalive (the command line's), and the
   * back-off the model holds (a CSMS's values kept in the state directory) applies to it.
   */
  attachLink(link: LinkSettings | (LinkSettings & SwitchableLink)): void {
    // Before `link` is set: a fractional --ping-interval is not rounded on the link itself.
    this.link = undefined;
    this.station.model.update("OCPPCommCtrlr", "WebSocketPingInterval", String(Math.round(link.pingIntervalMs / 1000)));
    this.link = link;
    for (const name of ["RetryBackOffWaitMinimum", "RetryBackOffRandomRange", "RetryBackOffRepeatTimes"]) this.#applyLinkVariable(name);
    // A link that can change its endpoint follows the network connection profiles (B09, B10, A05).
    if ("retarget" in link) {
      this.station.network.attach(link);
      this.#reconnecting = true;
      link.on("state", (change) => this.#offline.onState(change));
      link.on("state", (change) => {
        this.#tlsFailures.onState(change);
        // Reconnected without a reboot: the refused handshakes are reported now; after a boot, boot() does it.
        if (change.state === "open" && this.station.operations.accepted)
          this.background("SecurityEventNotification", () => this.#reportTlsFailures());
      });
    }
  }

  /** Handshakes the station refused (InvalidCsmsCertificate, InvalidTLSVersion), reported once connected. */
  readonly #tlsFailures = new TlsFailures();

  #reportTlsFailures(): Promise<void> {
    return this.#tlsFailures.send((type, techInfo) => this.station.operations.securityEvent(type, techInfo));
  }

  /** A refused connection is one failed attempt while another network profile can be tried (B10). */
  get fallsBack(): boolean {
    return this.station.network.fallsBack;
  }

  /** A line in the station's event log. */
  note(text: string): void {
    this.#event("info", text);
  }

  /** Saves an EVSE's open transaction in the state directory, before the message that changes it is queued. */
  #record(evse: Evse, startQueued = true, transactionId = evse.transactionId): Promise<void> {
    if (!this.recorder || transactionId === undefined || evse.idTag === undefined || evse.startedAt === undefined) {
      return Promise.resolve();
    }
    return this.recorder.save({
      connectorId: evse.id,
      transactionId,
      startQueued,
      idTag: evse.idTag,
      startedAt: evse.startedAt,
      meterWh: evse.meterWh,
      meterAt: evse.meterAt ?? evse.startedAt,
      seqNo: evse.seqNo,
    });
  }

  async #forget(evse: Evse): Promise<void> {
    evse.idTag = undefined;
    evse.startedAt = undefined;
    evse.meterAt = undefined;
    await this.recorder?.forget(evse.id);
  }

  /** After a crash: TransactionEvent Ended, stoppedReason PowerLoss, the next seqNo and the last meter value known. */
  async endAfterPowerLoss(transaction: OpenTransaction & { readonly transactionId: number | string }): Promise<void> {
    const evse = { id: transaction.connectorId, meterWh: transaction.meterWh } as Evse;
    if (!this.queue) throw new Error("a power-loss stop needs the offline queue");
    const offline = !this.online;
    // Queued, not awaited: it is delivered once the boot that follows is Accepted.
    const body: Body = {
      eventType: "Ended",
      timestamp: transaction.meterAt,
      triggerReason: "AbnormalCondition",
      seqNo: transaction.seqNo ?? 0,
      transactionInfo: { transactionId: String(transaction.transactionId), chargingState: "Idle", stoppedReason: "PowerLoss" },
      evse: { id: transaction.connectorId, connectorId: 1 },
      idToken: this.#idToken(transaction.idTag),
      ...this.#meterValue(evse, 0, "Ended", transaction.meterAt),
      ...(offline ? { offline } : {}),
    };
    await this.queue.call(this.#payload("TransactionEvent", body) as never);
    // The transaction is over: its TxProfiles, kept in station.json, go with it (a TxProfile lives as long as its transaction, K01).
    this.station.sessionEnded(transaction.connectorId);
    this.#event(
      "stopped",
      `transaction ${transaction.transactionId} left open by a power loss stopped on EVSE ${transaction.connectorId}; meter ${transaction.meterWh} Wh`,
      transaction.connectorId,
      String(transaction.transactionId),
    );
  }

  /** The last BootNotification status: while Pending or Rejected the station is not yet registered (B02, B03). */
  registration: "Accepted" | "Pending" | "Rejected" | undefined;
  #bootAccepted: ((response: Body) => void) | undefined;
  /** A CALL that arrives with the answer to the BootNotification is judged once that answer is read. */
  #bootInFlight: Promise<void> | undefined;

  /**
   * BootNotification (2.0.1 B01) with `reason`, resent after the interval while Pending or Rejected; a
   * BootNotification the CSMS triggers and accepts meanwhile ends the wait (B02 / F06). Once accepted,
   * `afterBoot`, the security event of the start (A04, part 6 reusable state Booted), then the statuses.
   */
  async boot(reason = "PowerUp", afterBoot?: () => Promise<void>): Promise<void> {
    const chargingStation = { model: "Simulator", vendorName: "ocppkit", firmwareVersion: this.station.operations.firmwareVersion };
    const boot = { reason, chargingStation };
    let response: Body;
    this.registration = undefined;
    this.station.operations.accepted = false;
    // B03: nothing but the BootNotification until it is accepted, heartbeats included.
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    if (this.queue) {
      response = (await this.queue.register(this.#payload("BootNotification", boot) as never)) as Body;
    } else {
      for (;;) {
        const sent = this.send("BootNotification", boot);
        this.#bootInFlight = sent.then(
          () => {},
          () => {},
        );
        response = await sent;
        this.#bootInFlight = undefined;
        if (response.status === "Accepted") break;
        this.registration = response.status as "Pending" | "Rejected";
        const triggered = await new Promise<Body | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), (Number(response.interval) || 10) * 1000);
          this.#bootAccepted = (accepted) => {
            clearTimeout(timer);
            resolve(accepted);
          };
        });
        this.#bootAccepted = undefined;
        if (triggered) {
          response = triggered;
          break;
        }
        if (!this.peer) return;
      }
    }
    this.registration = "Accepted";
    this.station.operations.accepted = true;
    this.setHeartbeat(Number(response.interval) || 0);
    for (const evse of this.connectors) if (evse.transactionId !== undefined) this.#startMeter(evse);
    this.meters.start();
    await afterBoot?.();
    // The critical security event of the start (2.0.1 A04; part 6 reusable state Booted step 7), before
    // the statuses; after a firmware update the FirmwareUpdated event (sent by afterBoot) reports it.
    if (reason !== "FirmwareUpdate")
      await this.station.operations.securityEvent(reason === "PowerUp" ? "StartupOfTheDevice" : "ResetOrReboot");
    await this.sendAllStatuses();
    // A refused report stays kept for the next connection.
    await this.#reportTlsFailures().catch(() => {});
    this.station.booted();
  }

  /** A reboot of the simulated station: the same connection, a new BootNotification with `reason`. */
  async reboot(reason: string, afterBoot?: () => Promise<void>): Promise<void> {
    this.station.operations.accepted = false;
    this.#event("info", `rebooting (${reason})`);
    // A new NetworkConfigurationPriority takes effect now: the station connects with its first profile.
    // A reboot ends a TLS session as well: the station makes a new handshake (part 6 Reusable State
    // Booting, TC_A_04-07_CS). Over ws:// the simulator keeps its connection, so other cases stay quick.
    const endpoint = this.link && "endpoint" in this.link ? (this.link as Partial<SwitchableLink>).endpoint : undefined;
    const overTls = endpoint?.url.startsWith("wss:") === true;
    if (!(await this.station.network.reconnectIfChanged()) && overTls) await this.station.network.reconnect();
    await this.boot(reason, afterBoot);
  }

  /** What GetLog uploads: what the station did, one line each; the security log apart (N01). */
  logText(logType: string): string {
    const lines = logType === "SecurityLog" ? this.station.operations.securityLog.lines : this.#log;
    return [`ocppkit simulator ${this.id} ${logType}`, ...lines].join("\n");
  }

  setHeartbeat(intervalS: number): void {
    this.heartbeatIntervalS = intervalS;
    this.station.model.update("OCPPCommCtrlr", "HeartbeatInterval", String(intervalS));
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    if (intervalS <= 0) return;
    this.#heartbeatTimer = setInterval(() => {
      if (this.online) this.send("Heartbeat", {}).catch((error: unknown) => this.#failed("Heartbeat", error));
    }, intervalS * 1000);
    this.#heartbeatTimer.unref();
  }

  async sendAllStatuses(): Promise<void> {
    this.#offline.reset();
    for (const evse of this.connectors) await this.sendStatus(evse.id, this.#currentStatus(evse));
  }

  /**
   * An EVSE's status as a (re)boot reports it: an idle one shows what the station holds for it (reserved,
   * inoperative), kept over a restart; a cable still in makes it Occupied (part 6 TC_B_21 step 9, TC_B_22
   * step 7: a transaction ended by a reset leaves the EV connected), unless it is Unavailable.
   */
  #currentStatus(evse: Evse): string {
    if (evse.transactionId !== undefined) return evse.status;
    const idle = this.station.operations.idleStatus(evse.id);
    return this.sessions.cableIn(evse.id) && idle !== "Unavailable" ? "Occupied" : idle;
  }

  async sendStatus(evseId: number, status: string): Promise<void> {
    const evse = this.connector(evseId);
    if (evse) evse.status = status;
    if (!this.online && this.#reconnecting) this.#offline.changed(evseId);
    if (!this.online && (this.queue || this.#reconnecting)) return;
    await this.send("StatusNotification", { timestamp: now(), connectorStatus: status, evseId, connectorId: 1 });
  }

  #idToken(idTag: string) {
    return { idToken: idTag, type: "ISO14443" };
  }

  /**
   * `meterValue` with SampledDataCtrlr's measurands for the event (`Started`, `Updated`, `Ended`), when
   * there are any, read at `timestamp` (a power-loss Ended carries the last reading and its time).
   */
  #meterValue(evse: Evse, powerW: number, event: "Started" | "Updated" | "Ended", timestamp = now(), trigger = false) {
    // F06: a triggered reading says so in its context.
    const context = trigger ? "Trigger" : { Started: "Transaction.Begin", Updated: "Sample.Periodic", Ended: "Transaction.End" }[event];
    const reading = { energyWh: evse.meterWh, powerW, offeredW: this.station.offeredW(evse.id), voltageV: 230, phases: 3 };
    const values = meterValues(this.station.list("SampledDataCtrlr", `Tx${event}Measurands`), reading, context);
    const stamped = values.map((value) => ({ ...value, timestamp }));
    return values.length ? { meterValue: this.station.signed("SampledDataCtrlr", stamped, event === "Started") } : {};
  }

  /** The Ended event's meterValue: the TxEnded samples taken during the transaction, then the final reading (J01, J02). */
  #endedMeterValue(evse: Evse): { meterValue?: MeterValue[] } {
    const values = [...this.meters.transactionEnded(evse.id), ...(this.#meterValue(evse, 0, "Ended").meterValue ?? [])];
    return values.length ? { meterValue: values } : {};
  }

  /** What the meter of an EVSE reads now. */
  reading(evseId: number): Reading {
    const evse = this.connector(evseId);
    const charging = evse?.transactionId !== undefined;
    return {
      energyWh: evse?.meterWh ?? 0,
      powerW: charging ? this.#powerW(evseId) : 0,
      offeredW: this.station.offeredW(evseId),
      voltageV: 230,
      phases: 3,
    };
  }

  /** Clock-aligned values: a TransactionEvent Updated (MeterValueClock) for an EVSE with a transaction, else MeterValues (J01). */
  async #sendClockAligned(evseId: number, meterValue: MeterValue[]): Promise<void> {
    const evse = this.connector(evseId);
    if (!evse || evse.transactionId === undefined) {
      await this.send("MeterValues", { evseId, meterValue });
      return;
    }
    const seqNo = evse.seqNo++;
    await this.#record(evse);
    await this.#transactionEvent({
      eventType: "Updated",
      timestamp: meterValue[0]?.timestamp ?? now(),
      triggerReason: "MeterValueClock",
      seqNo,
      transactionInfo: { transactionId: evse.transactionId, chargingState: this.sessions.chargingState(evse.id) ?? "Charging" },
      evse: { id: evse.id, connectorId: 1 },
      meterValue,
    });
  }

  async startSession(evseId: number, idTag: string, authorize: boolean, remoteStartId?: number): Promise<string | undefined> {
    const evse = this.connector(evseId);
    if (!evse || evse.transactionId !== undefined) return undefined;
    if (!this.station.operations.mayStart(evse.id, idTag)) {
      this.#event("info", `EVSE ${evse.id} is reserved or unavailable: ${idTag} may not charge there`);
      return undefined;
    }
    evse.claimed = true;
    try {
      // AuthCtrlr: Enabled false starts without authorization; AuthorizeRemoteStart asks before a remote start.
      const remote = remoteStartId === undefined ? {} : { remoteStartId };
      const mustAuthorize =
        this.station.enabled("AuthCtrlr", "Enabled") &&
        (remoteStartId === undefined ? authorize : this.station.enabled("AuthCtrlr", "AuthorizeRemoteStart"));
      // The local list, the cache and the CSMS decide, per the AuthCtrlr settings (src/station).
      const accepted = async () => {
        if (!mustAuthorize || (await this.station.authorize(idTag))) return true;
        this.#event("info", `idToken ${idTag} was not accepted`);
        return false;
      };
      const start = transactionStart(this.station.list("TxCtrlr", "TxStartPoint"), remoteStartId !== undefined);
      if (!start.onPlugIn && !(await accepted())) return undefined;
      const transactionId = randomUUID();
      const startedAt = now();
      evse.transactionId = transactionId;
      this.station.transactionStarted(evse.id);
      evse.idTag = idTag;
      evse.seqNo = 0;
      evse.remoteStartId = remoteStartId;
      evse.startedAt = startedAt;
      evse.meterAt = startedAt;
      await this.sendStatus(evse.id, "Occupied");
      const seqNo = evse.seqNo++;
      await this.#record(evse, false);
      let started = await this.#transactionEvent(
        {
          eventType: "Started",
          timestamp: startedAt,
          triggerReason: start.triggerReason,
          seqNo,
          transactionInfo: { transactionId, chargingState: start.onPlugIn ? "EVConnected" : "Charging", ...remote },
          evse: { id: evse.id, connectorId: 1 },
          ...this.station.operations.useReservation(evse.id, idTag),
          ...(start.onPlugIn ? {} : { idToken: this.#idToken(idTag) }),
          ...this.#meterValue(evse, 0, "Started", startedAt),
        },
        () => this.#record(evse),
      );
      // TxStartPoint EVConnected: the transaction runs from the plug-in; the driver's authorization follows (E02).
      if (start.onPlugIn) {
        if (!(await accepted())) {
          await this.stopSession(evse.id, "DeAuthorized");
          return undefined;
        }
        const authorizedSeqNo = evse.seqNo++;
        await this.#record(evse);
        started = await this.#transactionEvent({
          eventType: "Updated",
          timestamp: now(),
          triggerReason: remoteStartId === undefined ? "Authorized" : "RemoteStart",
          seqNo: authorizedSeqNo,
          transactionInfo: { transactionId, chargingState: "Charging", ...remote },
          evse: { id: evse.id, connectorId: 1 },
          idToken: this.#idToken(idTag),
        });
      }
      this.station.transactionAnswer(idTag, started.idTokenInfo as Info2 | undefined);
      const status = (started.idTokenInfo as { status?: string } | undefined)?.status;
      if (status !== undefined && status !== "Accepted") {
        this.#event("info", `transaction ${transactionId} refused for ${idTag}; stopping`);
        await this.stopSession(evse.id, "DeAuthorized");
        return undefined;
      }
      this.#event("started", `transaction ${transactionId} started on EVSE ${evse.id} for ${idTag}`, evse.id, transactionId);
      this.#startMeter(evse);
      this.meters.transactionStarted(evse.id);
      return transactionId;
    } finally {
      evse.claimed = false;
    }
  }

  async stopSession(evseId: number, reason: string): Promise<void> {
    const evse = this.connector(evseId);
    if (!evse || evse.transactionId === undefined) return;
    if (this.sessions.owns(evseId))
      return this.sessions.stop(evseId, {
        triggerReason: triggerReasons[reason] ?? "AbnormalCondition",
        stoppedReason: reasons[reason] ?? reason,
      });
    const transactionId = evse.transactionId;
    clearInterval(evse.meterTimer);
    evse.meterTimer = undefined;
    this.#advanceMeter(evse);
    evse.transactionId = undefined;
    const triggerReason = triggerReasons[reason] ?? "StopAuthorized";
    const stoppedReason = reasons[reason] ?? reason;
    // TxStopPoint EVConnected alone: stopping leaves the cable in, and the transaction ends when it is unplugged (E06).
    const onDeauthorize = endsOnDeauthorize(this.station.list("TxCtrlr", "TxStopPoint"));
    if (!onDeauthorize) {
      const seqNo = evse.seqNo++;
      await this.#record(evse, true, transactionId);
      await this.#transactionEvent({
        eventType: "Updated",
        timestamp: now(),
        triggerReason,
        seqNo,
        transactionInfo: { transactionId, chargingState: "EVConnected" },
        evse: { id: evse.id, connectorId: 1 },
      });
    }
    await this.#transactionEvent(
      {
        eventType: "Ended",
        timestamp: now(),
        triggerReason: onDeauthorize ? triggerReason : "EVCommunicationLost",
        seqNo: evse.seqNo++,
        transactionInfo: { transactionId, chargingState: "Idle", stoppedReason },
        evse: { id: evse.id, connectorId: 1 },
        ...this.#endedMeterValue(evse),
      },
      () => this.#forget(evse),
    );
    await this.sendStatus(evse.id, this.station.sessionEnded(evse.id));
    this.#event(
      "stopped",
      `transaction ${transactionId} stopped on EVSE ${evse.id} (${reason}); meter ${evse.meterWh} Wh`,
      evse.id,
      transactionId,
    );
  }

  /** TransactionEvent Updated during a transaction (`triggerReason` MeterValuePeriodic or Trigger), else MeterValues. */
  async sendMeterValues(evseId: number, triggerReason = "MeterValuePeriodic", meterValuesMessage = false): Promise<void> {
    const evse = this.connector(evseId);
    if (!evse) return;
    if (evse.transactionId === undefined || meterValuesMessage) {
      const reading = {
        energyWh: evse.meterWh,
        powerW: evse.transactionId === undefined ? 0 : this.#powerW(evse.id),
        offeredW: this.station.offeredW(evse.id),
        voltageV: 230,
        phases: 3,
      };
      const measurands = this.station.list("AlignedDataCtrlr", "Measurands");
      await this.send("MeterValues", {
        evseId,
        meterValue: meterValues(measurands.length ? measurands : ["Energy.Active.Import.Register"], reading, "Trigger"),
      });
      return;
    }
    this.#advanceMeter(evse);
    const meterAt = now();
    evse.meterAt = meterAt;
    const seqNo = evse.seqNo++;
    await this.#record(evse);
    await this.#transactionEvent({
      eventType: "Updated",
      timestamp: meterAt,
      triggerReason,
      seqNo,
      transactionInfo: { transactionId: evse.transactionId, chargingState: this.sessions.chargingState(evse.id) ?? "Charging" },
      evse: { id: evse.id, connectorId: 1 },
      ...this.#meterValue(evse, this.#powerW(evse.id), "Updated", meterAt, triggerReason === "Trigger"),
    });
  }

  fastForward(evseId: number, minutes: number): void {
    const evse = this.connector(evseId);
    if (evse) evse.meterWh += Math.round(((this.settings.powerW ?? 11_000) * minutes) / 60);
  }

  learnTransactionId(): void {}

  async trigger(message: string, evseId: number | undefined): Promise<void> {
    const targets = evseId === undefined ? this.connectors.map((e) => e.id) : [evseId];
    if (message === "Heartbeat") await this.send("Heartbeat", {});
    else if (message === "BootNotification") {
      const response = await this.send("BootNotification", {
        reason: "Triggered",
        chargingStation: { model: "Simulator", vendorName: "ocppkit" },
      });
      if (response.status === "Accepted") this.#bootAccepted?.(response);
    } else if (message === "StatusNotification")
      for (const id of targets) await this.sendStatus(id, this.connector(id)?.status ?? "Available");
    // F06: MeterValues is a MeterValuesRequest even during a transaction; TransactionEvent an Updated event with triggerReason Trigger.
    else if (message === "MeterValues") for (const id of targets) await this.sendMeterValues(id, "Trigger", true);
    else if (message === "TransactionEvent")
      for (const id of targets) if (this.connector(id)?.transactionId !== undefined) await this.sendMeterValues(id, "Trigger");
  }

  background(what: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.#failed(what, error));
  }

  #advanceMeter(evse: Evse): void {
    const at = performance.now();
    const last = this.#lastReading.get(evse.id) ?? at;
    this.#lastReading.set(evse.id, at);
    evse.meterWh += Math.max(1, Math.round((this.#powerW(evse.id) * (at - last)) / 3_600_000));
  }

  /** The car draws a little under what the station offers: its power, limited by the composite schedule (K08). */
  #powerW(evseId: number): number {
    return Math.round(this.station.offeredW(evseId) * (0.95 + Math.random() * 0.05));
  }

  #startMeter(evse: Evse): void {
    clearInterval(evse.meterTimer);
    this.#lastReading.set(evse.id, performance.now());
    const intervalS = Number(this.station.model.value("SampledDataCtrlr", "TxUpdatedInterval")) || 0;
    if (intervalS <= 0 || !this.station.enabled("SampledDataCtrlr", "Enabled")) return;
    evse.meterTimer = setInterval(() => {
      this.sendMeterValues(evse.id).catch((error: unknown) => this.#failed("TransactionEvent", error));
    }, intervalS * 1000);
    evse.meterTimer.unref();
  }

  /** SampledDataCtrlr changed: running transactions sample at the new interval. */
  restartMeters(): void {
    for (const evse of this.connectors) if (evse.transactionId !== undefined && this.peer) this.#startMeter(evse);
  }

  /** One OCPPCommCtrlr link variable, as the device model holds it now, applied to the link (if there is one yet). */
  #applyLinkVariable(name: string): void {
    const value = Number(this.station.model.value("OCPPCommCtrlr", name));
    if (!this.link || !(value >= 0)) return;
    if (name === "WebSocketPingInterval") this.link.setKeepalive(value * 1000);
    else if (name === "RetryBackOffWaitMinimum") this.link.setBackOff({ retryBackOffWaitMinimumMs: value * 1000 });
    else if (name === "RetryBackOffRandomRange") this.link.setBackOff({ retryBackOffRandomRangeMs: value * 1000 });
    else if (name === "RetryBackOffRepeatTimes") this.link.setBackOff({ retryBackOffRepeatTimes: value });
  }

  #event(kind: "started" | "stopped" | "info", text: string, connectorId?: number, transactionId?: string): void {
    this.#log.push(`${now()} ${text}`);
    if (this.#log.length > 1000) this.#log.shift();
    this.settings.onEvent?.({ kind, text, connectorId, transactionId });
  }

  #log: string[] = [];

  #failed(what: string, error: unknown): void {
    this.settings.logger.warn?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { chargePointId: this.id });
  }

  #routes(peer: Peer): void {
    const version: VersionName = this.version;
    const sentByCsms = Object.entries(this.kit.actionSender as Record<string, string>).filter(([, sender]) => sender !== "ChargePoint");
    // B03.FR.08: while Rejected, a CALL of the CSMS gets SecurityError; B02.FR.05: no remote start while Pending.
    const gated = {
      route: (action: string, handler: Handler, options?: OnOptions) =>
        peer.route(
          action,
          async (payload: never, uniqueId: string) => {
            if (this.#bootInFlight) await this.#bootInFlight;
            if (this.registration === "Rejected") throw new SecurityError("the station's BootNotification was rejected");
            if (action === "RequestStartTransaction" && this.registration !== "Accepted" && this.registration !== undefined)
              return { status: "Rejected" };
            return handler(payload, uniqueId);
          },
          options,
        ),
      routeAfter: (action: string, handler: Handler, options?: AfterOptions) => peer.routeAfter(action, handler, options),
    };
    for (const [action] of sentByCsms) gated.route(action, () => schemaAnswer(version, action));
    this.station.route(gated);
    // P01: the simulator implements no vendor extension (TC_P_01_CS).
    gated.route("DataTransfer", () => ({ status: "UnknownVendorId" }));
    const pending = new Map<string, Evse>();
    gated.route(
      "RequestStartTransaction",
      (request: { evseId?: number; remoteStartId: number; idToken: { idToken: string } }, uniqueId: string) => {
        // With physical actions (the control endpoint) the EV is real: the session waits for it (F01, F02).
        if (this.sessions.physical) {
          const started = request.evseId === undefined ? { status: "Rejected" } : this.sessions.remoteStart(request.evseId);
          if (started.status === "Accepted") pending.set(uniqueId, this.connector(request.evseId as number) as Evse);
          return started;
        }
        const id = this.station.operations.evseForStart(request.evseId, request.idToken.idToken);
        const evse = id === undefined ? undefined : this.connector(id);
        if (!evse) return { status: "Rejected" };
        evse.claimed = true;
        pending.set(uniqueId, evse);
        return { status: "Accepted" };
      },
      { callUniqueIdRequired: true },
    );
    gated.routeAfter(
      "RequestStartTransaction",
      (request: { remoteStartId: number; idToken: { idToken: string; type: string } }, uniqueId: string) => {
        const evse = pending.get(uniqueId);
        pending.delete(uniqueId);
        if (!evse) return;
        if (this.sessions.physical) {
          this.background("RequestStartTransaction", () => this.sessions.afterRemoteStart(evse.id, request.idToken, request.remoteStartId));
          return;
        }
        evse.claimed = false;
        this.background("RequestStartTransaction", () => this.startSession(evse.id, request.idToken.idToken, false, request.remoteStartId));
      },
      { callUniqueIdRequired: true },
    );
    const byTransaction = (id: string) => this.connectors.find((e) => e.transactionId === id);
    // A transaction started at the station's reader may not have an EVSE yet (session.ts).
    const waiting = (id: string) => this.sessions.waitingTransactionId === id;
    gated.route("RequestStopTransaction", (request: { transactionId: string }) => ({
      status: byTransaction(request.transactionId) || waiting(request.transactionId) ? "Accepted" : "Rejected",
    }));
    gated.routeAfter("RequestStopTransaction", (request: { transactionId: string }) => {
      const evse = byTransaction(request.transactionId);
      if (!evse && waiting(request.transactionId)) this.background("RequestStopTransaction", () => this.sessions.remoteStopWaiting());
      if (!evse) return;
      if (this.sessions.owns(evse.id)) this.background("RequestStopTransaction", () => this.sessions.remoteStop(evse.id));
      else this.background("RequestStopTransaction", () => this.stopSession(evse.id, "Remote"));
    });
    // E14: whether the transaction is still going on, and whether messages of it (of any, without an id) wait in the queue.
    gated.route("GetTransactionStatus", (request: { transactionId?: string }) => {
      const waiting = (this.queue?.size ?? 0) > 0;
      if (request.transactionId === undefined) return { messagesInQueue: waiting };
      return { ongoingIndicator: byTransaction(request.transactionId) !== undefined, messagesInQueue: waiting };
    });
  }
}
