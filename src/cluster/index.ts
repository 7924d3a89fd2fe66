/**
 * `ocppkit/cluster`: one central system over many processes and machines, on Redis (ioredis, an
 * optional peer dependency: install it only to use this entry point).
 */
export { type AnyVersionResults, Cluster, type ClusterEvents, type ClusterOptions, type RedisClient } from "./cluster.js";
export { ClusterUnavailableError } from "./errors.js";
export type { ClusterFrame } from "./frames.js";
export type { Presence } from "./presence.js";
