/**
 * A simulated OCPP 1.6 charger (driven by the CLI, the load generator and the conformance tests): connectors with a meter, sessions started and
 * stopped locally or by the central system, heartbeats, and a sensible answer to every command a
 * central system can send. The state lives in SimulatedCharger so it survives a reconnect; each
 * connection gets a fresh ChargerPeer (a ChargePoint) that routes the central system's CALLs to it.
 */
import { actionOf, after, type ChargePointOptions, type ConnectionLike, type Logger, on, type PayloadClass } from "../index.js";
import type {
  ChangeConfigurationRequest,
  GetConfigurationRequest,
  KeyValue,
  RemoteStartTransactionRequest,
  RemoteStopTransactionRequest,
  ResetRequest,
  UnlockConnectorRequest,
} from "../v16/index.js";
import {
  Action,
  ChargePoint,
  ChargePointErrorCode,
  ChargePointStatus,
  ConfigurationStatus,
  call,
  DataTransferStatus,
  Measurand,
  Reason,
  RegistrationStatus,
  RemoteStartStopStatus,
  ResetStatus,
  UnitOfMeasure,
  UnlockStatus,
} from "../v16/index.js";
import type { OpenTransaction, TransactionRecorder } from "./charger-state.js";
import type { SwitchableLink } from "./network-profiles.js";
import { SecurityProfile16 } from "./security-profile-16.js";
import { StationStateFile } from "./state-file.js";
import { authorizationKeys16, Station16 } from "./station-16.js";

/** What a simulator may change of its link when the central system asks (ReconnectingConnection has it). */
export interface LinkSettings {
  readonly pingIntervalMs: number;
  setKeepalive(pingIntervalMs: number): void;
  setBackOff(backOff: { retryBackOffWaitMinimumMs?: number; retryBackOffRandomRangeMs?: number; retryBackOffRepeatTimes?: number }): void;
}

export interface ChargerSettings {
  readonly id: string;
  readonly connectors: number;
  /** Seconds between MeterValues while charging. */
  readonly meterIntervalS: number;
  /** Charging power of the simulated car, in W. Default 11 000. */
  readonly powerW?: number;
  /**
   * The charger's state directory (the offline queue's): the station's state (configuration or device
   * model, local list, charging profiles, reservations, a firmware update under way) is kept there in
   * station.json and survives a restart. Default: in memory only.
   */
  readonly stateDir?: string;
  readonly logger: Logger;
  readonly responseTimeoutMs?: number;
  /**
   * 2.x: each EVSE's cable is permanently attached at the station side (Connector.ConnectorType cType2;
   * default a socket, sType2, and a detachable cable): the EV is plugged in and out at its end only.
   */
  readonly permanentCable?: boolean;
  /** 2.x: SecurityCtrlr.AdditionalRootCertificateCheck is true (M05: one CSMS root, replaced only by one it signed). */
  readonly additionalRootCertificateCheck?: boolean;
  /** What the charger does, for the command's own output. */
  readonly onEvent?: (event: ChargerEvent) => void;
  /** Every CALL this charger made, with its round trip in ms and the error if it failed (for `load`). */
  readonly onCall?: (action: string, latencyMs: number, error?: unknown) => void;
}

export interface ChargerEvent {
  readonly kind: "started" | "stopped" | "info";
  /** In words: "transaction 3 started on connector 1 for A". */
  readonly text: string;
  readonly connectorId?: number;
  /** A number in 1.6 (negative: a local reference while offline), a string made by the station in 2.x. */
  readonly transactionId?: number | string;
}

/** What a simulated charger needs of a TransactionQueue (one of any version). */
export interface QueueLike {
  call(
    payload: never,
    options?: { onDurable?(queued: { readonly seq: number; readonly transactionId?: number }): unknown },
  ): Promise<{ readonly seq: number; readonly transactionId?: number; readonly response: Promise<unknown> }>;
  register(boot: never): Promise<unknown>;
  readonly size: number;
}

interface Connector {
  readonly id: number;
  status: ChargePointStatus;
  meterWh: number;
  transactionId?: number;
  idTag?: string;
  meterTimer?: NodeJS.Timeout;
  /** Set between accepting a RemoteStart and the StartTransaction answer, so two cannot race for it. */
  claimed?: boolean;
  /** The StartTransaction's timestamp, and the time of the last meter reading (for the state directory). */
  startedAt?: string;
  meterAt?: string;
}

type Payload = { readonly "~action": string };

export class SimulatedCharger {
  readonly id: string;
  readonly settings: ChargerSettings;
  readonly connectors: Connector[];
  peer: ChargerPeer | undefined;
  /**
   * When set, StartTransaction, MeterValues and StopTransaction go through this queue (OCPP 1.6 section
   * 3.7): kept while offline and delivered in order once the link is back.
   */
  queue: QueueLike | undefined;
  /** Where open transactions are kept across a crash (the state directory), if anywhere. */
  recorder: TransactionRecorder | undefined;
  /** The link's keepalive, which `WebSocketPingInterval` changes (OCPP 1.6 section 9.1.34). */
  link: LinkSettings | undefined;
  heartbeatIntervalS = 0;
  /** Configuration keys with their value and whether the central system may change them. */
  readonly configuration = new Map<string, { value: string; readonly: boolean }>();
  /** Firmware, diagnostics and logs, reservations, availability, triggers (src/station). */
  readonly station: Station16;
  #log: string[] = [];
  #heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(settings: ChargerSettings) {
    this.id = settings.id;
    this.settings = settings;
    this.connectors = Array.from({ length: settings.connectors }, (_, i) => ({
      id: i + 1,
      status: ChargePointStatus.Available,
      meterWh: 1000 * (i + 1),
    }));
    const config: [string, string, boolean][] = [
      ["HeartbeatInterval", "300", false],
      ["MeterValueSampleInterval", String(settings.meterIntervalS), false],
      ["MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import", false],
      ["NumberOfConnectors", String(settings.connectors), true],
      ["AuthorizeRemoteTxRequests", "false", false],
      ["ConnectionTimeOut", "60", false],
      ["WebSocketPingInterval", "30", false],
      ["SupportedFeatureProfiles", "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger", true],
      // Security whitepaper: "" until the link is attached (then the command line's profile, or the one kept).
      ["SecurityProfile", "", false],
      // Write-only (never read back): the Basic auth password of profiles 1 and 2.
      ["AuthorizationKey", "", false],
    ];
    for (const [key, value, readonly] of [...config, ...authorizationKeys16]) this.configuration.set(key, { value, readonly });
    const charger = this;
    this.station = new Station16({
      send: (action, body) => this.send(new (call as unknown as Record<string, PayloadClass>)[action](body as never) as Payload),
      background: (what, work) => this.background(what, work),
      connectors: this.connectors,
      stopSession: (id, reason) => this.stopSession(id, reason as Reason),
      sendStatus: (id, status) => this.sendStatus(id, status as ChargePointStatus),
      // 1.6 BootNotification has no reason: a reboot is a new BootNotification.
      reboot: (_reason, afterBoot) => this.boot(afterBoot),
      trigger: (message, id) => this.trigger(message, id),
      setting: (key) => this.configuration.get(key)?.value,
      maxPowerW: settings.powerW ?? 11_000,
      identity: settings.id,
      get online() {
        return charger.online;
      },
      logText: (logType) =>
        [`ocppkit simulator ${this.id} ${logType}`, ...(logType === "SecurityLog" ? this.station.securityLog.lines : this.#log)].join("\n"),
    });
    this.securityProfile = new SecurityProfile16({
      id: settings.id,
      setting: (key) => this.configuration.get(key)?.value,
      setProfile: (value) => {
        this.configuration.set("SecurityProfile", { value: String(value), readonly: false });
        this.station.changed();
      },
      certificates: this.station.certificates,
      note: (text) => this.#event("info", text),
    });
    if (settings.stateDir) {
      const file = new StationStateFile(settings.stateDir, "1.6");
      file.onProblem = (message) => this.settings.logger.warn?.(message, { chargePointId: this.id });
      this.station.keepIn(file, {
        values: () => Object.fromEntries([...this.configuration].filter(([, e]) => !e.readonly).map(([key, e]) => [key, e.value])),
        restore: (values) => {
          for (const [key, value] of Object.entries(values)) {
            const entry = this.configuration.get(key);
            if (entry && !entry.readonly && typeof value === "string") this.configuration.set(key, { value, readonly: false });
          }
        },
      });
    }
  }

  /** Speaks over `connection` from now on; the returned peer's start() runs until it closes. */
  attach(connection: ConnectionLike, options: ChargePointOptions = {}): ChargerPeer {
    this.peer = new ChargerPeer(this, connection, {
      logger: this.settings.logger,
      responseTimeoutMs: this.settings.responseTimeoutMs,
      ...options,
    });
    this.station.route(this.peer);
    return this.peer;
  }

  /** The connection is gone: no timers keep sending into it. */
  detach(): void {
    this.peer = undefined;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    for (const connector of this.connectors) {
      clearInterval(connector.meterTimer);
      connector.meterTimer = undefined;
    }
  }

  connector(id: number): Connector | undefined {
    return this.connectors[id - 1];
  }

  /** Sends a CALL over the current connection; a CALLERROR or a closed connection throws. */
  async send<P extends Payload>(payload: P): Promise<Record<string, unknown>> {
    const action = actionOf(payload) ?? "call";
    const onCall = this.settings.onCall;
    if (!this.peer) {
      const error = new Error(`${action} not sent: not connected`);
      onCall?.(action, 0, error);
      throw error;
    }
    if (!onCall) return (await this.peer.call(payload as never, { suppress: false })) as Record<string, unknown>;
    const sentAt = performance.now();
    try {
      const result = (await this.peer.call(payload as never, { suppress: false })) as Record<string, unknown>;
      onCall(action, performance.now() - sentAt);
      return result;
    } catch (error) {
      onCall(action, performance.now() - sentAt, error);
      throw error;
    }
  }

  /** BootNotification until Accepted (OCPP 1.6 section 4.2: Pending/Rejected retry after `interval`), then the statuses. */
  async boot(afterBoot?: () => Promise<void>): Promise<void> {
    const boot = { chargePointVendor: "ocppkit", chargePointModel: "Simulator", firmwareVersion: this.station.firmwareVersion };
    if (this.queue) {
      const response = (await this.queue.register(new call.BootNotification(boot) as never)) as { interval?: number };
      this.setHeartbeat(Number(response.interval) || 0);
      await afterBoot?.();
      await this.sendAllStatuses();
      this.station.booted();
      return;
    }
    for (;;) {
      const response = await this.send(new call.BootNotification(boot));
      const interval = Number(response.interval) || 0;
      if (response.status === RegistrationStatus.Accepted) {
        this.setHeartbeat(interval);
        break;
      }
      this.#event("info", `boot ${String(response.status)}; retrying in ${interval || 10} s`);
      await new Promise((resolve) => setTimeout(resolve, (interval || 10) * 1000));
      if (!this.peer) return;
    }
    for (const connector of this.connectors) if (connector.transactionId !== undefined) this.#startMeter(connector);
    await afterBoot?.();
    await this.sendAllStatuses();
    this.station.booted();
  }

  /** The charger and each connector report their status (after a boot, or a link that came back). */
  async sendAllStatuses(): Promise<void> {
    await this.sendStatus(0, ChargePointStatus.Available);
    // An idle connector shows what the charger holds for it (reserved, inoperative), kept over a restart.
    for (const connector of this.connectors) {
      const idle = connector.transactionId === undefined && !connector.claimed;
      await this.sendStatus(connector.id, idle ? (this.station.evses.idleStatus(connector.id) as ChargePointStatus) : connector.status);
    }
  }

  /** A link is open now. Without one, non-transaction messages are not worth sending. */
  get online(): boolean {
    return this.peer?.connection.isOpen === true;
  }

  /**
   * Sends a transaction message through the queue when there is one: resolves with the CALLRESULT when
   * online, and at once (with nothing) when offline, the queue delivering it later.
   */
  async #transactional<P extends Payload>(
    payload: P,
    onQueued?: (localId: number | undefined) => Promise<void>,
  ): Promise<{ response?: Record<string, unknown>; localId?: number }> {
    if (!this.queue) {
      const response = await this.send(payload);
      await onQueued?.(undefined);
      return { response };
    }
    // The note runs before the queue may send the message: no crash can fall between the two.
    const queued = await this.queue.call(payload as never, { onDurable: ({ transactionId }) => onQueued?.(transactionId) });
    if (!this.online) return { localId: queued.transactionId };
    return { response: (await queued.response) as Record<string, unknown>, localId: queued.transactionId };
  }

  /** The queue learned the central system's id for a transaction started offline. */
  learnTransactionId(local: number, id: number): void {
    for (const connector of this.connectors) {
      if (connector.transactionId !== local) continue;
      connector.transactionId = id;
      this.#record(connector).catch((error: unknown) => this.#failed("Saving the charger state", error));
    }
  }

  /** The link is `link` from now on; the configuration shows its keepalive. */
  attachLink(link: LinkSettings | (LinkSettings & SwitchableLink)): void {
    this.link = link;
    this.configuration.set("WebSocketPingInterval", { value: String(Math.round(link.pingIntervalMs / 1000)), readonly: false });
    if ("retarget" in link) {
      this.securityProfile.attach(link);
      this.configuration.set("SecurityProfile", { value: String(this.securityProfile.current), readonly: false });
    }
  }

  /** Security whitepaper A05: the SecurityProfile key and the switch of the link. */
  readonly securityProfile: SecurityProfile16;

  /** A refused connection is one failed attempt while another profile can be fallen back to (A05.FR.08). */
  get fallsBack(): boolean {
    return this.securityProfile.fallsBack;
  }

  /** Saves a connector's open transaction in the state directory (before the message that changes it is queued). */
  #record(connector: Connector, startQueued = true): Promise<void> {
    if (!this.recorder || connector.idTag === undefined || connector.startedAt === undefined) return Promise.resolve();
    return this.recorder.save({
      connectorId: connector.id,
      ...(connector.transactionId === undefined ? {} : { transactionId: connector.transactionId }),
      startQueued,
      idTag: connector.idTag,
      startedAt: connector.startedAt,
      meterWh: connector.meterWh,
      meterAt: connector.meterAt ?? connector.startedAt,
    });
  }

  /** After a crash: StopTransaction with reason PowerLoss, the last meter value known and its time (1.6 section 4.10). */
  async endAfterPowerLoss(transaction: OpenTransaction & { readonly transactionId: number | string }): Promise<void> {
    if (!this.queue) throw new Error("a power-loss stop needs the offline queue");
    // Queued, not awaited: it is delivered once the boot that follows is Accepted.
    await this.queue.call(
      new call.StopTransaction({
        transactionId: Number(transaction.transactionId),
        idTag: transaction.idTag,
        meterStop: transaction.meterWh,
        timestamp: transaction.meterAt,
        reason: Reason.PowerLoss,
      }) as never,
    );
    // The transaction is over: its TxProfiles, kept in station.json, go with it (section 3.13.1).
    this.station.sessionEnded(transaction.connectorId);
    this.#event(
      "stopped",
      `transaction ${transaction.transactionId} left open by a power loss stopped on connector ${transaction.connectorId}; meter ${transaction.meterWh} Wh`,
      transaction.connectorId,
      Number(transaction.transactionId),
    );
  }

  setHeartbeat(intervalS: number): void {
    this.heartbeatIntervalS = intervalS;
    this.configuration.set("HeartbeatInterval", { value: String(intervalS), readonly: false });
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    if (intervalS <= 0) return;
    const beat = () => {
      if (this.online) this.send(new call.Heartbeat({})).catch((error: unknown) => this.#failed("Heartbeat", error));
      this.#heartbeatTimer = setTimeout(beat, intervalS * 1000);
      this.#heartbeatTimer.unref();
    };
    this.#heartbeatTimer = setTimeout(beat, intervalS * 1000);
    this.#heartbeatTimer.unref();
  }

  /** Records the status, and reports it only when online: a link that comes back reports them all anyway. */
  async #statusIfOnline(connector: Connector, status: ChargePointStatus): Promise<void> {
    connector.status = status;
    if (this.online || !this.queue) await this.sendStatus(connector.id, status);
  }

  async sendStatus(connectorId: number, status: ChargePointStatus): Promise<void> {
    const connector = this.connector(connectorId);
    if (connector) connector.status = status;
    await this.send(new call.StatusNotification({ connectorId, errorCode: ChargePointErrorCode.NoError, status, timestamp: now() }));
  }

  /** A car plugs in and `idTag` starts charging on `connectorId`; resolves with the transaction id. */
  async startSession(connectorId: number, idTag: string, authorize: boolean): Promise<number | undefined> {
    const connector = this.connector(connectorId);
    if (!connector || connector.transactionId !== undefined) return undefined;
    if (!this.station.evses.mayStart(connectorId, idTag)) {
      this.#event("info", `connector ${connectorId} is reserved or unavailable: ${idTag} may not charge there`);
      return undefined;
    }
    connector.claimed = true;
    try {
      // The local list, the cache and the central system decide (section 3.5, src/station).
      if (authorize && !(await this.station.authorize(idTag))) {
        this.#event("info", `idTag ${idTag} was not accepted`);
        return undefined;
      }
      await this.#statusIfOnline(connector, ChargePointStatus.Preparing);
      const reservationId = this.station.evses.useReservation(connectorId, idTag)?.id;
      const startedAt = now();
      connector.idTag = idTag;
      connector.startedAt = startedAt;
      connector.meterAt = startedAt;
      await this.#record(connector, false);
      const { response: started = {}, localId } = await this.#transactional(
        new call.StartTransaction({
          connectorId,
          idTag,
          meterStart: connector.meterWh,
          timestamp: startedAt,
          ...(reservationId === undefined ? {} : { reservationId }),
        }),
        async (local) => {
          connector.transactionId ??= local;
          await this.#record(connector);
        },
      );
      const transactionId = started.transactionId === undefined ? Number(localId) : Number(started.transactionId);
      if (started.idTagInfo !== undefined) this.station.remember(idTag, started.idTagInfo);
      const status = (started.idTagInfo as { status?: string } | undefined)?.status;
      if (status !== undefined && status !== "Accepted") {
        // OCPP 1.6 section 5.11 would let a charger keep charging; the simulator ends a refused session at once.
        this.#event("info", `transaction ${transactionId} refused for ${idTag}; stopping`);
        connector.transactionId = undefined;
        await this.#transactional(
          new call.StopTransaction({ transactionId, meterStop: connector.meterWh, timestamp: now(), reason: Reason.DeAuthorized }),
          () => this.#forget(connector),
        );
        await this.#statusIfOnline(connector, ChargePointStatus.Available);
        return undefined;
      }
      if (connector.transactionId !== transactionId) {
        connector.transactionId = transactionId;
        await this.#record(connector);
      }
      this.station.profiles.transactionStarted(connectorId);
      await this.#statusIfOnline(connector, ChargePointStatus.Charging);
      const name =
        transactionId < 0 ? `offline transaction ${transactionId} (its id comes when the link is back)` : `transaction ${transactionId}`;
      this.#event("started", `${name} started on connector ${connectorId} for ${idTag}`, connectorId, transactionId);
      this.#startMeter(connector);
      return transactionId;
    } catch (error) {
      // The start never went out: nothing is open.
      if (connector.transactionId === undefined) await this.#forget(connector);
      throw error;
    } finally {
      connector.claimed = false;
    }
  }

  async #forget(connector: Connector): Promise<void> {
    connector.idTag = undefined;
    connector.startedAt = undefined;
    connector.meterAt = undefined;
    await this.recorder?.forget(connector.id);
  }

  async stopSession(connectorId: number, reason: Reason): Promise<void> {
    const connector = this.connector(connectorId);
    if (!connector || connector.transactionId === undefined) return;
    const transactionId = connector.transactionId;
    clearInterval(connector.meterTimer);
    connector.meterTimer = undefined;
    connector.transactionId = undefined;
    this.#advanceMeter(connector);
    await this.#transactional(
      new call.StopTransaction({ transactionId, idTag: connector.idTag, meterStop: connector.meterWh, timestamp: now(), reason }),
      () => this.#forget(connector),
    );
    await this.#statusIfOnline(connector, ChargePointStatus.Finishing);
    await this.#statusIfOnline(connector, this.station.sessionEnded(connectorId) as ChargePointStatus);
    this.#event(
      "stopped",
      `transaction ${transactionId} stopped on connector ${connectorId} (${reason}); meter ${connector.meterWh} Wh`,
      connectorId,
      transactionId,
    );
  }

  async sendMeterValues(connectorId: number): Promise<void> {
    const connector = this.connector(connectorId);
    if (!connector) return;
    const charging = connector.transactionId !== undefined;
    if (charging) {
      this.#advanceMeter(connector);
      connector.meterAt = now();
      await this.#record(connector);
    }
    const powerW = charging ? this.#powerW(connectorId) : 0;
    // Without a transaction MeterValues is no transaction message (section 3.7): it goes directly, not through the queue.
    const deliver = (payload: Payload) => (charging ? this.#transactional(payload) : this.send(payload));
    await deliver(
      new call.MeterValues({
        connectorId,
        ...(charging ? { transactionId: connector.transactionId } : {}),
        meterValue: [
          {
            timestamp: (charging && connector.meterAt) || now(),
            sampledValue: [
              { value: String(connector.meterWh), measurand: Measurand.EnergyActiveImportRegister, unit: UnitOfMeasure.Wh },
              { value: String(powerW), measurand: Measurand.PowerActiveImport, unit: UnitOfMeasure.W },
              { value: String(this.station.offeredW(connectorId)), measurand: Measurand.PowerOffered, unit: UnitOfMeasure.W },
            ],
          },
        ],
      }),
    );
  }

  #lastReading = new Map<number, number>();

  /** The meter rises with the power and the time since the last reading. */
  #advanceMeter(connector: Connector): void {
    const at = performance.now();
    const last = this.#lastReading.get(connector.id) ?? at;
    this.#lastReading.set(connector.id, at);
    connector.meterWh += Math.max(1, Math.round((this.#powerW(connector.id) * (at - last)) / 3_600_000));
  }

  /** The car draws a little under what the charger offers: its power, limited by the composite schedule (3.13). */
  #powerW(connectorId: number): number {
    return Math.round(this.station.offeredW(connectorId) * (0.95 + Math.random() * 0.05));
  }

  #startMeter(connector: Connector): void {
    clearInterval(connector.meterTimer);
    this.#lastReading.set(connector.id, performance.now());
    const intervalS = Number(this.configuration.get("MeterValueSampleInterval")?.value) || 0;
    if (intervalS <= 0) return;
    connector.meterTimer = setInterval(() => {
      this.sendMeterValues(connector.id).catch((error: unknown) => this.#failed("MeterValues", error));
    }, intervalS * 1000);
    connector.meterTimer.unref();
  }

  #event(kind: ChargerEvent["kind"], text: string, connectorId?: number, transactionId?: number): void {
    this.#log.push(`${now()} ${text}`);
    if (this.#log.length > 1000) this.#log.shift();
    this.settings.onEvent?.({ kind, text, connectorId, transactionId });
  }

  /** Moves the meter as if the car had charged for `minutes` at full power (the demo's fast-forward). */
  fastForward(connectorId: number, minutes: number): void {
    const connector = this.connector(connectorId);
    if (connector) connector.meterWh += Math.round(((this.settings.powerW ?? 11_000) * minutes) / 60);
  }

  #failed(what: string, error: unknown): void {
    this.settings.logger.warn?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { chargePointId: this.id });
  }

  /** Runs a follow-up of a command in the background; a failure is logged, not thrown. */
  background(what: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.#failed(what, error));
  }

  /** Sends the message a TriggerMessage / ExtendedTriggerMessage asked for. */
  async trigger(message: string, connectorId: number | undefined): Promise<void> {
    const targets = connectorId === undefined ? this.connectors.map((c) => c.id) : [connectorId];
    switch (message) {
      case "BootNotification":
        await this.send(new call.BootNotification({ chargePointVendor: "ocppkit", chargePointModel: "Simulator" }));
        return;
      case "Heartbeat":
        await this.send(new call.Heartbeat({}));
        return;
      case "MeterValues":
        for (const id of targets) await this.sendMeterValues(id);
        return;
      case "StatusNotification":
        if (connectorId === undefined) await this.sendStatus(0, ChargePointStatus.Available);
        for (const id of targets) await this.sendStatus(id, this.connector(id)?.status ?? ChargePointStatus.Available);
        return;
    }
  }
}

const now = () => new Date().toISOString();
/**
 * One connection of a SimulatedCharger. Each `@on` answers a central-system command at once; the work
 * the answer promises (start charging, send the triggered message, reboot) runs in `@after`, once the
 * answer is on the wire, which is the order OCPP 1.6 asks for (e.g. section 5.11, RemoteStart).
 */
export class ChargerPeer extends ChargePoint {
  readonly charger: SimulatedCharger;

  constructor(charger: SimulatedCharger, connection: ConnectionLike, options: ChargePointOptions) {
    super(charger.id, connection, options);
    this.charger = charger;
  }

  #pendingStart = new Map<string, number>();

  @on(Action.RemoteStartTransaction, { callUniqueIdRequired: true })
  onRemoteStart(request: RemoteStartTransactionRequest, uniqueId: string) {
    const connectorId = this.charger.station.evses.forStart(request.connectorId, request.idTag);
    if (connectorId === undefined) return { status: RemoteStartStopStatus.Rejected };
    const connector = this.charger.connector(connectorId);
    if (connector) connector.claimed = true;
    this.#pendingStart.set(uniqueId, connectorId);
    return { status: RemoteStartStopStatus.Accepted };
  }

  @after(Action.RemoteStartTransaction, { callUniqueIdRequired: true })
  afterRemoteStart(request: RemoteStartTransactionRequest, uniqueId: string) {
    const connectorId = this.#pendingStart.get(uniqueId);
    this.#pendingStart.delete(uniqueId);
    if (connectorId === undefined) return;
    const authorize = this.charger.configuration.get("AuthorizeRemoteTxRequests")?.value === "true";
    this.charger.background("RemoteStartTransaction", () => this.charger.startSession(connectorId, request.idTag, authorize));
  }

  #connectorOf(transactionId: number): number | undefined {
    return this.charger.connectors.find((c) => c.transactionId === transactionId)?.id;
  }

  @on(Action.RemoteStopTransaction)
  onRemoteStop(request: RemoteStopTransactionRequest) {
    const known = this.#connectorOf(request.transactionId) !== undefined;
    return { status: known ? RemoteStartStopStatus.Accepted : RemoteStartStopStatus.Rejected };
  }

  @after(Action.RemoteStopTransaction)
  afterRemoteStop(request: RemoteStopTransactionRequest) {
    const connectorId = this.#connectorOf(request.transactionId);
    if (connectorId !== undefined)
      this.charger.background("RemoteStopTransaction", () => this.charger.stopSession(connectorId, Reason.Remote));
  }

  @on(Action.UnlockConnector)
  onUnlock(request: UnlockConnectorRequest) {
    return { status: this.charger.connector(request.connectorId) ? UnlockStatus.Unlocked : UnlockStatus.NotSupported };
  }

  @after(Action.UnlockConnector)
  afterUnlock(request: UnlockConnectorRequest) {
    this.charger.background("UnlockConnector", () => this.charger.stopSession(request.connectorId, Reason.UnlockCommand));
  }

  @on(Action.Reset)
  onReset() {
    return { status: ResetStatus.Accepted };
  }

  // A reset ends every session (reason SoftReset/HardReset) and boots again on the same connection.
  @after(Action.Reset)
  afterReset(request: ResetRequest) {
    const reason = request.type === "Hard" ? Reason.HardReset : Reason.SoftReset;
    this.charger.background("Reset", async () => {
      for (const connector of this.charger.connectors) await this.charger.stopSession(connector.id, reason);
      await this.charger.boot();
    });
  }

  @on(Action.GetConfiguration)
  onGetConfiguration(request: GetConfigurationRequest) {
    const keys = request.key ?? [...this.charger.configuration.keys()];
    const configurationKey: KeyValue[] = [];
    const unknownKey: string[] = [];
    for (const key of keys) {
      const entry = this.charger.configuration.get(key);
      // AuthorizationKey is write-only (security whitepaper): listed without its value.
      if (entry)
        configurationKey.push(
          key === "AuthorizationKey" ? { key, readonly: false } : { key, readonly: entry.readonly, value: entry.value },
        );
      else unknownKey.push(key);
    }
    return unknownKey.length ? { configurationKey, unknownKey } : { configurationKey };
  }

  @on(Action.ChangeConfiguration)
  onChangeConfiguration(request: ChangeConfigurationRequest) {
    const entry = this.charger.configuration.get(request.key);
    if (!entry) return { status: ConfigurationStatus.NotSupported };
    if (entry.readonly) return { status: ConfigurationStatus.Rejected };
    const numeric = ["HeartbeatInterval", "MeterValueSampleInterval", "WebSocketPingInterval"].includes(request.key);
    // Section 9.1.34: a negative WebSocketPingInterval is Rejected (so is anything that is not a whole number).
    if (numeric && !/^\d+$/.test(request.value)) return { status: ConfigurationStatus.Rejected };
    // Security whitepaper A05.FR.01-05: the switch itself comes after the answer (afterChangeConfiguration).
    if (request.key === "SecurityProfile") {
      if (this.charger.securityProfile.problem(request.value)) return { status: ConfigurationStatus.Rejected };
      this.charger.securityProfile.accept(Number(request.value));
      this.charger.station.flushState();
      return { status: ConfigurationStatus.Accepted };
    }
    // Whitepaper 7.2: the password is at least 16 bytes, at most 40 hexadecimal digits (20 bytes).
    if (request.key === "AuthorizationKey" && (request.value.length < 16 || request.value.length > 40))
      return { status: ConfigurationStatus.Rejected };
    this.charger.configuration.set(request.key, { value: request.value, readonly: false });
    this.charger.station.changed();
    // Durable before the answer says Accepted.
    this.charger.station.flushState();
    if (request.key === "AuthorizationKey") {
      // Security whitepaper A01.FR.11/12: the change is logged, the key is not.
      this.charger.station.securityLog.add("AuthorizationKey changed");
      this.charger.securityProfile.passwordChanged();
    }
    if (request.key === "HeartbeatInterval") this.charger.setHeartbeat(Number(request.value));
    if (request.key === "WebSocketPingInterval") this.charger.link?.setKeepalive(Number(request.value) * 1000);
    return { status: ConfigurationStatus.Accepted };
  }

  @after(Action.ChangeConfiguration)
  afterChangeConfiguration(request: ChangeConfigurationRequest) {
    if (request.key === "SecurityProfile") this.charger.securityProfile.switchLink();
    if (request.key === "AuthorizationKey") this.charger.securityProfile.reconnectWithNewPassword();
  }

  @on(Action.DataTransfer)
  onDataTransfer() {
    return { status: DataTransferStatus.UnknownVendorId };
  }

  @on(Action.CertificateSigned)
  onCertificateSigned() {
    return { status: "Accepted" };
  }

  @on(Action.InstallCertificate)
  onInstallCertificate() {
    return { status: "Accepted" };
  }

  @on(Action.DeleteCertificate)
  onDeleteCertificate() {
    return { status: "NotFound" };
  }

  @on(Action.GetInstalledCertificateIds)
  onGetInstalledCertificateIds() {
    return { status: "NotFound" };
  }
}
