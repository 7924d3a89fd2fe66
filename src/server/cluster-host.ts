import type { AnyChargePoint, ChargePointContext } from "./central-system.js";

/**
 * What a cluster layer (`Cluster` from "ocppkit/cluster") sees of the CentralSystem it joins: the
 * registry and its events. The server knows nothing of Redis; the cluster subscribes to these.
 */
export interface ClusterHost {
  /** The CentralSystem's `replaceExisting` option (default true). */
  readonly replaceExisting: boolean;
  /** The charge points connected to this node, by id. */
  readonly chargePoints: ReadonlyMap<string, AnyChargePoint>;
  on(event: "connect", listener: (chargePoint: AnyChargePoint, context: ChargePointContext) => void): unknown;
  on(event: "disconnect", listener: (chargePoint: AnyChargePoint, code: number, reason: string) => void): unknown;
  /** Drains the node: see `CentralSystem.close()`. */
  close(): Promise<void>;
}

/** The hooks a CentralSystem calls on the cluster it joined (its `cluster` option). */
export interface ClusterMembership {
  /** Called once, by the CentralSystem's constructor. */
  join(host: ClusterHost): void;
  /** With `replaceExisting: false`, before the upgrade: true refuses the charger with HTTP 409. */
  connectedElsewhere(id: string): Promise<boolean>;
  /** During `close()`, once no new charger is accepted and before any is closed: lets cluster calls in flight finish. */
  drain(timeoutMs: number): Promise<void>;
  /** During `close()`, once every charger is closed: removes the node's presence and heartbeat. */
  leave(): Promise<void>;
}
