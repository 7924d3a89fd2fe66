/**
 * Message ids (2.0.1 and 2.1 part 4 section 4.1.4): every CALL and SEND carries a fresh id, a UUID by
 * default, so ids stay unique per sender across reconnects and restarts without any stored counter.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v21 from "ocppkit/v21";
import * as v201 from "ocppkit/v201";
import { connectedPair } from "../support/peers.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("2.0.1 CALLs carry distinct UUIDs", async (t) => {
  const { chargePoint, centralSystem, chargePointLog } = await connectedPair(t, {
    chargePoint: v201.ChargePoint,
    centralSystem: v201.ChargePoint,
  });
  centralSystem.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  for (let i = 0; i < 20; i++) await chargePoint.call(new v201.call.Heartbeat(), { suppress: false });
  const ids = chargePointLog.frames.filter(([direction]) => direction === "out").map(([, text]) => (JSON.parse(text) as unknown[])[1]);
  assert.equal(ids.length, 20);
  assert.equal(new Set(ids).size, 20);
  for (const id of ids) assert.match(String(id), uuid);
});

test("2.1 CALLs and SENDs share one id space of distinct UUIDs", async (t) => {
  const { chargePoint, centralSystem, chargePointLog } = await connectedPair(t, {
    chargePoint: v21.ChargePoint,
    centralSystem: v21.ChargePoint,
  });
  centralSystem.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" })).route("NotifyPeriodicEventStream", () => undefined);
  const stream = new v21.call.NotifyPeriodicEventStream({ id: 1, pending: 0, basetime: "2026-11-24T10:00:00Z", data: [{ t: 0, v: "1" }] });
  for (let i = 0; i < 10; i++) {
    chargePoint.send(stream);
    await chargePoint.call(new v21.call.Heartbeat(), { suppress: false });
  }
  const ids = chargePointLog.frames.filter(([direction]) => direction === "out").map(([, text]) => (JSON.parse(text) as unknown[])[1]);
  assert.equal(ids.length, 20);
  assert.equal(new Set(ids).size, 20);
  for (const id of ids) assert.match(String(id), uuid);
});
