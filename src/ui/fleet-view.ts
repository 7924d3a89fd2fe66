/**
 * Folds a Fleet's events into what the page shows: chargers (with boot information, connector statuses
 * and the ones that left), a bounded message log whose answers point at their CALL, and transactions
 * with their meter readings. Every change is handed to the listeners as one StreamMessage.
 */
import type { Fleet, FleetCharger, FleetEvent } from "./fleet.js";
import {
  type ChargerView,
  type LogRecord,
  type MeterSample,
  type OcppVersionName,
  type Snapshot,
  type StreamMessage,
  samplesPerTransaction,
  type TransactionView,
} from "./view-types.js";

export interface FleetViewOptions {
  readonly versions: readonly OcppVersionName[];
  /** Log records kept for a page opened later. Default 2000. */
  readonly logLimit?: number;
  /** Chargers that left, kept on the page. Default 200. */
  readonly goneLimit?: number;
  /** Transactions kept (running ones always are). Default 200. */
  readonly transactionLimit?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A transaction as kept here: its view, where its meter started, and the samples the current change added. */
type Transaction = Mutable<TransactionView> & { samples: MeterSample[]; meterStartWh?: number; added: MeterSample[] };
type Payload = Record<string, unknown>;

// CALLs never answered must not grow the map for ever.
const maxOpenCalls = 10_000;
const energyMeasurand = "Energy.Active.Import.Register";

/** Any JSON value of a frame as text: String() throws for an object whose toString is not a function ({"toString":0}). */
const asText = (value: unknown): string => (value !== null && typeof value === "object" ? JSON.stringify(value) : String(value));
const text = (value: unknown): string | undefined => (typeof value === "string" || typeof value === "number" ? asText(value) : undefined);

/** A sampled value in Wh or W: 1.6 has `unit`, 2.x `unitOfMeasure.unit` (+ `multiplier`); kWh and kW scale. */
function reading(sample: Payload): number | undefined {
  const value = Number(sample.value);
  if (!Number.isFinite(value)) return undefined;
  const unitOfMeasure = sample.unitOfMeasure as Payload | undefined;
  const unit = asText(sample.unit ?? unitOfMeasure?.unit ?? "");
  const multiplier = 10 ** Number(unitOfMeasure?.multiplier ?? 0);
  return value * multiplier * (unit === "kWh" || unit === "kW" ? 1000 : 1);
}

/** The energy register and active power of MeterValue entries (1.6 MeterValues and 2.x TransactionEvent). */
function samplesOf(meterValues: unknown): MeterSample[] {
  if (!Array.isArray(meterValues)) return [];
  return meterValues.flatMap((entry: Payload | null) => {
    if (typeof entry !== "object" || entry === null) return [];
    const t = Date.parse(asText(entry.timestamp));
    if (!Number.isFinite(t) || !Array.isArray(entry.sampledValue)) return [];
    const sample: Mutable<MeterSample> = { t };
    for (const sampled of entry.sampledValue as (Payload | null)[]) {
      if (typeof sampled !== "object" || sampled === null) continue;
      const measurand = asText(sampled.measurand ?? energyMeasurand);
      // Phase values would be added twice to the total: only the totals count.
      if (sampled.phase !== undefined) continue;
      if (measurand === energyMeasurand) sample.energyWh = reading(sampled);
      else if (measurand === "Power.Active.Import") sample.powerW = reading(sampled);
    }
    return sample.energyWh === undefined && sample.powerW === undefined ? [] : [sample];
  });
}

export class FleetView {
  readonly #options: Required<FleetViewOptions>;
  readonly #chargers = new Map<string, Mutable<ChargerView>>();
  readonly #transactions = new Map<string, Transaction>();
  /** 1.6 StartTransaction CALLs waiting for the transactionId their answer brings, by charger and message id. */
  readonly #starting = new Map<string, { connector?: string; idToken?: string; at: string; meterStartWh?: number }>();
  readonly #openCalls = new Map<string, { seq: number; at: number; action: string }>();
  readonly #log: LogRecord[] = [];
  readonly #listeners = new Set<(message: StreamMessage) => void>();
  #seq = 0;
  #unsubscribe: (() => void) | undefined;

  constructor(options: FleetViewOptions) {
    this.#options = { logLimit: 2000, goneLimit: 200, transactionLimit: 200, ...options };
  }

  /** Starts following `fleet`: the chargers connected now, then every event. */
  async follow(fleet: Fleet): Promise<void> {
    this.#unsubscribe = fleet.subscribe((event) => this.apply(event));
    for (const charger of await fleet.chargers())
      if (!this.#chargers.get(charger.id) || this.#chargers.get(charger.id)?.goneAt) this.#connect(charger);
  }

  close(): void {
    this.#unsubscribe?.();
    this.#listeners.clear();
  }

  /** Every change from now on; returns the unsubscribe function. */
  listen(listener: (message: StreamMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  snapshot(): Snapshot {
    return {
      chargers: [...this.#chargers.values()],
      transactions: [...this.#transactions.values()].map(({ meterStartWh: _, added: __, samples, ...view }) => ({
        ...view,
        samples: samples.slice(-samplesPerTransaction),
      })),
      log: this.#log.slice(-this.#options.logLimit),
      versions: this.#options.versions,
    };
  }

  apply(event: FleetEvent): void {
    if (event.type === "connect") this.#connect(event.charger);
    else if (event.type === "disconnect") {
      const charger = this.#chargers.get(event.id);
      if (!charger || (event.node !== undefined && charger.node !== event.node)) return;
      Object.assign(charger, { goneAt: event.at, closeCode: event.code, closeReason: event.reason });
      this.#emit({ kind: "charger", data: charger });
      this.#forgetGone();
    } else this.#frame(event.id, event.node, event.direction, event.text, event.at);
  }

  #connect(charger: FleetCharger): void {
    const before = this.#chargers.get(charger.id);
    // A reconnecting charger keeps what it told before (boot, statuses) until it says otherwise.
    const view: Mutable<ChargerView> = { ...(before ?? {}), ...charger, connectors: before?.connectors ?? {} };
    delete view.goneAt;
    delete view.closeCode;
    delete view.closeReason;
    this.#chargers.delete(charger.id);
    this.#chargers.set(charger.id, view);
    this.#emit({ kind: "charger", data: view });
  }

  #forgetGone(): void {
    const gone = [...this.#chargers.values()].filter((charger) => charger.goneAt);
    for (const charger of gone.slice(0, Math.max(0, gone.length - this.#options.goneLimit))) this.#chargers.delete(charger.id);
  }

  #frame(chargerId: string, node: string | undefined, direction: "in" | "out", raw: string, at: string): void {
    const from = direction === "in" ? "chargePoint" : "centralSystem";
    const base = { seq: ++this.#seq, time: at, chargerId, ...(node === undefined ? {} : { node }), from } as const;
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {}
    let record: LogRecord;
    if (!Array.isArray(frame) || typeof frame[1] !== "string") {
      record = { ...base, type: "UNREADABLE", messageId: "", payload: raw.slice(0, 2000) };
    } else if (frame[0] === 2 || frame[0] === 6) {
      const action = asText(frame[2]);
      record = { ...base, type: frame[0] === 2 ? "CALL" : "SEND", messageId: frame[1], action, payload: frame[3] };
      if (frame[0] === 2) {
        if (this.#openCalls.size >= maxOpenCalls) this.#openCalls.clear();
        this.#openCalls.set(`${chargerId}\u0000${from}\u0000${frame[1]}`, { seq: record.seq, at: Date.parse(at), action });
      }
    } else if (frame[0] === 3 || frame[0] === 4) {
      const callFrom = from === "chargePoint" ? "centralSystem" : "chargePoint";
      const key = `${chargerId}\u0000${callFrom}\u0000${frame[1]}`;
      const call = this.#openCalls.get(key);
      this.#openCalls.delete(key);
      const answer = {
        ...base,
        messageId: frame[1],
        action: call?.action,
        callSeq: call?.seq,
        latencyMs: call && Date.parse(at) - call.at,
      };
      record =
        frame[0] === 3
          ? { ...answer, type: "CALLRESULT", payload: frame[2] }
          : { ...answer, type: "CALLERROR", errorCode: asText(frame[2]), errorDescription: asText(frame[3] ?? ""), payload: frame[4] };
    } else {
      record = { ...base, type: "UNREADABLE", messageId: asText(frame[1]), payload: frame };
    }
    this.#log.push(record);
    // Trimmed in one go once twice the limit, not one record per frame: shifting the array per frame cost
    // more than everything else the view does with a frame.
    if (this.#log.length >= 2 * this.#options.logLimit) this.#log.splice(0, this.#log.length - this.#options.logLimit);
    this.#emit({ kind: "log", data: record });
    this.#understand(record);
  }

  /** What a frame tells about its charger and its transactions. */
  #understand(record: LogRecord): void {
    const charger = this.#chargers.get(record.chargerId);
    if (!charger) return;
    const payload = (record.payload ?? {}) as Payload;
    let changed = false;
    if (record.from === "chargePoint") {
      charger.lastMessageAt = record.time;
      charger.lastAction = record.action ?? record.type;
      changed = true;
    }
    if (record.type === "CALL" && record.from === "chargePoint") {
      if (record.action === "BootNotification") {
        const station = (payload.chargingStation ?? {}) as Payload;
        charger.boot = {
          vendor: text(payload.chargePointVendor ?? station.vendorName),
          model: text(payload.chargePointModel ?? station.model),
          firmware: text(payload.firmwareVersion ?? station.firmwareVersion),
        };
      } else if (record.action === "StatusNotification") {
        const key = payload.evseId === undefined ? asText(payload.connectorId) : `${payload.evseId}/${payload.connectorId}`;
        const errorCode = text(payload.errorCode);
        charger.connectors = {
          ...charger.connectors,
          [key]: { status: asText(payload.status ?? payload.connectorStatus), ...(errorCode ? { errorCode } : {}), updatedAt: record.time },
        };
      } else this.#transactionCall(record, payload);
    } else if (record.type === "CALLRESULT" && record.from === "centralSystem" && record.action === "StartTransaction") {
      const starting = this.#starting.get(`${record.chargerId}\u0000${record.messageId}`);
      this.#starting.delete(`${record.chargerId}\u0000${record.messageId}`);
      const id = text(payload.transactionId);
      if (starting && id !== undefined) {
        this.#upsert(record.chargerId, id, starting.at, (tx) => {
          tx.connector = starting.connector;
          tx.idToken = starting.idToken;
          tx.meterStartWh = starting.meterStartWh;
        });
      }
    }
    if (changed) this.#emit({ kind: "charger", data: charger });
  }

  #transactionCall(record: LogRecord, payload: Payload): void {
    const { chargerId, time } = record;
    if (record.action === "StartTransaction") {
      if (this.#starting.size >= maxOpenCalls) this.#starting.clear();
      this.#starting.set(`${chargerId}\u0000${record.messageId}`, {
        connector: text(payload.connectorId),
        idToken: text(payload.idTag),
        at: text(payload.timestamp) ?? time,
        meterStartWh: typeof payload.meterStart === "number" ? payload.meterStart : undefined,
      });
    } else if (record.action === "MeterValues" && payload.transactionId !== undefined) {
      this.#upsert(chargerId, asText(payload.transactionId), time, (tx) => this.#addSamples(tx, samplesOf(payload.meterValue)));
    } else if (record.action === "StopTransaction") {
      this.#upsert(chargerId, asText(payload.transactionId), time, (tx) => {
        this.#addSamples(tx, samplesOf(payload.transactionData));
        if (typeof payload.meterStop === "number")
          this.#addSamples(tx, [{ t: Date.parse(asText(payload.timestamp)) || Date.parse(time), energyWh: payload.meterStop }]);
        tx.stoppedAt = text(payload.timestamp) ?? time;
        tx.stopReason = text(payload.reason) ?? "Local";
        if (payload.idTag !== undefined) tx.idToken ??= text(payload.idTag);
      });
    } else if (record.action === "TransactionEvent") {
      const info = (payload.transactionInfo ?? {}) as Payload;
      const id = text(info.transactionId);
      if (id === undefined) return;
      this.#upsert(chargerId, id, text(payload.timestamp) ?? time, (tx) => {
        const evse = payload.evse as Payload | undefined;
        if (evse) tx.connector ??= evse.connectorId === undefined ? asText(evse.id) : `${evse.id}/${evse.connectorId}`;
        const idToken = (payload.idToken as Payload | undefined)?.idToken;
        if (idToken !== undefined) tx.idToken = text(idToken);
        this.#addSamples(tx, samplesOf(payload.meterValue));
        if (payload.eventType === "Ended") {
          tx.stoppedAt = text(payload.timestamp) ?? time;
          tx.stopReason = text(info.stoppedReason) ?? "Local";
        }
      });
    }
  }

  #upsert(chargerId: string, transactionId: string, startedAt: string, change: (tx: Transaction) => void): void {
    const key = `${chargerId}/${transactionId}`;
    let tx = this.#transactions.get(key);
    if (!tx) {
      tx = { key, chargerId, transactionId, startedAt, energyWh: 0, samples: [], added: [] };
      this.#transactions.set(key, tx);
      this.#forgetTransactions();
    }
    tx.added = [];
    change(tx);
    // Only the new samples go on the stream: a page adds them to what it has (the snapshot had the rest).
    const { meterStartWh: _, samples: __, added, ...view } = tx;
    this.#emit({ kind: "transaction", data: { ...view, addedSamples: added } });
  }

  #addSamples(tx: Transaction, samples: readonly MeterSample[]): void {
    if (samples.length === 0) return;
    // The chart and "energy so far" count from the start: 1.6 gives meterStart, 2.x has none, so its
    // first reading is the start.
    const relative = samples.map((sample) => {
      if (sample.energyWh === undefined) return sample;
      tx.meterStartWh ??= sample.energyWh;
      return { ...sample, energyWh: Math.max(0, sample.energyWh - tx.meterStartWh) };
    });
    tx.added.push(...relative);
    tx.samples.push(...relative);
    if (tx.samples.length >= 2 * samplesPerTransaction) tx.samples.splice(0, tx.samples.length - samplesPerTransaction);
    for (const sample of relative) {
      if (sample.energyWh !== undefined) tx.energyWh = sample.energyWh;
      if (sample.powerW !== undefined) tx.powerW = sample.powerW;
    }
  }

  #forgetTransactions(): void {
    const ended = [...this.#transactions.values()].filter((tx) => tx.stoppedAt);
    const excess = this.#transactions.size - this.#options.transactionLimit;
    for (const tx of ended.slice(0, Math.max(0, excess))) this.#transactions.delete(tx.key);
  }

  #emit(message: StreamMessage): void {
    for (const listener of this.#listeners) listener(message);
  }
}
