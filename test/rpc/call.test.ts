import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CallTimeoutError,
  InvalidPayloadError,
  InvalidResponseError,
  NotConnectedError,
  NotSupportedError,
  PropertyConstraintViolationError,
  SecurityError,
} from "ocppkit";
import { call, callResult } from "ocppkit/v16";
import { connectedPair, rawPeerWith, watch } from "../support/peers.js";

test("call() with suppress true (the default) resolves undefined on a CALLERROR", async (t) => {
  const { centralSystem } = await connectedPair(t);
  // The charger has no Reset handler, so it answers NotSupported.
  const result = await centralSystem.call(new call.Reset({ type: "Hard" }));
  assert.equal(result, undefined);
  const explicit = await centralSystem.call(new call.Reset({ type: "Hard" }), { suppress: true });
  assert.equal(explicit, undefined);
});

test("call() with suppress false throws the OcppError subclass matching the CALLERROR", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair(t);
  await assert.rejects(centralSystem.call(new call.Reset({ type: "Hard" }), { suppress: false }), (error: unknown) => {
    assert.ok(error instanceof NotSupportedError);
    assert.equal(error.code, "NotSupported");
    return true;
  });
  chargePoint.route("Reset", () => {
    throw new SecurityError("reset needs an operator", { operator: "missing" });
  });
  await assert.rejects(centralSystem.call(new call.Reset({ type: "Hard" }), { suppress: false }), (error: unknown) => {
    assert.ok(error instanceof SecurityError);
    assert.equal(error.description, "reset needs an operator");
    assert.deepEqual(error.details, { operator: "missing" });
    return true;
  });
});

test("a call with no answer in time throws CallTimeoutError, and the next call works", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t, { responseTimeoutMs: 50 });
  const first = chargePoint.call(new call.Heartbeat({}), { uniqueId: "never-answered" });
  assert.deepEqual(await raw.next(), [2, "never-answered", "Heartbeat", {}]);
  await assert.rejects(first, (error: unknown) => {
    assert.ok(error instanceof CallTimeoutError);
    assert.equal(error.action, "Heartbeat");
    assert.equal(error.uniqueId, "never-answered");
    return true;
  });
  const second = chargePoint.call(new call.Heartbeat({}), { uniqueId: "answered" });
  assert.deepEqual(await raw.next(), [2, "answered", "Heartbeat", {}]);
  // The late answer to the timed-out call is ignored, not taken for the call now outstanding.
  raw.send([3, "never-answered", { currentTime: "2026-11-24T09:59:59Z" }]);
  raw.send([3, "answered", { currentTime: "2026-11-24T10:00:00Z" }]);
  const result = await second;
  assert.ok(result instanceof callResult.Heartbeat);
  assert.equal(result.currentTime, "2026-11-24T10:00:00Z");
  assert.ok(log.records.some((record) => record.context?.uniqueId === "never-answered" && record.message.includes("unknown message id")));
});

test("concurrent calls go out in FIFO order with only one CALL outstanding on the wire", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  const settled: string[] = [];
  const calls = ["a", "b", "c"].map((id) =>
    chargePoint.call(new call.Authorize({ idTag: id }), { uniqueId: id }).then((result) => {
      settled.push(id);
      return result;
    }),
  );
  for (const id of ["a", "b", "c"]) {
    assert.deepEqual(await raw.next(), [2, id, "Authorize", { idTag: id }]);
    // A round trip of our own proves nothing else was sent meanwhile: the wire keeps order.
    const { before } = await raw.roundTrip([2, `probe-${id}`, "Heartbeat", {}]);
    assert.deepEqual(before, [], `only ${id} is outstanding`);
    raw.send([3, id, { idTagInfo: { status: "Accepted" } }]);
  }
  const results = await Promise.all(calls);
  assert.deepEqual(settled, ["a", "b", "c"]);
  for (const result of results) assert.ok(result instanceof callResult.Authorize);
});

test("a response with an unknown message id is ignored and logged, and the real answer still resolves", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t);
  const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "real-id" });
  await raw.next();
  raw.send([3, "someone-else", { currentTime: "2026-11-24T09:00:00Z" }]);
  raw.send([4, "someone-else-too", "InternalError", "", {}]);
  raw.send([3, "real-id", { currentTime: "2026-11-24T10:00:00Z" }]);
  const result = await pending;
  assert.ok(result instanceof callResult.Heartbeat);
  assert.equal(result.currentTime, "2026-11-24T10:00:00Z");
  const ignored = log.records.filter((record) => record.message.includes("unknown message id"));
  assert.deepEqual(
    ignored.map((record) => record.context?.uniqueId),
    ["someone-else", "someone-else-too"],
  );
});

test("an invalid outgoing payload throws InvalidPayloadError and nothing is sent", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  await assert.rejects(chargePoint.call(new call.Authorize({ idTag: "X".repeat(21) })), (error: unknown) => {
    assert.ok(error instanceof InvalidPayloadError);
    assert.ok(error.cause instanceof PropertyConstraintViolationError);
    return true;
  });
  const valid = chargePoint.call(new call.Authorize({ idTag: "OK" }), { uniqueId: "valid" });
  assert.deepEqual(await raw.next(), [2, "valid", "Authorize", { idTag: "OK" }], "the invalid call never reached the wire");
  raw.send([3, "valid", { idTagInfo: { status: "Accepted" } }]);
  assert.ok((await valid) instanceof callResult.Authorize);
});

test("a CALLRESULT that fails its schema throws InvalidResponseError", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t);
  const pending = chargePoint.call(new call.Authorize({ idTag: "ABC" }), { uniqueId: "bad-answer" });
  await raw.next();
  raw.send([3, "bad-answer", { idTagInfo: { status: "Maybe" } }]);
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof InvalidResponseError);
    assert.equal(error.action, "Authorize");
    assert.equal(error.uniqueId, "bad-answer");
    assert.equal(error.cause.code, "PropertyConstraintViolation");
    return true;
  });
  assert.ok(log.records.some((record) => record.message.includes("invalid CALLRESULT")));
  // The queue moved on: the next call goes out and resolves.
  const next = chargePoint.call(new call.Heartbeat({}), { uniqueId: "after-bad" });
  assert.deepEqual(await raw.next(), [2, "after-bad", "Heartbeat", {}]);
  raw.send([3, "after-bad", { currentTime: "2026-11-24T10:00:00Z" }]);
  assert.ok((await next) instanceof callResult.Heartbeat);
});

test("skipSchemaValidation sends an invalid payload and accepts an invalid response", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  const pending = chargePoint.call(new call.Authorize({ idTag: "X".repeat(21) }), { uniqueId: "skip", skipSchemaValidation: true });
  assert.deepEqual(await raw.next(), [2, "skip", "Authorize", { idTag: "X".repeat(21) }]);
  raw.send([3, "skip", { idTagInfo: { status: "Maybe" } }]);
  const result = await pending;
  assert.ok(result instanceof callResult.Authorize);
  assert.equal(result.idTagInfo.status, "Maybe");
});

test("uniqueId option is used as the message id", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "0123456789abcdef0123456789abcdef0123" });
  assert.deepEqual(await raw.next(), [2, "0123456789abcdef0123456789abcdef0123", "Heartbeat", {}]);
  raw.send([3, "0123456789abcdef0123456789abcdef0123", { currentTime: "2026-11-24T10:00:00Z" }]);
  await pending;
  await assert.rejects(chargePoint.call(new call.Heartbeat({}), { uniqueId: "x".repeat(37) }), TypeError);
});

test("pending and queued calls fail with NotConnectedError when the connection closes", async (t) => {
  const { chargePoint, raw, running } = await rawPeerWith(t);
  const outstanding = chargePoint.call(new call.Heartbeat({}), { uniqueId: "outstanding" });
  const queued = chargePoint.call(new call.Heartbeat({}), { uniqueId: "queued" });
  const outstandingState = watch(outstanding);
  await raw.next();
  assert.equal(outstandingState.state(), "pending");
  raw.socket.close(1000);
  await assert.rejects(outstanding, NotConnectedError);
  await assert.rejects(queued, NotConnectedError);
  await running;
  await assert.rejects(chargePoint.call(new call.Heartbeat({})), NotConnectedError);
});

test("queued calls share one timer instead of one each", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  // Unref'd timers do not show in process.getActiveResourcesInfo(), so count what is armed.
  const realSetTimeout = globalThis.setTimeout;
  let armed = 0;
  const counting = (...args: Parameters<typeof setTimeout>) => {
    armed++;
    return realSetTimeout(...args);
  };
  t.mock.method(globalThis, "setTimeout", counting as unknown as typeof setTimeout);
  const calls = Array.from({ length: 50 }, (_, index) => chargePoint.call(new call.Heartbeat({}), { uniqueId: `queued-${index}` }));
  t.mock.restoreAll();
  assert.equal(armed, 1, "one timer (for the call in flight) serves all 50 calls");
  for (let index = 0; index < calls.length; index++) {
    assert.deepEqual(await raw.next(), [2, `queued-${index}`, "Heartbeat", {}]);
    raw.send([3, `queued-${index}`, { currentTime: "2026-11-24T10:00:00Z" }]);
  }
  for (const result of await Promise.all(calls)) assert.ok(result instanceof callResult.Heartbeat);
});

test("call() refuses a payload that is not built from a call.* class, and sends nothing", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  const plain = { idTag: "ABC" } as unknown as call.Authorize;
  await assert.rejects(chargePoint.call(plain), TypeError);
  const valid = chargePoint.call(new call.Heartbeat({}), { uniqueId: "only-this" });
  assert.deepEqual(await raw.next(), [2, "only-this", "Heartbeat", {}]);
  raw.send([3, "only-this", { currentTime: "2026-11-24T10:00:00Z" }]);
  await valid;
});
