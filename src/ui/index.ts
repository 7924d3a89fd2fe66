/**
 * `ocppkit/ui`: a live web page of a central system (a development tool), its live stream and the
 * control endpoint, over any Fleet: LocalFleet for one CentralSystem in this process, ClusterFleet
 * (with clusterSource) for every node of a cluster.
 */

export { ClusterFleet, type ClusterFrame, type ClusterPresence, type ClusterSource } from "./cluster-fleet.js";
export { type ClusterMember, clusterSource } from "./cluster-source.js";
export { type ControlRequest, type ControlResponse, controlHandler, sendCommand } from "./control.js";
export { exampleRequest } from "./examples.js";
export type { CallOutcome, Fleet, FleetCharger, FleetEvent } from "./fleet.js";
export { FleetView, type FleetViewOptions } from "./fleet-view.js";
export { LocalFleet } from "./local-fleet.js";
export { type PayloadProblem, payloadProblem } from "./payload-problem.js";
export { startUi, type UiServer, type UiServerOptions } from "./server.js";
export type * from "./view-types.js";
