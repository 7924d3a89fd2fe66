/** Load runs: many simulated chargers against a central system, with latency and reconnection figures. */
export { LoadProbeError, type LoadProgress, type LoadReport, type LoadRunOptions, loadSucceeded, runLoad } from "./load-run.js";
export { type ReconnectReport, ReconnectStats } from "./reconnect-stats.js";
export { Samples } from "./samples.js";
