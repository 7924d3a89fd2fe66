/**
 * The OCPP versions' action tables, loaded when a remote answer first needs one (to build its typed
 * `callResult` instance): a node or client that never calls a 2.1 charger never loads 2.1's schemas.
 * These are the same modules "ocppkit/v16" etc. load, so `instanceof callResult.X` holds.
 */
import type { OcppProtocol } from "../rpc/protocol.js";

const loaders: Readonly<Record<string, () => Promise<{ protocol: OcppProtocol }>>> = {
  "1.6": () => import("../v16/protocol.js"),
  "2.0.1": () => import("../v201/protocol.js"),
  "2.1": () => import("../v21/protocol.js"),
};

const loaded = new Map<string, OcppProtocol>();

/** The protocol of `ocppVersion`, at once when loaded before; undefined for a version ocppkit does not have. */
export function protocolOf(ocppVersion: string): OcppProtocol | Promise<OcppProtocol | undefined> | undefined {
  const known = loaded.get(ocppVersion);
  if (known) return known;
  const load = Object.hasOwn(loaders, ocppVersion) ? loaders[ocppVersion] : undefined;
  return load?.().then(({ protocol }) => {
    loaded.set(ocppVersion, protocol);
    return protocol;
  });
}

/** A node learns each version from its own chargers, so their answers need no import at all. */
export function rememberProtocol(protocol: OcppProtocol): void {
  if (!loaded.has(protocol.ocppVersion)) loaded.set(protocol.ocppVersion, protocol);
}
