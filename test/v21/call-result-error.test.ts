/**
 * CALLRESULTERROR (OCPP 2.1 part 4 section 4.2.3): a CALLRESULT we cannot process is answered with one,
 * carrying the CALLRESULT's id (section 4.1.4); one from the peer is reported, never answered. 2.0.1 has
 * no such message: there the invalid CALLRESULT only fails the call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidResponseError, OccurrenceConstraintViolationError, type OcppError, ProtocolError } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v21";
import { ChargePoint as ChargePoint201, call as call201 } from "ocppkit/v201";
import { rawPeerWith } from "../support/peers.js";

test("an invalid CALLRESULT is answered with CALLRESULTERROR and the call rejects with InvalidResponseError", async (t) => {
  const { chargePoint, raw } = await rawPeerWith<ChargePoint>(t, { chargePoint: ChargePoint });
  const heartbeat = chargePoint.call(new call.Heartbeat(), { suppress: false });
  const [type, id, action] = await raw.next();
  assert.deepEqual([type, action], [2, "Heartbeat"]);
  raw.send([3, id, { currentTime: "not a date", extra: 1 }]);
  const error = await heartbeat.then(
    () => assert.fail("the call should reject"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InvalidResponseError);
  assert.equal(error.uniqueId, id);
  const answer = await raw.next();
  assert.deepEqual(answer.slice(0, 3), [5, id, "FormatViolation"]);
  assert.equal(typeof answer[3], "string");
  assert.deepEqual(Object.keys(answer[4] as object).sort(), ["additionalProperty", "keyword", "path"]);
});

test("a CALLRESULT missing a required field gets CALLRESULTERROR OccurrenceConstraintViolation; a broken one ProtocolError", async (t) => {
  const { chargePoint, raw } = await rawPeerWith<ChargePoint>(t, { chargePoint: ChargePoint });
  const first = chargePoint.call(new call.Heartbeat(), { suppress: false });
  const [, id1] = await raw.next();
  raw.send([3, id1, {}]);
  await assert.rejects(first, (e: unknown) => e instanceof InvalidResponseError && e.cause instanceof OccurrenceConstraintViolationError);
  assert.deepEqual((await raw.next()).slice(0, 3), [5, id1, "OccurrenceConstraintViolation"]);

  const second = chargePoint.call(new call.Heartbeat(), { suppress: false });
  const [, id2] = await raw.next();
  raw.send([3, id2]);
  await assert.rejects(second, (e: unknown) => e instanceof InvalidResponseError && e.cause instanceof ProtocolError);
  assert.deepEqual((await raw.next()).slice(0, 3), [5, id2, "ProtocolError"]);
});

test("a CALLRESULTERROR from the peer reaches onCallResultError and is not answered", async (t) => {
  const seen: [string, string, string][] = [];
  class Station extends ChargePoint {
    protected override onCallResultError(error: OcppError, uniqueId: string): void {
      seen.push([uniqueId, error.code, error.description]);
    }
  }
  const { chargePoint, raw } = await rawPeerWith(t, { chargePoint: Station });
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  raw.send([5, "answered-1", "OccurrenceConstraintViolation", "idTokenInfo missing", {}]);
  raw.send([5, "answered-2", "NoSuchCode", "what", {}]);
  const { before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.deepEqual(before, []);
  assert.deepEqual(seen, [
    ["answered-1", "OccurrenceConstraintViolation", "idTokenInfo missing"],
    ["answered-2", "GenericError", 'Unknown error code "NoSuchCode": what'],
  ]);
});

test("by default a CALLRESULTERROR from the peer is logged", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t, { chargePoint: ChargePoint });
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  raw.send([5, "answered-1", "FormatViolation", "bad", {}]);
  await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  const record = log.records.find((r) => r.message.includes("CALLRESULTERROR"));
  assert.deepEqual(record?.context, { chargePointId: "CP-RAW", uniqueId: "answered-1", code: "FormatViolation", description: "bad" });
});

test("2.0.1 has no CALLRESULTERROR: an invalid CALLRESULT only fails the call", async (t) => {
  const { chargePoint, raw } = await rawPeerWith<ChargePoint201>(t, { chargePoint: ChargePoint201 });
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  const heartbeat = chargePoint.call(new call201.Heartbeat(), { suppress: false });
  const [, id] = await raw.next();
  raw.send([3, id, {}]);
  await assert.rejects(heartbeat, InvalidResponseError);
  const { before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.deepEqual(before, [], "nothing was sent back for the invalid CALLRESULT");
});
