/**
 * A ClusterSource over a Cluster of "ocppkit/cluster", typed by what it uses rather than by the class,
 * so "ocppkit/ui" never loads the cluster module (nor ioredis, its optional peer) unless the
 * application made a Cluster itself: `new ClusterFleet(clusterSource(cluster))`.
 */
import type { CallOptions, CallPayload } from "../index.js";
import type { ClusterFrame, ClusterPresence, ClusterSource } from "./cluster-fleet.js";

/** What the page needs of a Cluster member: presence, its events, its frame relay and routed calls. */
export interface ClusterMember {
  list(): Promise<readonly ClusterPresence[]>;
  call(id: string, payload: CallPayload, options: CallOptions): Promise<unknown>;
  on(event: "connect" | "disconnect", listener: (presence: ClusterPresence) => void): unknown;
  on(event: "nodeDown", listener: (node: string) => void): unknown;
  on(event: "frame", listener: (frame: ClusterFrame) => void): unknown;
  off(event: "connect" | "disconnect", listener: (presence: ClusterPresence) => void): unknown;
  off(event: "nodeDown", listener: (node: string) => void): unknown;
  off(event: "frame", listener: (frame: ClusterFrame) => void): unknown;
}

/**
 * The Cluster as the page's source. Listening to its `frame` event is what makes every node relay its
 * frames, and ClusterFleet listens only while a page is open.
 */
export function clusterSource(cluster: ClusterMember): ClusterSource {
  // One untyped view of on/off: the overloads above only keep each event paired with its listener's type.
  const emitter = cluster as unknown as Record<"on" | "off", (event: string, listener: (value: never) => void) => unknown>;
  const follow =
    <T>(event: string) =>
    (listener: (value: T) => void) => {
      emitter.on(event, listener);
      return () => {
        emitter.off(event, listener);
      };
    };
  return {
    list: () => cluster.list(),
    call: (id, payload, options) => cluster.call(id, payload, options),
    onConnect: follow<ClusterPresence>("connect"),
    onDisconnect: follow<ClusterPresence>("disconnect"),
    onNodeDown: follow<string>("nodeDown"),
    onFrame: follow<ClusterFrame>("frame"),
  };
}
