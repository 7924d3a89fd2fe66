/**
 * What a station decides about its EVSEs (1.6: connectors) between transactions, the same in every
 * version: Operative or Inoperative (2.0.1 G03/G04, 1.6 section 5.2: a change asked during a
 * transaction is Scheduled and applies when it ends), reservations (2.0.1 H01, 1.6 section 5.13), and
 * from those the status an idle EVSE shows and who may start on it.
 */
import { type Reservation, ReservationBook } from "./reservations.js";
import type { EvseView } from "./station-2.js";

export interface StoredEvseStates {
  readonly reservations: readonly Reservation[];
  /** EVSE ids set Inoperative; 0 is the whole station. */
  readonly inoperative: readonly number[];
}

export class EvseStates {
  readonly reservations: ReservationBook;
  readonly #connectors: () => readonly EvseView[];
  readonly #inoperative = new Set<number>();
  readonly #scheduled = new Map<number, boolean>();
  readonly #changed: () => void;

  constructor(connectors: () => readonly EvseView[], onExpired: (reservation: Reservation) => void, changed: () => void) {
    this.#connectors = connectors;
    this.#changed = changed;
    this.reservations = new ReservationBook((reservation) => {
      changed();
      onExpired(reservation);
    });
  }

  /** The status an EVSE without a transaction shows: Unavailable, Reserved or Available. */
  idleStatus(evseId: number): string {
    if (this.#inoperative.has(0) || this.#inoperative.has(evseId)) return "Unavailable";
    return this.reservations.onEvse(evseId) ? "Reserved" : "Available";
  }

  /** A transaction ended on `evseId`: an availability change scheduled for it applies now. */
  transactionEnded(evseId: number): void {
    const operative = this.#scheduled.get(evseId);
    if (operative === undefined) return;
    this.#scheduled.delete(evseId);
    if (operative) this.#inoperative.delete(evseId);
    else this.#inoperative.add(evseId);
    this.#changed();
  }

  /** Whether `idToken` may start on `evseId`: not when it is Inoperative or reserved for another token. */
  mayStart(evseId: number, idToken: string, groupIdToken?: string): boolean {
    return this.reservations.allows(evseId, idToken, groupIdToken) && this.idleStatus(evseId) !== "Unavailable";
  }

  /** The EVSE a remote start for `idToken` gets: the one asked for if it may, else its reserved one, else a free one. */
  forStart(requested: number | undefined, idToken: string): number | undefined {
    const free = (e: EvseView) =>
      e.transactionId === undefined &&
      !e.claimed &&
      (e.status === "Available" || e.status === "Reserved" || e.status === "Preparing") &&
      this.mayStart(e.id, idToken);
    const connectors = this.#connectors();
    if (requested !== undefined) {
      const evse = connectors.find((e) => e.id === requested);
      // 2.0.1 F02: an EVSE Occupied by an EV plugged in without a transaction awaits exactly this start.
      const pluggedIn = evse?.status === "Occupied" && evse.transactionId === undefined && !evse.claimed && this.mayStart(evse.id, idToken);
      return evse && (free(evse) || pluggedIn) ? evse.id : undefined;
    }
    const reserved = connectors.find((e) => free(e) && this.reservations.onEvse(e.id)?.idToken === idToken);
    return (reserved ?? connectors.find((e) => free(e) && !this.reservations.onEvse(e.id)))?.id;
  }

  /** The reservation a session for `idToken` on `evseId` uses up, which ends it. */
  useReservation(evseId: number, idToken: string): Reservation | undefined {
    const used = this.reservations.use(evseId, idToken);
    if (used) this.#changed();
    return used;
  }

  /**
   * ReserveNow's answer for `evseId` (undefined: any EVSE) in the words both versions share, and the EVSE
   * reserved; the reservation is added when Accepted.
   */
  reserve(reservation: Omit<Reservation, "evseId">, evseId: number | undefined): { status: string; evseId?: number } {
    // A ReserveNow with the id of an existing reservation replaces it.
    this.reservations.remove(reservation.id);
    let target = evseId;
    if (target === undefined) {
      target = this.forStart(undefined, reservation.idToken);
      if (target === undefined) return { status: "Occupied" };
    } else {
      const evse = this.#connectors().find((e) => e.id === target);
      if (!evse) return { status: "Rejected" };
      if (this.idleStatus(evse.id) === "Unavailable") return { status: "Unavailable" };
      if (evse.status === "Faulted") return { status: "Faulted" };
      if (evse.transactionId !== undefined || evse.claimed || this.reservations.onEvse(evse.id)) return { status: "Occupied" };
    }
    this.reservations.add({ ...reservation, evseId: target });
    this.#changed();
    return { status: "Accepted", evseId: target };
  }

  /**
   * ChangeAvailability for `evseId` (0: the whole station): idle EVSEs change now, busy ones when their
   * transaction ends (Scheduled). Undefined when the EVSE is unknown.
   */
  changeAvailability(evseId: number, operative: boolean): "Accepted" | "Scheduled" | undefined {
    const targets = this.#connectors().filter((e) => evseId === 0 || e.id === evseId);
    if (!targets.length) return undefined;
    const busy = targets.filter((e) => e.transactionId !== undefined);
    for (const evse of busy) this.#scheduled.set(evse.id, operative);
    for (const evse of targets) {
      if (evse.transactionId !== undefined) continue;
      if (operative) this.#inoperative.delete(evse.id);
      else this.#inoperative.add(evse.id);
    }
    if (evseId === 0 && operative) this.#inoperative.delete(0);
    this.#changed();
    return busy.length ? "Scheduled" : "Accepted";
  }

  store(): StoredEvseStates {
    return { reservations: this.reservations.all, inoperative: [...this.#inoperative] };
  }

  restore(stored: Partial<StoredEvseStates>): void {
    for (const id of stored.inoperative ?? []) this.#inoperative.add(id);
    for (const reservation of stored.reservations ?? []) {
      if (Date.parse(reservation.expiresAt) > Date.now()) this.reservations.add(reservation);
    }
  }
}
