/**
 * A simulated OCPP 2.0.1 / 2.1 charging station: the same surface as the 1.6 SimulatedCharger (so
 * demo, charge-point and load drive either), speaking the 2.x messages: BootNotification with a
 * chargingStation, StatusNotification per EVSE, Authorize with an idToken, and one TransactionEvent
 * (Started, Updated, Ended) per step of a session, its transaction id made by the station (2.0.1 E01).
 * RequestStart/StopTransaction, Reset, TriggerMessage, Get/SetVariables, ChangeAvailability and
 * UnlockConnector have handlers; every other CSMS command gets a schema-valid answer (schema-answers.ts).
 */
import { randomUUID } from "node:crypto";
import type { ChargePointOptions, ConnectionLike, PayloadClass } from "../index.js";
import * as v21 from "../v21/index.js";
import * as v201 from "../v201/index.js";
import type { OpenTransaction, TransactionRecorder } from "./charger-state.js";
import { schemaAnswer } from "./schema-answers.js";
import type { ChargerSettings, LinkControl, QueueLike } from "./simulated-charger.js";
import type { VersionName } from "./versions.js";

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

/** OCPPCommCtrlr variables that set the link (2.0.1 part 4 sections 5.3 and 8): seconds, whole, not negative. */
const linkVariables = new Set([
  "OCPPCommCtrlr/WebSocketPingInterval",
  "OCPPCommCtrlr/RetryBackOffWaitMinimum",
  "OCPPCommCtrlr/RetryBackOffRandomRange",
  "OCPPCommCtrlr/RetryBackOffRepeatTimes",
]);

/** 1.6 stop reasons as 2.0.1 ReasonEnumType has them (it has no SoftReset/HardReset/UnlockCommand). */
const reasons: Record<string, string> = {
  SoftReset: "ImmediateReset",
  HardReset: "ImmediateReset",
  UnlockCommand: "Local",
  Reboot: "Reboot",
};
const triggerReasons: Record<string, string> = { Remote: "RemoteStop", Local: "StopAuthorized", DeAuthorized: "Deauthorized" };
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
  link: LinkControl | undefined;
  heartbeatIntervalS = 0;
  readonly variables = new Map<string, string>([
    ["OCPPCommCtrlr/HeartbeatInterval", "60"],
    ["SampledDataCtrlr/TxUpdatedInterval", "10"],
    ["ChargingStation/Model", "Simulator"],
    ["OCPPCommCtrlr/WebSocketPingInterval", "30"],
    // The defaults of ReconnectingConnection, in seconds.
    ["OCPPCommCtrlr/RetryBackOffWaitMinimum", "1"],
    ["OCPPCommCtrlr/RetryBackOffRandomRange", "2"],
    ["OCPPCommCtrlr/RetryBackOffRepeatTimes", "5"],
  ]);
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
    this.variables.set("SampledDataCtrlr/TxUpdatedInterval", String(settings.meterIntervalS));
  }

  #payload(action: string, body: Body): { readonly "~action": string } {
    const Payload = (this.kit.call as unknown as Record<string, PayloadClass>)[action];
    return new Payload(body as never) as unknown as { readonly "~action": string };
  }

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
  async #transactionEvent(body: Body, onQueued?: () => Promise<void>): Promise<Body> {
    if (!this.queue) {
      const response = await this.send("TransactionEvent", body);
      await onQueued?.();
      return response;
    }
    const offline = !this.online;
    const queued = await this.queue.call(this.#payload("TransactionEvent", offline ? { ...body, offline: true } : body) as never);
    await onQueued?.();
    return this.online ? ((await queued.response) as Body) : {};
  }

  /** The link is `link` from now on; the device model shows its keepalive (and takes changes to it). */
  attachLink(link: LinkControl): void {
    this.link = link;
    this.variables.set("OCPPCommCtrlr/WebSocketPingInterval", String(Math.round(link.pingIntervalMs / 1000)));
  }

  /** Saves an EVSE's open transaction in the state directory, before the message that changes it is queued. */
  #record(evse: Evse, startQueued = true): Promise<void> {
    if (!this.recorder || evse.transactionId === undefined || evse.idTag === undefined || evse.startedAt === undefined) {
      return Promise.resolve();
    }
    return this.recorder.save({
      connectorId: evse.id,
      transactionId: evse.transactionId,
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
      meterValue: this.#meterValue(evse, 0, transaction.meterAt),
      ...(offline ? { offline } : {}),
    };
    await this.queue.call(this.#payload("TransactionEvent", body) as never);
    this.#event(
      "stopped",
      `transaction ${transaction.transactionId} left open by a power loss stopped on EVSE ${transaction.connectorId}; meter ${transaction.meterWh} Wh`,
      transaction.connectorId,
      String(transaction.transactionId),
    );
  }

  async boot(): Promise<void> {
    const boot = { reason: "PowerUp", chargingStation: { model: "Simulator", vendorName: "ocppkit" } };
    let response: Body;
    if (this.queue) {
      response = (await this.queue.register(this.#payload("BootNotification", boot) as never)) as Body;
    } else {
      for (;;) {
        response = await this.send("BootNotification", boot);
        if (response.status === "Accepted") break;
        await new Promise((resolve) => setTimeout(resolve, (Number(response.interval) || 10) * 1000));
        if (!this.peer) return;
      }
    }
    this.setHeartbeat(Number(response.interval) || 0);
    for (const evse of this.connectors) if (evse.transactionId !== undefined) this.#startMeter(evse);
    await this.sendAllStatuses();
  }

  setHeartbeat(intervalS: number): void {
    this.heartbeatIntervalS = intervalS;
    this.variables.set("OCPPCommCtrlr/HeartbeatInterval", String(intervalS));
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    if (intervalS <= 0) return;
    this.#heartbeatTimer = setInterval(() => {
      if (this.online) this.send("Heartbeat", {}).catch((error: unknown) => this.#failed("Heartbeat", error));
    }, intervalS * 1000);
    this.#heartbeatTimer.unref();
  }

  async sendAllStatuses(): Promise<void> {
    for (const evse of this.connectors) await this.sendStatus(evse.id, evse.status);
  }

  async sendStatus(evseId: number, status: string): Promise<void> {
    const evse = this.connector(evseId);
    if (evse) evse.status = status;
    if (!this.online && this.queue) return;
    await this.send("StatusNotification", { timestamp: now(), connectorStatus: status, evseId, connectorId: 1 });
  }

  #idToken(idTag: string) {
    return { idToken: idTag, type: "ISO14443" };
  }

  #meterValue(evse: Evse, powerW: number, timestamp = now()) {
    return [
      {
        timestamp,
        sampledValue: [
          { value: evse.meterWh, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "Wh" } },
          { value: powerW, measurand: "Power.Active.Import", unitOfMeasure: { unit: "W" } },
        ],
      },
    ];
  }

  async startSession(evseId: number, idTag: string, authorize: boolean, remoteStartId?: number): Promise<string | undefined> {
    const evse = this.connector(evseId);
    if (!evse || evse.transactionId !== undefined) return undefined;
    evse.claimed = true;
    try {
      if (authorize && this.online) {
        const auth = await this.send("Authorize", { idToken: this.#idToken(idTag) });
        if ((auth.idTokenInfo as { status?: string } | undefined)?.status !== "Accepted") {
          this.#event("info", `idToken ${idTag} was not accepted`);
          return undefined;
        }
      }
      const transactionId = randomUUID();
      const startedAt = now();
      evse.transactionId = transactionId;
      evse.idTag = idTag;
      evse.seqNo = 0;
      evse.remoteStartId = remoteStartId;
      evse.startedAt = startedAt;
      evse.meterAt = startedAt;
      await this.sendStatus(evse.id, "Occupied");
      const seqNo = evse.seqNo++;
      await this.#record(evse, false);
      const started = await this.#transactionEvent(
        {
          eventType: "Started",
          timestamp: startedAt,
          triggerReason: remoteStartId === undefined ? "Authorized" : "RemoteStart",
          seqNo,
          transactionInfo: { transactionId, chargingState: "Charging", ...(remoteStartId === undefined ? {} : { remoteStartId }) },
          evse: { id: evse.id, connectorId: 1 },
          idToken: this.#idToken(idTag),
          meterValue: this.#meterValue(evse, 0, startedAt),
        },
        () => this.#record(evse),
      );
      const status = (started.idTokenInfo as { status?: string } | undefined)?.status;
      if (status !== undefined && status !== "Accepted") {
        this.#event("info", `transaction ${transactionId} refused for ${idTag}; stopping`);
        await this.stopSession(evse.id, "DeAuthorized");
        return undefined;
      }
      this.#event("started", `transaction ${transactionId} started on EVSE ${evse.id} for ${idTag}`, evse.id, transactionId);
      this.#startMeter(evse);
      return transactionId;
    } finally {
      evse.claimed = false;
    }
  }

  async stopSession(evseId: number, reason: string): Promise<void> {
    const evse = this.connector(evseId);
    if (!evse || evse.transactionId === undefined) return;
    const transactionId = evse.transactionId;
    clearInterval(evse.meterTimer);
    evse.meterTimer = undefined;
    this.#advanceMeter(evse);
    evse.transactionId = undefined;
    await this.#transactionEvent(
      {
        eventType: "Ended",
        timestamp: now(),
        triggerReason: triggerReasons[reason] ?? "StopAuthorized",
        seqNo: evse.seqNo++,
        transactionInfo: { transactionId, chargingState: "Idle", stoppedReason: reasons[reason] ?? reason },
        evse: { id: evse.id, connectorId: 1 },
        meterValue: this.#meterValue(evse, 0),
      },
      () => this.#forget(evse),
    );
    await this.sendStatus(evse.id, "Available");
    this.#event(
      "stopped",
      `transaction ${transactionId} stopped on EVSE ${evse.id} (${reason}); meter ${evse.meterWh} Wh`,
      evse.id,
      transactionId,
    );
  }

  async sendMeterValues(evseId: number): Promise<void> {
    const evse = this.connector(evseId);
    if (!evse) return;
    if (evse.transactionId === undefined) {
      await this.send("MeterValues", { evseId, meterValue: this.#meterValue(evse, 0) });
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
      triggerReason: "MeterValuePeriodic",
      seqNo,
      transactionInfo: { transactionId: evse.transactionId, chargingState: "Charging" },
      evse: { id: evse.id, connectorId: 1 },
      meterValue: this.#meterValue(evse, this.#powerW(), meterAt),
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
    else if (message === "BootNotification")
      await this.send("BootNotification", { reason: "Triggered", chargingStation: { model: "Simulator", vendorName: "ocppkit" } });
    else if (message === "StatusNotification")
      for (const id of targets) await this.sendStatus(id, this.connector(id)?.status ?? "Available");
    else if (message === "MeterValues" || message === "TransactionEvent") for (const id of targets) await this.sendMeterValues(id);
  }

  background(what: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.#failed(what, error));
  }

  #advanceMeter(evse: Evse): void {
    const at = performance.now();
    const last = this.#lastReading.get(evse.id) ?? at;
    this.#lastReading.set(evse.id, at);
    evse.meterWh += Math.max(1, Math.round((this.#powerW() * (at - last)) / 3_600_000));
  }

  #powerW(): number {
    return Math.round((this.settings.powerW ?? 11_000) * (0.95 + Math.random() * 0.05));
  }

  #startMeter(evse: Evse): void {
    clearInterval(evse.meterTimer);
    this.#lastReading.set(evse.id, performance.now());
    const intervalS = Number(this.variables.get("SampledDataCtrlr/TxUpdatedInterval")) || 0;
    if (intervalS <= 0) return;
    evse.meterTimer = setInterval(() => {
      this.sendMeterValues(evse.id).catch((error: unknown) => this.#failed("TransactionEvent", error));
    }, intervalS * 1000);
    evse.meterTimer.unref();
  }

  #applyLinkVariables(): void {
    const seconds = (name: string) => Number(this.variables.get(`OCPPCommCtrlr/${name}`)) * 1000;
    this.link?.setKeepalive(seconds("WebSocketPingInterval"));
    this.link?.setBackOff({
      retryBackOffWaitMinimumMs: seconds("RetryBackOffWaitMinimum"),
      retryBackOffRandomRangeMs: seconds("RetryBackOffRandomRange"),
      retryBackOffRepeatTimes: Number(this.variables.get("OCPPCommCtrlr/RetryBackOffRepeatTimes")),
    });
  }

  #event(kind: "started" | "stopped" | "info", text: string, connectorId?: number, transactionId?: string): void {
    this.settings.onEvent?.({ kind, text, connectorId, transactionId });
  }

  #failed(what: string, error: unknown): void {
    this.settings.logger.warn?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, { chargePointId: this.id });
  }

  #free(requested: number | undefined): Evse | undefined {
    const free = (e: Evse) => e.transactionId === undefined && !e.claimed && e.status === "Available";
    if (requested !== undefined) {
      const evse = this.connector(requested);
      return evse && free(evse) ? evse : undefined;
    }
    return this.connectors.find(free);
  }

  #routes(peer: Peer): void {
    const version: VersionName = this.version;
    const sentByCsms = Object.entries(this.kit.actionSender as Record<string, string>).filter(([, sender]) => sender !== "ChargePoint");
    for (const [action] of sentByCsms) peer.route(action, () => schemaAnswer(version, action));
    const pending = new Map<string, Evse>();
    peer.route(
      "RequestStartTransaction",
      (request: { evseId?: number; remoteStartId: number; idToken: { idToken: string } }, uniqueId: string) => {
        const evse = this.#free(request.evseId);
        if (!evse) return { status: "Rejected" };
        evse.claimed = true;
        pending.set(uniqueId, evse);
        return { status: "Accepted" };
      },
      { callUniqueIdRequired: true },
    );
    peer.routeAfter(
      "RequestStartTransaction",
      (request: { remoteStartId: number; idToken: { idToken: string } }, uniqueId: string) => {
        const evse = pending.get(uniqueId);
        pending.delete(uniqueId);
        if (!evse) return;
        evse.claimed = false;
        this.background("RequestStartTransaction", () => this.startSession(evse.id, request.idToken.idToken, false, request.remoteStartId));
      },
      { callUniqueIdRequired: true },
    );
    const byTransaction = (id: string) => this.connectors.find((e) => e.transactionId === id);
    peer.route("RequestStopTransaction", (request: { transactionId: string }) => ({
      status: byTransaction(request.transactionId) ? "Accepted" : "Rejected",
    }));
    peer.routeAfter("RequestStopTransaction", (request: { transactionId: string }) => {
      const evse = byTransaction(request.transactionId);
      if (evse) this.background("RequestStopTransaction", () => this.stopSession(evse.id, "Remote"));
    });
    peer.route("Reset", () => ({ status: "Accepted" }));
    peer.routeAfter("Reset", () =>
      this.background("Reset", async () => {
        for (const evse of this.connectors) await this.stopSession(evse.id, "SoftReset");
        await this.boot();
      }),
    );
    peer.route("TriggerMessage", (request: { requestedMessage: string }) => ({
      status: ["Heartbeat", "BootNotification", "StatusNotification", "MeterValues", "TransactionEvent"].includes(request.requestedMessage)
        ? "Accepted"
        : "NotImplemented",
    }));
    peer.routeAfter("TriggerMessage", (request: { requestedMessage: string; evse?: { id: number } }) =>
      this.background("TriggerMessage", () => this.trigger(request.requestedMessage, request.evse?.id)),
    );
    type VariableData = { component: { name: string }; variable: { name: string }; attributeValue?: string };
    const key = (data: VariableData) => `${data.component.name}/${data.variable.name}`;
    peer.route("GetVariables", (request: { getVariableData: VariableData[] }) => ({
      getVariableResult: request.getVariableData.map((data) => {
        const value = this.variables.get(key(data));
        return value === undefined
          ? { attributeStatus: "UnknownVariable", component: data.component, variable: data.variable }
          : { attributeStatus: "Accepted", attributeValue: value, component: data.component, variable: data.variable };
      }),
    }));
    peer.route("SetVariables", (request: { setVariableData: VariableData[] }) => ({
      setVariableResult: request.setVariableData.map((data) => {
        const name = key(data);
        const known = this.variables.has(name);
        // Part 4 section 8: these are whole seconds (a count for RepeatTimes); negative values are Rejected.
        if (known && linkVariables.has(name) && !/^\d+$/.test(String(data.attributeValue))) {
          return { attributeStatus: "Rejected", component: data.component, variable: data.variable };
        }
        if (known) this.variables.set(name, String(data.attributeValue));
        if (known && name === "OCPPCommCtrlr/HeartbeatInterval") this.setHeartbeat(Number(data.attributeValue) || 0);
        if (known && linkVariables.has(name)) this.#applyLinkVariables();
        return { attributeStatus: known ? "Accepted" : "UnknownVariable", component: data.component, variable: data.variable };
      }),
    }));
    peer.route("UnlockConnector", (request: { evseId: number }) => ({
      status: this.connector(request.evseId) ? "Unlocked" : "UnknownConnector",
    }));
    peer.route("ChangeAvailability", () => ({ status: "Accepted" }));
  }
}
