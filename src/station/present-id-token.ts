/**
 * An idToken presented at an EVSE of the 2.x simulator (the control endpoint's PresentIdToken), as the
 * station's reader handles it (2.0.1 C01, C09, C16, E07): before the cable is in, the token is authorized
 * at once and the session starts at the plug-in (C01: Authorize, then connect); with the cable in it
 * starts the session; during a transaction the token that started it, or an accepted one of the same
 * group (C09.FR.03), stops it, a master pass stops every transaction (C16.FR.02, a station without a
 * user interface) and any other token changes nothing (part 6 TC_C_04, TC_C_42).
 */
import type { SimulatedCharger2 } from "./simulated-charger-2.js";

export type IdTokenReaderHost = Pick<SimulatedCharger2, "station" | "connector" | "connectors" | "startSession" | "stopSession">;

/** A token presented before the plug-in: its authorization, awaited by the plug-in that follows. */
export type PreAuthorized = Promise<string | undefined>;

export function presentIdToken(
  host: IdTokenReaderHost,
  evseId: number,
  idToken: string,
  pending: Map<number, PreAuthorized>,
): Promise<unknown> {
  const evse = host.connector(evseId);
  if (evse?.transactionId !== undefined) return presentDuringTransaction(host, evseId, idToken);
  if (evse?.status === "Occupied") return host.startSession(evseId, idToken, true);
  const authorized = host.station.authorize(idToken).then((ok) => (ok ? idToken : undefined));
  pending.set(evseId, authorized);
  return authorized;
}

/** The plug-in: a session for the token authorized before it (already authorized: not asked again), else only Occupied. */
export async function plugIn(
  host: IdTokenReaderHost & Pick<SimulatedCharger2, "sendStatus">,
  evseId: number,
  pending: Map<number, PreAuthorized>,
): Promise<void> {
  const waiting = pending.get(evseId);
  pending.delete(evseId);
  const idToken = await waiting;
  if (idToken) await host.startSession(evseId, idToken, false);
  else await host.sendStatus(evseId, "Occupied");
}

async function presentDuringTransaction(host: IdTokenReaderHost, evseId: number, idToken: string): Promise<void> {
  const started = host.connector(evseId)?.idTag;
  if (idToken === started) return host.stopSession(evseId, "Local");
  const info = await host.station.authorizationInfo(idToken);
  if (info.status !== "Accepted") return;
  if (host.station.isMasterPass(info)) {
    for (const evse of host.connectors) if (evse.transactionId !== undefined) await host.stopSession(evse.id, "MasterPass");
    return;
  }
  const group = started === undefined ? undefined : host.station.groupOf(started);
  if (group !== undefined && info.group === group) await host.stopSession(evseId, "Local");
}
