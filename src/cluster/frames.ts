/**
 * The cluster-wide frame relay: each node publishes its chargers' frames on one channel of the
 * namespace, and members that want them (a web page's server) subscribe. Publishing every frame costs
 * each node a JSON encoding and a Redis round trip per frame, so nodes relay only while someone watches:
 * a watcher keeps a key with a TTL alive, which every node checks on its heartbeat tick.
 */
import { nodeIdPattern } from "./presence.js";

/** One frame as it crossed the wire on some node: "in" came from the charger. */
export interface ClusterFrame {
  /** The node holding the charger's socket. */
  readonly node: string;
  /** The charger's id. */
  readonly id: string;
  readonly direction: "in" | "out";
  readonly text: string;
  /** ISO time the node saw it. */
  readonly at: string;
}

/** [node, charger id, direction, frame text, ISO time] */
type FrameMessage = [node: string, id: string, direction: "in" | "out", text: string, at: string];

export function encodeFrame(frame: ClusterFrame): string {
  const message: FrameMessage = [frame.node, frame.id, frame.direction, frame.text, frame.at];
  return JSON.stringify(message);
}

/** The frame a message of the frames channel holds, or undefined when it is not one (anyone with access to Redis can publish). */
export function parseFrame(text: string): ClusterFrame | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(message) || message.length !== 5) return undefined;
  const [node, id, direction, frame, at] = message as unknown[];
  if (typeof node !== "string" || !nodeIdPattern.test(node)) return undefined;
  if (typeof id !== "string" || id.length === 0) return undefined;
  if (direction !== "in" && direction !== "out") return undefined;
  if (typeof frame !== "string" || typeof at !== "string" || Number.isNaN(Date.parse(at))) return undefined;
  return { node, id, direction, text: frame, at };
}

/**
 * Frame publishes awaiting Redis's reply. Beyond this many (a Redis that is slow but connected) frames
 * are dropped, never queued: the relay is a view for people, and a node's chargers come first.
 */
export const maxFramesInFlight = 1_000;
