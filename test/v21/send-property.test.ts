/**
 * Property: whatever SEND frames a 2.1 peer receives, nothing goes back (2.1 part 4 section 4.2.4), and
 * the handler sees exactly the SENDs of its SEND-only action whose payload passes the schema.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Action, ChargePoint, protocol } from "ocppkit/v21";
import { rawPeerWith } from "../support/peers.js";

const validStream = fc.record({
  id: fc.nat(),
  pending: fc.nat(),
  basetime: fc.constant("2026-11-24T10:00:00Z"),
  data: fc.array(fc.record({ t: fc.double({ noNaN: true, noDefaultInfinity: true }), v: fc.string({ maxLength: 20 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
});
const payload = fc.oneof(
  validStream,
  fc.jsonValue({ maxDepth: 2 }),
  fc.dictionary(fc.constantFrom("id", "pending", "basetime", "data"), fc.jsonValue({ maxDepth: 2 })),
);
const sendFrame = fc.tuple(
  fc.string({ minLength: 1, maxLength: 36 }).filter((id) => !id.startsWith("probe-")),
  fc.oneof(fc.constant("NotifyPeriodicEventStream"), fc.constantFrom(...Object.values(Action)), fc.string({ maxLength: 30 })),
  payload,
);

test("SEND frames of any action and payload are never answered and reach the handler only when valid", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t, { chargePoint: ChargePoint });
  const handled: unknown[] = [];
  chargePoint
    .route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }))
    .route("NotifyPeriodicEventStream", (request: never) => {
      handled.push(request);
      return { ignored: true };
    });
  const validate = protocol.actions.get("NotifyPeriodicEventStream")?.request;
  assert.ok(validate);
  let probes = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(sendFrame, { maxLength: 6 }), async (frames) => {
      handled.length = 0;
      for (const [id, action, body] of frames) raw.send([6, id, action, body]);
      const id = `probe-${probes++}`;
      const { answer, before } = await raw.roundTrip([2, id, "Heartbeat", {}]);
      assert.equal(answer[0], 3);
      assert.deepEqual(before, [], "nothing answers a SEND");
      const expected = frames
        .filter(([, action, body]) => action === "NotifyPeriodicEventStream" && validate(body))
        .map(([, , body]) => JSON.parse(JSON.stringify(body)) as unknown);
      assert.deepEqual(handled, expected);
    }),
    { numRuns: 80, seed: 2101 },
  );
});
