/**
 * ReserveNow and CancelReservation on the station's EVSE states, for both versions (2.0.1 use cases
 * H01-H02; 1.6 sections 5.13 and 5.2). A version only reads its ReserveNow into a reservation. The
 * Reserved status is the result of the accepted reservation (1.6 section 4.9, status Reserved), so its
 * notification goes out after the answer: the two halves meet by the CALL's unique id.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { EvseStates } from "./evse-states.js";
import type { Reservation } from "./reservations.js";
import type { Routable, StationHost } from "./station-2.js";

/** A version's ReserveNow read: the reservation and the EVSE (1.6: connector) it asks for, or a refusal. */
export type ReserveNowReading =
  | { readonly reservation: Omit<Reservation, "evseId">; readonly evseId: number | undefined }
  | { readonly refused: "Rejected" };

export interface ReservationContext<Request> {
  readonly host: StationHost;
  readonly evses: EvseStates;
  readonly read: (request: Request) => ReserveNowReading;
  /** The station's state changed and must be stored. */
  readonly changed: () => void;
  /** Sends the EVSE's status as it now is. */
  readonly reportIdle: (evseId: number) => Promise<void>;
}

export function routeReservations<Request>(peer: Routable, context: ReservationContext<Request>): void {
  const { host, evses } = context;
  const reservedBy = new Map<string, number>();
  peer.route(
    "ReserveNow",
    (request: Request, uniqueId: string) => {
      const reading = context.read(request);
      if ("refused" in reading) return { status: reading.refused };
      const { status, evseId } = evses.reserve(reading.reservation, reading.evseId);
      if (evseId !== undefined) reservedBy.set(uniqueId, evseId);
      return { status };
    },
    { callUniqueIdRequired: true },
  );
  peer.routeAfter(
    "ReserveNow",
    (_request: Request, uniqueId: string) => {
      const evseId = reservedBy.get(uniqueId);
      reservedBy.delete(uniqueId);
      if (evseId !== undefined) host.background("ReserveNow", () => context.reportIdle(evseId));
    },
    { callUniqueIdRequired: true },
  );
  peer.route("CancelReservation", (request: { reservationId: number }) => {
    const reservation = evses.reservations.remove(request.reservationId);
    if (!reservation) return { status: "Rejected" };
    context.changed();
    host.background("CancelReservation", () => delay(0).then(() => context.reportIdle(reservation.evseId)));
    return { status: "Accepted" };
  });
}
