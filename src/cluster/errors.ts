/**
 * The cluster cannot route a call: Redis is unreachable (or the cluster was closed), so where the
 * charger is cannot be known. Chargers on this node still work: `centralSystem.get(id).call()`.
 */
export class ClusterUnavailableError extends Error {
  readonly code = "ClusterUnavailable";
  constructor(message = "The cluster is unavailable: Redis cannot be reached; retry once it is back") {
    super(message);
    this.name = "ClusterUnavailableError";
  }
}
