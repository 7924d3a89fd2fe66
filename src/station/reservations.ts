/**
 * Reservations of EVSEs (2.0.1 H01-H04; 1.6 section 5.13 for connectors): one per EVSE, held for an
 * idToken until it is used, cancelled or expires. While reserved, the EVSE refuses every other token
 * (1.6 section 5.13: the connector is reserved for the idTag), and a group id token matches too.
 */

export interface Reservation {
  readonly id: number;
  readonly evseId: number;
  readonly idToken: string;
  readonly groupIdToken?: string;
  readonly expiresAt: string;
}

export class ReservationBook {
  readonly #byId = new Map<number, Reservation>();
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #onExpired: (reservation: Reservation) => void;

  constructor(onExpired: (reservation: Reservation) => void) {
    this.#onExpired = onExpired;
  }

  get all(): readonly Reservation[] {
    return [...this.#byId.values()];
  }

  onEvse(evseId: number): Reservation | undefined {
    return this.all.find((r) => r.evseId === evseId);
  }

  byId(id: number): Reservation | undefined {
    return this.#byId.get(id);
  }

  /** Whether `idToken` may charge on `evseId`: always, unless the EVSE is reserved for another token. */
  allows(evseId: number, idToken: string, groupIdToken?: string): boolean {
    const reservation = this.onEvse(evseId);
    if (!reservation) return true;
    return reservation.idToken === idToken || (reservation.groupIdToken !== undefined && reservation.groupIdToken === groupIdToken);
  }

  /** Adds (or replaces, same id) a reservation; it expires by itself at `expiresAt`. */
  add(reservation: Reservation): void {
    this.remove(reservation.id);
    this.#byId.set(reservation.id, reservation);
    const ms = Math.max(0, Date.parse(reservation.expiresAt) - Date.now());
    // setTimeout holds at most 2^31-1 ms; a longer reservation re-arms when the station restarts.
    const timer = setTimeout(
      () => {
        if (this.#byId.get(reservation.id) !== reservation) return;
        this.remove(reservation.id);
        this.#onExpired(reservation);
      },
      Math.min(ms, 2_147_483_647),
    );
    timer.unref();
    this.#timers.set(reservation.id, timer);
  }

  remove(id: number): Reservation | undefined {
    const reservation = this.#byId.get(id);
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#byId.delete(id);
    return reservation;
  }

  /** The reservation a session on `evseId` for `idToken` uses up (undefined when none). */
  use(evseId: number, idToken: string): Reservation | undefined {
    const reservation = this.onEvse(evseId);
    if (!reservation || reservation.idToken !== idToken) return undefined;
    return this.remove(reservation.id);
  }

  clear(): void {
    for (const id of [...this.#byId.keys()]) this.remove(id);
  }
}
