/**
 * Property tests: whatever text a peer sends, the ChargePoint keeps running, answers only with
 * CALLRESULT/CALLERROR, and its own outstanding call is neither lost nor settled by noise.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Action, call, callResult } from "ocppkit/v16";
import { type RawSetup, rawPeerWith, watch } from "../support/peers.js";

const outstandingId = "outstanding-call-of-the-run";
const heartbeat = () => ({ currentTime: "2026-11-24T10:00:00Z" });
// Texts that could answer the call held open for the run, or mimic a probe, would change the subject.
const harmless = (text: string) => !text.includes("outstanding-call") && !text.includes("probe-");

// Any UTF-16 code unit, lone surrogates included (fast-check's "binary" unit is slow to build).
const codeUnit = fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: codeUnit, maxLength: 80 }), fc.json({ maxDepth: 3 }));

const frameShaped = fc
  .tuple(
    fc.integer({ min: 0, max: 6 }),
    fc.oneof(fc.constantFrom(2, 3, 4), fc.integer({ min: -3, max: 9 }), fc.jsonValue({ maxDepth: 1 })),
    fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
    fc.oneof(
      fc.constantFrom(...Object.values(Action), "GetVariables", "constructor", "__proto__"),
      fc.string(),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(
        fc.constantFrom("idTag", "connectorId", "status", "timestamp", "currentTime", "idTagInfo", "type"),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    ),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(([length, ...parts]) => JSON.stringify(parts.slice(0, length)));

async function fuzzTarget(t: Parameters<typeof rawPeerWith>[0]): Promise<RawSetup<import("ocppkit/v16").ChargePoint>> {
  const setup = await rawPeerWith(t);
  setup.chargePoint
    .route(Action.Heartbeat, heartbeat)
    .route(Action.Authorize, () => ({ idTagInfo: { status: "Accepted" } }))
    .route(Action.BootNotification, async () => ({ status: "Accepted", currentTime: "2026-11-24T10:00:00Z", interval: 60 }))
    .route(Action.Reset, () => {
      throw new Error("not today");
    });
  return setup;
}

async function runFuzz(t: Parameters<typeof rawPeerWith>[0], texts: fc.Arbitrary<string>, seed: number): Promise<void> {
  const { chargePoint, raw, running } = await fuzzTarget(t);
  const startState = watch(running);
  const outstanding = chargePoint.call(new call.Heartbeat({}), { uniqueId: outstandingId, suppress: false });
  const outstandingState = watch(outstanding);
  assert.deepEqual(await raw.next(), [2, outstandingId, "Heartbeat", {}]);

  let probes = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(texts.filter(harmless), { maxLength: 8 }), async (batch) => {
      for (const text of batch) raw.send(text);
      const id = `probe-${probes++}`;
      const { answer, before } = await raw.roundTrip([2, id, "Heartbeat", {}]);
      assert.deepEqual(answer, [3, id, heartbeat()]);
      for (const reply of before) assert.ok(reply[0] === 3 || reply[0] === 4, `only answers go back, got ${JSON.stringify(reply)}`);
      assert.equal(startState.state(), "pending", "start() is still running");
      assert.equal(outstandingState.state(), "pending", "the call of the run is still waiting for its own answer");
    }),
    { numRuns: 120, seed },
  );

  // Nothing was left behind: the held call takes its answer, and new calls go out and resolve.
  raw.send([3, outstandingId, heartbeat()]);
  assert.ok((await outstanding) instanceof callResult.Heartbeat);
  const next = chargePoint.call(new call.Authorize({ idTag: "AFTER-FUZZ" }), { uniqueId: "after-fuzz" });
  assert.deepEqual(await raw.next(), [2, "after-fuzz", "Authorize", { idTag: "AFTER-FUZZ" }]);
  raw.send([3, "after-fuzz", { idTagInfo: { status: "Accepted" } }]);
  assert.ok((await next) instanceof callResult.Authorize);
  raw.socket.close(1000);
  await running;
}

test("arbitrary text frames never end start() and leave no call pending", async (t) => {
  await runFuzz(t, anyText, 20261124);
});

test("arbitrary JSON arrays shaped like frames never end start() and leave no call pending", async (t) => {
  await runFuzz(t, frameShaped, 4711);
});
