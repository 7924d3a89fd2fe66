/**
 * The Fleet of a cluster of central systems: every node's chargers on one page. It is written against
 * what a cluster offers rather than a class, so it carries no dependency on the cluster module: the
 * presence table (`list`), connect / disconnect of any node's chargers, a call routed to whichever node
 * holds the charger's socket, and the frames every node relays (`Cluster.tapFrames`), followed only
 * while a page is open (`watch`). `clusterSource(cluster)` makes a ClusterSource of an "ocppkit/cluster" Cluster.
 */
import type { ClusterFrame } from "../cluster/frames.js";
import type { CallOptions, CallPayload } from "../index.js";
import { callOutcome } from "./call-outcome.js";
import type { CallOutcome, Fleet, FleetCharger, FleetEvent } from "./fleet.js";
import { isVersionName, uiVersions } from "./versions.js";
import type { OcppVersionName } from "./view-types.js";

/** Where a charger is connected, as a cluster's presence records it. */
export interface ClusterPresence {
  readonly id: string;
  readonly node: string;
  readonly ocppVersion: string;
  readonly connectedSince: Date;
}

/** One frame of a charger on some node, as the cluster's frame relay carries it. */
export type { ClusterFrame };

type Subscribe<T> = (listener: (value: T) => void) => () => void;

export interface ClusterSource {
  /** Every charger connected to any node. */
  list(): Promise<readonly ClusterPresence[]>;
  /** A CALL routed to the node holding `id`; rejects as ChargePoint.call() does (OcppError, CallTimeoutError, NotConnectedError). */
  call(id: string, payload: CallPayload, options: CallOptions): Promise<unknown>;
  onConnect: Subscribe<ClusterPresence>;
  onDisconnect: Subscribe<ClusterPresence>;
  /** A node died: its chargers are gone (when the cluster does not report each one). */
  onNodeDown?: Subscribe<string>;
  /** Frames of every node's chargers; ClusterFleet follows them only while a page is open. */
  onFrame: Subscribe<ClusterFrame>;
}

const describe = (presence: ClusterPresence): FleetCharger => ({
  id: presence.id,
  version: isVersionName(presence.ocppVersion) ? presence.ocppVersion : "1.6",
  node: presence.node,
  connectedSince: presence.connectedSince.toISOString(),
});

export class ClusterFleet implements Fleet {
  readonly #source: ClusterSource;
  /** Which node holds each charger we were told of: a node's death makes them gone. */
  readonly #nodes = new Map<string, string>();
  readonly #frameListeners = new Set<(event: FleetEvent) => void>();
  #watchers = 0;
  #stopFrames: (() => void) | undefined;

  constructor(source: ClusterSource) {
    this.#source = source;
  }

  async chargers(): Promise<readonly FleetCharger[]> {
    const presences = await this.#source.list();
    for (const presence of presences) this.#nodes.set(presence.id, presence.node);
    return presences.map(describe);
  }

  subscribe(listener: (event: FleetEvent) => void): () => void {
    const stops = [
      this.#source.onConnect((presence) => {
        this.#nodes.set(presence.id, presence.node);
        listener({ type: "connect", charger: describe(presence) });
      }),
      this.#source.onDisconnect((presence) => {
        if (this.#nodes.get(presence.id) === presence.node) this.#nodes.delete(presence.id);
        listener({ type: "disconnect", id: presence.id, node: presence.node, at: new Date().toISOString() });
      }),
      this.#source.onNodeDown?.((node) => {
        for (const [id, holder] of [...this.#nodes]) {
          if (holder !== node) continue;
          this.#nodes.delete(id);
          listener({ type: "disconnect", id, node, at: new Date().toISOString() });
        }
      }),
    ];
    this.#frameListeners.add(listener);
    return () => {
      this.#frameListeners.delete(listener);
      for (const stop of stops) stop?.();
    };
  }

  /** Frames are relayed cluster-wide only while a page is open: the source's frames are followed meanwhile. */
  watch(): () => void {
    if (this.#watchers++ === 0)
      this.#stopFrames = this.#source.onFrame((frame) => {
        for (const listener of this.#frameListeners) listener({ type: "frame", ...frame });
      });
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--this.#watchers > 0) return;
      this.#stopFrames?.();
      this.#stopFrames = undefined;
    };
  }

  async call(
    id: string,
    action: string,
    payload: Record<string, unknown>,
    options: { readonly skipValidation: boolean },
  ): Promise<CallOutcome> {
    const presence = (await this.#source.list()).find((candidate) => candidate.id === id);
    if (!presence) return { outcome: "failed", problem: "UnknownCharger", message: `${id} is not connected to any node` };
    const version = presence.ocppVersion as OcppVersionName;
    const Payload = isVersionName(version) ? uiVersions[version].calls[action] : undefined;
    if (!Payload) return { outcome: "failed", problem: "Failed", message: `${action} is not an OCPP ${version} action` };
    return callOutcome(() =>
      this.#source.call(id, new Payload(payload as never) as CallPayload, {
        suppress: false,
        skipSchemaValidation: options.skipValidation,
      }),
    );
  }
}
