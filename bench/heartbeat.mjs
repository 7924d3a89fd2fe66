/**
 * Heartbeat round trips: `node bench/heartbeat.mjs [--clients=1|100] [--count=N] [--rounds=N] [--quick]`.
 * Prints one JSON line: round trips per second and CPU microseconds per call on the client and the
 * server process, for each stack, with ratios to bare `ws`.
 */
import { runRoundTrips } from "./lib/round-trips.mjs";

await runRoundTrips({ bench: "heartbeat", call: (client) => client.heartbeat(), defaults: { clients: 1 } });
