/**
 * The Fleet of one central system in this process: its connected ChargePoints, fed by the server's
 * connect and disconnect events (`LocalFleet.of(server)`, or connected() / disconnected() by hand) and by
 * the frames of the logger the ChargePoints are given (`fleet.tap(logger)`).
 */
import type { Logger } from "../index.js";
import type { AnyChargePoint, CentralSystem } from "../server/index.js";
import { callOutcome } from "./call-outcome.js";
import type { CallOutcome, Fleet, FleetCharger, FleetEvent } from "./fleet.js";
import { isVersionName, uiVersions } from "./versions.js";

export class LocalFleet implements Fleet {
  readonly #connected = new Map<string, { readonly chargePoint: AnyChargePoint; readonly since: string }>();
  readonly #listeners = new Set<(event: FleetEvent) => void>();

  /** Follows `server`: the chargers connected now, then its connect and disconnect events. */
  static of(server: CentralSystem): LocalFleet {
    const fleet = new LocalFleet();
    for (const chargePoint of server.chargePoints.values()) fleet.connected(chargePoint);
    server.on("connect", (chargePoint) => fleet.connected(chargePoint));
    server.on("disconnect", (chargePoint, code, reason) => fleet.disconnected(chargePoint, code, reason));
    return fleet;
  }

  /**
   * `logger` plus a tap on its frames: give it to every ChargePoint the server creates. Frames cost
   * nothing more while no page is open (nobody subscribed).
   */
  tap(logger: Logger = {}): Logger {
    return {
      ...logger,
      frame: (id, direction, text) => {
        logger.frame?.(id, direction, text);
        if (this.#listeners.size) this.#emit({ type: "frame", id, direction, text, at: new Date().toISOString() });
      },
    };
  }

  connected(chargePoint: AnyChargePoint): void {
    this.#connected.set(chargePoint.id, { chargePoint, since: new Date().toISOString() });
    this.#emit({ type: "connect", charger: this.#describe(chargePoint) });
  }

  disconnected(chargePoint: AnyChargePoint, code: number, reason: string): void {
    // A charger that reconnected replaced its old session: the old one's close is not the new one leaving.
    if (this.#connected.get(chargePoint.id)?.chargePoint !== chargePoint) return;
    this.#connected.delete(chargePoint.id);
    this.#emit({ type: "disconnect", id: chargePoint.id, code, reason, at: new Date().toISOString() });
  }

  async chargers(): Promise<readonly FleetCharger[]> {
    return [...this.#connected.values()].map(({ chargePoint }) => this.#describe(chargePoint));
  }

  subscribe(listener: (event: FleetEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async call(
    id: string,
    action: string,
    payload: Record<string, unknown>,
    options: { readonly skipValidation: boolean },
  ): Promise<CallOutcome> {
    const chargePoint = this.#connected.get(id)?.chargePoint;
    if (!chargePoint) return { outcome: "failed", problem: "UnknownCharger", message: `${id} is not connected` };
    const version = isVersionName(chargePoint.ocppVersion) ? uiVersions[chargePoint.ocppVersion] : undefined;
    const Payload = version?.calls[action];
    if (!Payload) return { outcome: "failed", problem: "Failed", message: `${action} is not an OCPP ${chargePoint.ocppVersion} action` };
    return callOutcome(() =>
      chargePoint.call(new Payload(payload as never) as never, { suppress: false, skipSchemaValidation: options.skipValidation }),
    );
  }

  #describe(chargePoint: AnyChargePoint): FleetCharger {
    const version = chargePoint.ocppVersion;
    return {
      id: chargePoint.id,
      version: isVersionName(version) ? version : "1.6",
      connectedSince: this.#connected.get(chargePoint.id)?.since ?? new Date().toISOString(),
    };
  }

  #emit(event: FleetEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
