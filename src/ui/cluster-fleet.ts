/**
 * The Fleet of a cluster of central systems: every node's chargers on one page. It is written against
 * what a cluster offers rather than a class, so it carries no dependency on the cluster module: the
 * presence table (`list`), connect / disconnect of any node's chargers, a call routed to whichever node
 * holds the charger's socket, and the frames every node relays (each node taps its ChargePoints'
 * frames, e.g. with LocalFleet.tap, and publishes them cluster-wide).
 */
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

export interface ClusterFrame {
  readonly node: string;
  readonly id: string;
  readonly direction: "in" | "out";
  readonly text: string;
  /** ISO time the node saw it. */
  readonly at: string;
}

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
      this.#source.onFrame((frame) => listener({ type: "frame", ...frame })),
      this.#source.onNodeDown?.((node) => {
        for (const [id, holder] of [...this.#nodes]) {
          if (holder !== node) continue;
          this.#nodes.delete(id);
          listener({ type: "disconnect", id, node, at: new Date().toISOString() });
        }
      }),
    ];
    return () => {
      for (const stop of stops) stop?.();
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
