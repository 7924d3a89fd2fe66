/**
 * MeterValues round trips with 9 sampled values: `node bench/meter-values.mjs [--clients=N] [--quick]`.
 * The figure that matters is the server's CPU per call: this is the message a back end receives most,
 * and the one with the largest payload to parse and validate.
 */
import { meterValuesRequest } from "./lib/payloads.mjs";
import { runRoundTrips } from "./lib/round-trips.mjs";

await runRoundTrips({ bench: "meter-values", call: (client) => client.meterValues(meterValuesRequest()), defaults: { clients: 10 } });
