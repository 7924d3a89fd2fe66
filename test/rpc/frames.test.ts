/**
 * Frames that are not proper OCPP-J messages (OCPP-J 1.6 section 4): answered with a CALLERROR when a
 * message id can be read, dropped and logged otherwise, ignored for unknown message types; the
 * ChargePoint keeps running in every case (each test ends with a working round trip).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, callResult } from "ocppkit/v16";
import { type RawPeer, rawPeerWith } from "../support/peers.js";

const heartbeat = () => ({ currentTime: "2026-11-24T10:00:00Z" });

/** Sends `frames`, then a real CALL; returns what came back before its answer and checks the answer. */
async function sendThenProbe(raw: RawPeer, frames: readonly unknown[]): Promise<unknown[][]> {
  for (const frame of frames) raw.send(frame);
  const { answer, before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.deepEqual(answer, [3, "probe", heartbeat()], "still running and answering");
  return before;
}

async function setup(t: Parameters<typeof rawPeerWith>[0]) {
  const result = await rawPeerWith(t);
  result.chargePoint.route("Heartbeat", heartbeat);
  return result;
}

test("a frame that is not JSON but has a readable message id gets FormationViolation", async (t) => {
  const { raw } = await setup(t);
  const before = await sendThenProbe(raw, ['[2, "broken-1", "Heartbeat", {', '[2,"broken-2","Authorize",{"idTag": ABC}]']);
  assert.deepEqual(
    before.map((frame) => frame.slice(0, 3)),
    [
      [4, "broken-1", "FormationViolation"],
      [4, "broken-2", "FormationViolation"],
    ],
  );
});

test("an incomplete CALL frame gets ProtocolError", async (t) => {
  const { raw } = await setup(t);
  const before = await sendThenProbe(raw, [
    [2, "short-1", "Heartbeat"],
    [2, "short-2"],
  ]);
  assert.deepEqual(
    before.map((frame) => frame.slice(0, 3)),
    [
      [4, "short-1", "ProtocolError"],
      [4, "short-2", "ProtocolError"],
    ],
  );
});

test("a message id longer than 36 characters or an action that is not a string gets FormationViolation", async (t) => {
  const { raw } = await setup(t);
  const before = await sendThenProbe(raw, [
    [2, "x".repeat(37), "Heartbeat", {}],
    [2, "numeric-action", 17, {}],
  ]);
  assert.deepEqual(
    before.map((frame) => frame.slice(0, 3)),
    [
      [4, "x".repeat(36), "FormationViolation"],
      [4, "numeric-action", "FormationViolation"],
    ],
  );
});

test("a frame whose message id cannot be read is dropped and logged", async (t) => {
  const { raw, log } = await setup(t);
  const unreadable = [
    "not json at all",
    '{"messageTypeId": 2}',
    "[]",
    "[2]",
    '[2, 12345, "Heartbeat", {}]',
    '[2, null, "Heartbeat", {}]',
    '"text"',
    "42",
  ];
  const before = await sendThenProbe(raw, unreadable);
  assert.deepEqual(before, [], "nothing is sent back");
  const dropped = log.records.filter((record) => record.message.includes("Dropped"));
  assert.equal(dropped.length, unreadable.length);
  assert.deepEqual(
    dropped.map((record) => record.context?.frame),
    unreadable,
  );
});

test("a message with an unknown message type number is ignored (and logged)", async (t) => {
  const { raw, log } = await setup(t);
  // 5 and 6 exist only in OCPP 2.1; 1.6 knows 2, 3 and 4 (OCPP-J 1.6 section 4.1.3).
  const frames = [
    [7, "type-7", "Heartbeat", {}],
    [5, "type-5", "InternalError", "", {}],
    [6, "type-6", "Heartbeat", {}],
    [0, "type-0"],
    ["2", "type-string", "Heartbeat", {}],
  ];
  const before = await sendThenProbe(raw, frames);
  assert.deepEqual(before, []);
  assert.equal(log.records.filter((record) => record.message.includes("unknown message type")).length, frames.length);
});

test("an incomplete CALLRESULT or CALLERROR answering our call fails that call instead of hanging", async (t) => {
  const { raw, chargePoint } = await setup(t);
  const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "ours", suppress: false });
  await raw.next();
  raw.send([3, "ours"]);
  await assert.rejects(pending, (error: unknown) => error instanceof Error && error.name === "InvalidResponseError");
  const again = chargePoint.call(new call.Heartbeat({}), { uniqueId: "ours-2", suppress: false });
  await raw.next();
  raw.send([4, "ours-2"]);
  await assert.rejects(again, (error: unknown) => error instanceof Error && error.name === "InvalidResponseError");
  await sendThenProbe(raw, []);
});

test("a CALL with a null payload is handled as an empty object", async (t) => {
  const { raw } = await setup(t);
  const { answer } = await raw.roundTrip([2, "null-payload", "Heartbeat", null as unknown as object]);
  assert.deepEqual(answer, [3, "null-payload", heartbeat()]);
});

test("a CALLERROR without errorDetails still settles the call", async (t) => {
  const { raw, chargePoint } = await setup(t);
  const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "no-details", suppress: false });
  await raw.next();
  raw.send([4, "no-details", "InternalError", "oops"]);
  await assert.rejects(pending, (error: unknown) => error instanceof Error && error.name === "InternalError");
  const next = chargePoint.call(new call.Heartbeat({}), { uniqueId: "next" });
  await raw.next();
  raw.send([3, "next", heartbeat()]);
  assert.ok((await next) instanceof callResult.Heartbeat);
});

test("a broken CALLRESULT or CALLERROR is never answered with a CALLERROR", async (t) => {
  const { raw, log } = await setup(t);
  const before = await sendThenProbe(raw, ['[3, "not-ours", {"currentTime": ', '[4, "not-ours-either", "InternalError", ']);
  assert.deepEqual(before, [], "only a CALL gets a CALLERROR back (OCPP-J 1.6 section 4.2.3)");
  assert.equal(log.records.filter((record) => record.message.includes("Dropped")).length, 2);
});

test("a broken CALL that reuses the id of our outstanding call gets FormationViolation and our call keeps waiting", async (t) => {
  const { raw, chargePoint } = await setup(t);
  // Message ids are unique per sender only, so the peer may pick the id our own CALL has.
  const ours = chargePoint.call(new call.Heartbeat({}), { uniqueId: "shared-id", suppress: false });
  await raw.next();
  const before = await sendThenProbe(raw, ['[2, "shared-id", "Authorize", {"idTag": ']);
  assert.deepEqual(
    before.map((frame) => frame.slice(0, 3)),
    [[4, "shared-id", "FormationViolation"]],
  );
  raw.send([3, "shared-id", heartbeat()]);
  assert.ok((await ours) instanceof callResult.Heartbeat);
});
