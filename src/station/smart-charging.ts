/**
 * Charging profiles and the composite schedule (OCPP 1.6 edition 2 section 3.13; 2.0.1 K01-K08 combine
 * profiles by the same rules), version-neutral: the 1.6 and 2.x handlers map their messages onto it.
 * - Stacking (3.13.2): per purpose, the profile in effect at a moment is the one with the highest
 *   stackLevel that is valid then (validFrom/validTo) and whose schedule covers the moment (a schedule
 *   with a duration that has run out lets a lower stack level through).
 * - Purposes (3.13.1, 3.13.3): a TxProfile overrules the TxDefaultProfile during its transaction; an
 *   EVSE's own TxDefaultProfile overrules the one set for EVSE 0; the composite limit is the minimum of
 *   the station maximum and that transaction limit, at every moment.
 * - Kinds: Absolute (from startSchedule), Recurring Daily/Weekly (startSchedule's time repeated), Relative
 *   (from the start of the transaction, else from when it is asked).
 * Limits in A and W convert at 230 V per phase (numberPhases, default 3).
 */

export const ProfilePurpose = {
  StationMax: "StationMax",
  TxDefault: "TxDefault",
  Tx: "Tx",
  ExternalConstraints: "ExternalConstraints",
} as const;
export type ProfilePurpose = (typeof ProfilePurpose)[keyof typeof ProfilePurpose];

export interface SchedulePeriod {
  readonly startPeriod: number;
  readonly limit: number;
  readonly numberPhases?: number;
}

export interface Schedule {
  readonly startSchedule?: string;
  readonly duration?: number;
  readonly chargingRateUnit: "A" | "W";
  readonly chargingSchedulePeriod: readonly SchedulePeriod[];
  readonly minChargingRate?: number;
}

export interface Profile {
  readonly id: number;
  /** 0: the whole station. */
  readonly evseId: number;
  readonly stackLevel: number;
  readonly purpose: ProfilePurpose;
  readonly kind: "Absolute" | "Recurring" | "Relative";
  readonly recurrencyKind?: "Daily" | "Weekly";
  readonly validFrom?: string;
  readonly validTo?: string;
  readonly transactionId?: string | number;
  readonly schedule: Schedule;
  /** The message as it came, to report it back (GetChargingProfiles). */
  readonly original: object;
}

export interface CompositePeriod {
  readonly startPeriod: number;
  readonly limit: number;
  readonly numberPhases?: number;
}

export interface ClearCriteria {
  readonly id?: number;
  readonly evseId?: number;
  readonly purpose?: ProfilePurpose;
  readonly stackLevel?: number;
}

export const voltage = 230;
const day = 86_400_000;

/** `limit` in `from` units as `to` units, at 230 V per phase. */
export function convertLimit(limit: number, from: "A" | "W", to: "A" | "W", phases = 3): number {
  if (from === to) return limit;
  return from === "A" ? limit * voltage * phases : Math.round((limit / voltage / phases) * 10) / 10;
}

export class ChargingProfiles {
  readonly #profiles = new Map<number, Profile>();
  /** When the transaction on each EVSE started (Relative profiles start then). */
  readonly #transactionStart = new Map<number, number>();
  /** Called when the stored profiles changed. */
  changed: () => void = () => {};

  get all(): readonly Profile[] {
    return [...this.#profiles.values()];
  }

  /**
   * Installs a profile: one with the same id, or the same purpose, stack level and EVSE, is replaced
   * (3.13.2). Returns a reason when it is refused: a TxProfile needs a transaction on its EVSE (3.13.1),
   * a station maximum belongs to EVSE 0.
   */
  set(profile: Profile, transactionOn: (evseId: number) => string | number | undefined): string | undefined {
    if (profile.purpose === ProfilePurpose.StationMax && profile.evseId !== 0) return "a station maximum profile goes on EVSE 0";
    if (profile.purpose === ProfilePurpose.Tx) {
      if (profile.evseId === 0) return "a TxProfile goes on an EVSE, not 0";
      const running = transactionOn(profile.evseId);
      if (running === undefined) return "no transaction runs on the EVSE";
      if (profile.transactionId !== undefined && String(profile.transactionId) !== String(running))
        return "another transaction runs on the EVSE";
    }
    if (!profile.schedule.chargingSchedulePeriod.length || profile.schedule.chargingSchedulePeriod[0].startPeriod !== 0)
      return "the first period starts at 0";
    for (const [id, other] of this.#profiles) {
      if (
        id === profile.id ||
        (other.purpose === profile.purpose && other.stackLevel === profile.stackLevel && other.evseId === profile.evseId)
      )
        this.#profiles.delete(id);
    }
    this.#profiles.set(profile.id, profile);
    this.changed();
    return undefined;
  }

  /** Removes the profiles meeting every given criterion; the number removed. */
  clear(criteria: ClearCriteria): number {
    let removed = 0;
    for (const [id, profile] of this.#profiles) {
      if (criteria.id !== undefined && id !== criteria.id) continue;
      if (criteria.evseId !== undefined && profile.evseId !== criteria.evseId) continue;
      if (criteria.purpose !== undefined && profile.purpose !== criteria.purpose) continue;
      if (criteria.stackLevel !== undefined && profile.stackLevel !== criteria.stackLevel) continue;
      this.#profiles.delete(id);
      removed++;
    }
    if (removed) this.changed();
    return removed;
  }

  transactionStarted(evseId: number, at = Date.now()): void {
    this.#transactionStart.set(evseId, at);
  }

  /** The transaction on `evseId` ended: its TxProfiles go (3.13.1: "the profile SHOULD be deleted"). */
  transactionEnded(evseId: number): void {
    this.#transactionStart.delete(evseId);
    this.clear({ evseId, purpose: ProfilePurpose.Tx });
  }

  /** The start of the schedule occurrence that covers `at`, or undefined when none does. */
  #scheduleStart(profile: Profile, at: number): number | undefined {
    const { schedule } = profile;
    let start: number;
    if (profile.kind === "Relative") start = this.#transactionStart.get(profile.evseId) ?? this.#relativeFallback;
    else if (profile.kind === "Recurring") {
      const first = Date.parse(schedule.startSchedule ?? profile.validFrom ?? "1970-01-01T00:00:00Z");
      const every = profile.recurrencyKind === "Weekly" ? 7 * day : day;
      start = first + Math.floor((at - first) / every) * every;
    } else start = Date.parse(schedule.startSchedule ?? profile.validFrom ?? new Date(this.#relativeFallback).toISOString());
    if (at < start) return undefined;
    if (schedule.duration !== undefined && at >= start + schedule.duration * 1000) return undefined;
    return start;
  }

  #relativeFallback = Date.now();

  /** The limit `profile` sets at `at` in `unit` (undefined when it is not in effect then). */
  #limitOf(profile: Profile, at: number, unit: "A" | "W"): { limit: number; numberPhases?: number } | undefined {
    if (profile.validFrom !== undefined && at < Date.parse(profile.validFrom)) return undefined;
    if (profile.validTo !== undefined && at >= Date.parse(profile.validTo)) return undefined;
    const start = this.#scheduleStart(profile, at);
    if (start === undefined) return undefined;
    const offset = (at - start) / 1000;
    let period: SchedulePeriod | undefined;
    for (const p of profile.schedule.chargingSchedulePeriod) if (p.startPeriod <= offset) period = p;
    if (!period) return undefined;
    return {
      limit: convertLimit(period.limit, profile.schedule.chargingRateUnit, unit, period.numberPhases),
      ...(period.numberPhases === undefined ? {} : { numberPhases: period.numberPhases }),
    };
  }

  /** Per purpose, the prevailing profile's limit at `at` (3.13.2): the highest stack level in effect. */
  #prevailing(candidates: readonly Profile[], at: number, unit: "A" | "W") {
    const sorted = [...candidates].sort((a, b) => b.stackLevel - a.stackLevel);
    for (const profile of sorted) {
      const limit = this.#limitOf(profile, at, unit);
      if (limit) return limit;
    }
    return undefined;
  }

  /** The composite limit on `evseId` at `at` (3.13.3), undefined when no profile limits it. */
  limitAt(evseId: number, at: number, unit: "A" | "W"): { limit: number; numberPhases?: number } | undefined {
    const of = (purpose: ProfilePurpose, evse: number) => this.all.filter((p) => p.purpose === purpose && p.evseId === evse);
    const limits = [
      this.#prevailing(of(ProfilePurpose.StationMax, 0), at, unit),
      this.#prevailing(of(ProfilePurpose.ExternalConstraints, 0), at, unit),
    ];
    if (evseId !== 0) {
      const tx = this.#transactionStart.has(evseId) ? this.#prevailing(of(ProfilePurpose.Tx, evseId), at, unit) : undefined;
      const txDefault =
        this.#prevailing(of(ProfilePurpose.TxDefault, evseId), at, unit) ?? this.#prevailing(of(ProfilePurpose.TxDefault, 0), at, unit);
      limits.push(tx ?? txDefault);
    }
    let result: { limit: number; numberPhases?: number } | undefined;
    for (const limit of limits) if (limit && (!result || limit.limit < result.limit)) result = limit;
    return result;
  }

  /**
   * GetCompositeSchedule: the periods of the composite limit on `evseId` from `start` for `durationS`
   * seconds in `unit`, a new period wherever the limit changes; `fallback` where no profile limits.
   */
  composite(evseId: number, start: number, durationS: number, unit: "A" | "W", fallback: number): CompositePeriod[] {
    this.#relativeFallback = start;
    const end = start + durationS * 1000;
    const moments = new Set<number>([start]);
    const add = (t: number) => {
      if (t > start && t < end) moments.add(t);
    };
    for (const profile of this.all) {
      if (profile.validFrom) add(Date.parse(profile.validFrom));
      if (profile.validTo) add(Date.parse(profile.validTo));
      // Every occurrence of the schedule that can touch the window: its periods and its end.
      const every = profile.kind === "Recurring" ? (profile.recurrencyKind === "Weekly" ? 7 * day : day) : undefined;
      const first = this.#scheduleStart(profile, start) ?? this.#nextStart(profile, start);
      if (first === undefined) continue;
      for (let occurrence = first; occurrence < end; occurrence += every ?? Number.POSITIVE_INFINITY) {
        add(occurrence);
        for (const period of profile.schedule.chargingSchedulePeriod) add(occurrence + period.startPeriod * 1000);
        if (profile.schedule.duration !== undefined) add(occurrence + profile.schedule.duration * 1000);
        if (every === undefined) break;
      }
    }
    const periods: CompositePeriod[] = [];
    for (const t of [...moments].sort((a, b) => a - b)) {
      const found = this.limitAt(evseId, t, unit) ?? { limit: fallback };
      const last = periods[periods.length - 1];
      if (last && last.limit === found.limit && last.numberPhases === found.numberPhases) continue;
      periods.push({ startPeriod: Math.round((t - start) / 1000), ...found });
    }
    return periods;
  }

  /** The first start of a profile's schedule at or after `from` (for one that has not begun yet). */
  #nextStart(profile: Profile, from: number): number | undefined {
    if (profile.kind === "Relative") return this.#transactionStart.get(profile.evseId) ?? from;
    const first = Date.parse(profile.schedule.startSchedule ?? profile.validFrom ?? "");
    if (Number.isNaN(first)) return undefined;
    if (profile.kind !== "Recurring" || first >= from) return first;
    const every = profile.recurrencyKind === "Weekly" ? 7 * day : day;
    return first + Math.ceil((from - first) / every) * every;
  }

  store(): readonly Profile[] {
    return this.all;
  }

  restore(profiles: readonly Profile[]): void {
    for (const profile of profiles) this.#profiles.set(profile.id, profile);
  }
}
