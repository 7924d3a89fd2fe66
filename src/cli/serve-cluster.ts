/**
 * `ocppkit serve --redis`: the node's link to the cluster, and how a prompt command finds its charger on
 * this node or on any other. The cluster module is loaded only with --redis, so plain `serve` needs no
 * Redis client installed.
 */

import type { CentralSystemSession } from "../csms/index.js";
import type { CallPayload, Logger } from "../index.js";
import type { ClusterMembership } from "../server/index.js";
import type { ClusterMember } from "../ui/index.js";
import { CliError, ExitCode, oneLine } from "./cli-errors.js";

/** What the prompt and the page need of the cluster (the `Cluster` of "ocppkit/cluster"). */
export interface PromptCluster extends ClusterMembership, ClusterMember {
  readonly nodeId: string;
  ready(timeoutMs?: number): Promise<void>;
  locate(id: string): Promise<{ readonly node: string; readonly ocppVersion: string } | undefined>;
  tapFrames(logger: Logger): Logger;
}

export async function joinCluster(redisUrl: string, nodeId: string | undefined): Promise<PromptCluster> {
  let module: typeof import("../cluster/index.js");
  try {
    module = await import("../cluster/index.js");
  } catch (error) {
    throw new CliError(`ocppkit serve: --redis needs the ioredis package (npm install ioredis): ${oneLine(error)}`, ExitCode.Failure);
  }
  let cluster: InstanceType<typeof module.Cluster>;
  try {
    cluster = new module.Cluster({ redis: redisUrl, nodeId, logger: {} });
  } catch (error) {
    throw new CliError(`ocppkit serve: ${oneLine(error)}`, ExitCode.Usage);
  }
  try {
    await cluster.ready(5_000);
  } catch {
    await cluster.close();
    throw new CliError(
      `ocppkit serve: cannot reach Redis at ${redisUrl}; is it running? (redis-server, or --redis with another URL)`,
      ExitCode.Connect,
    );
  }
  return cluster;
}

/** A charger a prompt command can reach: on this node, or on another node of the cluster. */
export interface PromptTarget {
  readonly ocppVersion: string;
  /** The node holding it, when it is another one. */
  readonly node?: string;
  call(payload: CallPayload): Promise<unknown>;
}

export async function promptTarget(
  sessions: ReadonlyMap<string, CentralSystemSession>,
  cluster: PromptCluster | undefined,
  id: string,
): Promise<PromptTarget | undefined> {
  const session = sessions.get(id);
  if (session) return { ocppVersion: session.ocppVersion, call: (payload) => session.call(payload, { suppress: false }) };
  const presence = await cluster?.locate(id);
  if (!cluster || !presence) return undefined;
  return { ocppVersion: presence.ocppVersion, node: presence.node, call: (payload) => cluster.call(id, payload, { suppress: false }) };
}

/** The `list` line: every connected charger, with its node when in a cluster. */
export async function listLine(sessions: ReadonlyMap<string, CentralSystemSession>, cluster: PromptCluster | undefined): Promise<string> {
  if (!cluster) return sessions.size ? `connected: ${[...sessions.keys()].join(", ")}` : "no charger connected";
  const all = await cluster.list();
  return all.length
    ? `connected: ${all.map((p) => `${p.id} (${p.node}, ${p.ocppVersion})`).join(", ")}`
    : "no charger connected in the cluster";
}
