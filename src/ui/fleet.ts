/**
 * The chargers the page shows and commands, whatever holds them: one CentralSystem in this process
 * (LocalFleet), or every node of a cluster (an adapter over src/cluster's presence, cluster-wide events
 * and cross-node call). The page's server and the control endpoint know only this interface.
 */
import type { OcppVersionName } from "./view-types.js";

export interface FleetCharger {
  readonly id: string;
  readonly version: OcppVersionName;
  /** The cluster node holding the connection; absent for a single central system. */
  readonly node?: string;
  /** ISO time the charger connected. */
  readonly connectedSince: string;
}

export type FleetEvent =
  | { readonly type: "connect"; readonly charger: FleetCharger }
  /** `code` and `reason` of the WebSocket close where the fleet knows them (a cluster's presence does not). */
  | {
      readonly type: "disconnect";
      readonly id: string;
      readonly node?: string;
      readonly code?: number;
      readonly reason?: string;
      readonly at: string;
    }
  /** One frame as it crossed the wire, seen from the central system: "in" came from the charger. */
  | {
      readonly type: "frame";
      readonly id: string;
      readonly node?: string;
      readonly direction: "in" | "out";
      readonly text: string;
      readonly at: string;
    };

/** How a CALL sent to a charger ended. */
export type CallOutcome =
  | { readonly outcome: "result"; readonly payload: unknown }
  | { readonly outcome: "callError"; readonly code: string; readonly description: string; readonly details: unknown }
  /** The charger left, no answer came in time, or its answer broke the schema. */
  | { readonly outcome: "failed"; readonly problem: "UnknownCharger" | "Timeout" | "Failed"; readonly message: string };

export interface Fleet {
  /** The chargers connected now. */
  chargers(): Promise<readonly FleetCharger[]>;
  /** Every connect, disconnect and frame from now on; returns the unsubscribe function. */
  subscribe(listener: (event: FleetEvent) => void): () => void;
  /**
   * Sends a CALL of `action` to charger `id` and waits for its answer. The payload is checked against
   * the version's schema first unless `skipValidation` (the control endpoint checks before calling).
   */
  call(id: string, action: string, payload: Record<string, unknown>, options: { readonly skipValidation: boolean }): Promise<CallOutcome>;
  /**
   * A page is open. A fleet whose frames cost something to gather (a cluster's relay) delivers them only
   * between this and the call of the function it returns; one without it delivers them always.
   */
  watch?(): () => void;
}
