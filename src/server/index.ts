export { type FloodPolicyOptions, FloodReason, type FloodReport, type RateLimitOptions } from "../rpc/flood-policy.js";
export {
  type AnyChargePoint,
  CentralSystem,
  type CentralSystemEvents,
  type CentralSystemOptions,
  type ChargePointContext,
  type CloseOptions,
  defaultProtocols,
  type Rejection,
  RejectReason,
} from "./central-system.js";
export type { ClusterHost, ClusterMembership } from "./cluster-host.js";
export { type BasicCredentials, basicCredentials, chargePointIdFromUrl, offeredSubprotocols } from "./handshake.js";
