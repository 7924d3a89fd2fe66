/**
 * The meter values a 2.0.1 / 2.1 station takes on a schedule besides its TxUpdated samples (part 2 J01,
 * J02; part 6 TC_J_01..03, 06, 10): clock-aligned values every AlignedDataCtrlr.Interval, at whole
 * multiples of the interval counted from midnight UTC (so every station of a site reads at the same
 * moments), sent while idle only when AlignedDataCtrlr.SendDuringIdle says so; and, during a
 * transaction, the samples its TransactionEvent Ended carries: every SampledDataCtrlr.TxEndedInterval
 * from the start (Sample.Periodic) and at every clock-aligned AlignedDataCtrlr.TxEndedInterval
 * (Sample.Clock), then the final reading (Transaction.End).
 */
import type { DeviceModel } from "./device-model.js";
import { meterValues, type Reading } from "./transactions.js";

export type MeterValue = ReturnType<typeof meterValues>[number];

export interface MeterScheduleHost {
  readonly model: DeviceModel;
  /** The EVSEs and which of them has a transaction. */
  evseIds(): readonly number[];
  inTransaction(evseId: number): boolean;
  /** A link to the CSMS is open (nothing is sent on a schedule without one). */
  online(): boolean;
  reading(evseId: number): Reading;
  /** Clock-aligned values of an EVSE: in its transaction's TransactionEvent (MeterValueClock), else a MeterValues. */
  sendClockAligned(evseId: number, meterValue: MeterValue[]): Promise<void>;
  failed(what: string, error: unknown): void;
}

const seconds = (model: DeviceModel, component: string, variable: string) => Number(model.value(component, variable)) || 0;
const list = (model: DeviceModel, component: string, variable: string) =>
  (model.value(component, variable) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Calls `tick(alignedAtMs)` at every whole multiple of `intervalS` since the epoch (midnight UTC each day for a divisor of a day). */
function alignedTimer(intervalS: number, tick: (atMs: number) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const periodMs = intervalS * 1000;
  const next = () => {
    const now = Date.now();
    const at = now - (now % periodMs) + periodMs;
    timer = setTimeout(() => {
      tick(at);
      next();
    }, at - now);
    timer.unref();
  };
  next();
  return () => clearTimeout(timer);
}

interface Collecting {
  readonly values: MeterValue[];
  readonly stops: (() => void)[];
}

export class MeterSchedule {
  readonly #host: MeterScheduleHost;
  #stopAligned: (() => void) | undefined;
  readonly #collecting = new Map<number, Collecting>();

  constructor(host: MeterScheduleHost) {
    this.#host = host;
    // A new interval applies from the next aligned moment.
    host.model.onChange(({ variable, type }) => {
      if (type === "Actual" && !variable.component.evse && variable.component.name === "AlignedDataCtrlr" && this.#stopAligned)
        this.start();
    });
  }

  /** Starts (or restarts) the clock-aligned readings, as AlignedDataCtrlr says now. */
  start(): void {
    this.stop();
    const { model } = this.#host;
    const intervalS = seconds(model, "AlignedDataCtrlr", "Interval");
    this.#stopAligned = () => {};
    if (intervalS <= 0 || model.value("AlignedDataCtrlr", "Enabled") === "false") return;
    this.#stopAligned = alignedTimer(intervalS, (atMs) => this.#clockAligned(atMs));
  }

  stop(): void {
    this.#stopAligned?.();
    this.#stopAligned = undefined;
  }

  #clockAligned(atMs: number): void {
    const host = this.#host;
    if (!host.online()) return;
    const ids = host.evseIds();
    // SendDuringIdle: clock-aligned values only while no transaction runs (TC_J_06).
    if (host.model.value("AlignedDataCtrlr", "SendDuringIdle") === "true" && ids.some((id) => host.inTransaction(id))) return;
    const measurands = list(host.model, "AlignedDataCtrlr", "Measurands");
    const timestamp = new Date(atMs).toISOString();
    for (const evseId of ids) {
      const values = meterValues(measurands, host.reading(evseId), "Sample.Clock").map((value) => ({ ...value, timestamp }));
      if (values.length) host.sendClockAligned(evseId, values).catch((error: unknown) => host.failed("clock-aligned meter values", error));
    }
  }

  /** A transaction started on `evseId`: the TxEnded samples are taken from now on. */
  transactionStarted(evseId: number): void {
    this.transactionEnded(evseId);
    const { model } = this.#host;
    const collecting: Collecting = { values: [], stops: [] };
    this.#collecting.set(evseId, collecting);
    const take = (component: string, context: string, atMs: number) => {
      const measurands = list(model, component, "TxEndedMeasurands");
      const timestamp = new Date(atMs).toISOString();
      for (const value of meterValues(measurands, this.#host.reading(evseId), context)) collecting.values.push({ ...value, timestamp });
    };
    const sampledS = seconds(model, "SampledDataCtrlr", "TxEndedInterval");
    if (sampledS > 0) {
      const timer = setInterval(() => take("SampledDataCtrlr", "Sample.Periodic", Date.now()), sampledS * 1000);
      timer.unref();
      collecting.stops.push(() => clearInterval(timer));
    }
    const alignedS = seconds(model, "AlignedDataCtrlr", "TxEndedInterval");
    if (alignedS > 0) collecting.stops.push(alignedTimer(alignedS, (atMs) => take("AlignedDataCtrlr", "Sample.Clock", atMs)));
  }

  /** The transaction on `evseId` ended: the samples its TransactionEvent Ended carries before the final reading. */
  transactionEnded(evseId: number): MeterValue[] {
    const collecting = this.#collecting.get(evseId);
    this.#collecting.delete(evseId);
    for (const stop of collecting?.stops ?? []) stop();
    return collecting?.values ?? [];
  }
}
