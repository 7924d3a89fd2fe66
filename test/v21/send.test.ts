/**
 * SEND (OCPP 2.1 part 4 section 4.2.4): unconfirmed messages that may go out while a CALL is outstanding
 * and are never answered, not even when they cannot be handled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidPayloadError, NotConnectedError } from "ocppkit";
import { ChargePoint, call, callResult, type NotifyPeriodicEventStreamRequest } from "ocppkit/v21";
import { connectedPair, rawPeerWith } from "../support/peers.js";

const stream = (id: number): NotifyPeriodicEventStreamRequest => ({
  id,
  pending: 0,
  basetime: "2026-11-24T10:00:00.000Z",
  data: [
    { t: 0, v: "230.4" },
    { t: 5, v: "230.2" },
  ],
});
const boot = new call.BootNotification({ reason: "PowerUp", chargingStation: { model: "X1", vendorName: "Acme" } });

test("send() goes out while a CALL is outstanding and the peer's @on handler gets it", async (t) => {
  const { chargePoint, centralSystem, chargePointLog } = await connectedPair<ChargePoint, ChargePoint>(t, {
    chargePoint: ChargePoint,
    centralSystem: ChargePoint,
  });
  const order: string[] = [];
  let releaseBoot = () => {};
  const bootHeld = new Promise<void>((resolve) => {
    releaseBoot = resolve;
  });
  let streamed: () => void = () => {};
  const streamArrived = new Promise<void>((resolve) => {
    streamed = resolve;
  });
  centralSystem.route("BootNotification", async () => {
    order.push("boot received");
    await bootHeld;
    return new callResult.BootNotification({ currentTime: "2026-11-24T10:00:00.000Z", interval: 300, status: "Accepted" });
  });
  const received: unknown[] = [];
  centralSystem.route("NotifyPeriodicEventStream", (payload: NotifyPeriodicEventStreamRequest) => {
    order.push("stream received");
    received.push(payload);
    streamed();
    return { ignored: true };
  });
  const booting = chargePoint.call(boot, { suppress: false });
  const id = chargePoint.send(new call.NotifyPeriodicEventStream(stream(1)));
  await streamArrived;
  releaseBoot();
  const result = await booting;
  assert.equal(result.status, "Accepted");
  assert.deepEqual(order, ["boot received", "stream received"]);
  assert.deepEqual(received, [stream(1)]);
  assert.equal(id.length, 36, "a UUID message id");
  const sent = chargePointLog.frames.filter(([direction]) => direction === "out").map(([, text]) => JSON.parse(text) as unknown[]);
  assert.deepEqual(
    sent.map((frame) => frame[0]),
    [2, 6],
  );
  assert.deepEqual(sent[1], [6, id, "NotifyPeriodicEventStream", stream(1)]);
  const answers = chargePointLog.frames.filter(([direction]) => direction === "in").map(([, text]) => JSON.parse(text) as unknown[]);
  assert.deepEqual(
    answers.map((frame) => [frame[0], frame[1]]),
    [[3, sent[0][1]]],
    "only the CALL is answered; the handler's return value for the SEND goes nowhere",
  );
});

test("an incoming SEND is never answered: handled, unknown, invalid, unrouted, a CALL action, or a throwing handler", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t, { chargePoint: ChargePoint });
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  const handled: unknown[] = [];
  chargePoint.route("NotifyPeriodicEventStream", (payload: NotifyPeriodicEventStreamRequest) => {
    handled.push(payload);
    if (payload.id === 2) throw new Error("handler failed");
    return { status: "Accepted" };
  });
  raw.send([6, "s-1", "NotifyPeriodicEventStream", stream(1)]);
  raw.send([6, "s-2", "NotifyPeriodicEventStream", stream(2)]);
  raw.send([6, "s-3", "NotifyPeriodicEventStream", { id: 3 }]);
  raw.send([6, "s-4", "NoSuchAction", {}]);
  raw.send([6, "s-5", "Heartbeat", {}]);
  const { answer, before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.equal(answer[0], 3);
  assert.deepEqual(before, [], "nothing answers a SEND");
  assert.deepEqual(handled, [stream(1), stream(2)], "valid SENDs reach the handler, the invalid one does not");
  const reported = log.records.map((record) => record.message);
  assert.ok(reported.some((m) => m.includes("threw on a SEND")));
  assert.ok(reported.some((m) => m.includes("Dropped an invalid SEND")));
  assert.ok(reported.some((m) => m.includes("unknown action")));
  assert.ok(reported.some((m) => m.includes("the action is a CALL")));
});

test("a SEND with no handler is dropped without an answer", async (t) => {
  const { chargePoint, raw, log } = await rawPeerWith(t, { chargePoint: ChargePoint });
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  raw.send([6, "s-1", "NotifyPeriodicEventStream", stream(1)]);
  const { before } = await raw.roundTrip([2, "probe", "Heartbeat", {}]);
  assert.deepEqual(before, []);
  assert.ok(log.records.some((record) => record.message === "Dropped a SEND: no handler"));
});

test("a SEND-only action sent as a CALL gets RpcFrameworkError", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t, { chargePoint: ChargePoint });
  chargePoint.route("NotifyPeriodicEventStream", () => ({}));
  const { answer } = await raw.roundTrip([2, "c-1", "NotifyPeriodicEventStream", stream(1)]);
  assert.deepEqual(answer.slice(0, 3), [4, "c-1", "RpcFrameworkError"]);
});

test("send() refuses answered actions, invalid payloads and a closed connection; call() refuses SEND-only actions", async (t) => {
  const { chargePoint } = await connectedPair<ChargePoint, ChargePoint>(t, {
    chargePoint: ChargePoint,
    centralSystem: ChargePoint,
  });
  assert.throws(() => chargePoint.send(new call.Heartbeat() as never), /answered: send it with call\(\)/);
  assert.throws(() => chargePoint.send(new call.NotifyPeriodicEventStream({ ...stream(1), data: [] })), InvalidPayloadError);
  await assert.rejects(chargePoint.call(new call.NotifyPeriodicEventStream(stream(1)) as never), /has no response: send it with send\(\)/);
  chargePoint.close();
  await chargePoint.start();
  assert.throws(() => chargePoint.send(new call.NotifyPeriodicEventStream(stream(1))), NotConnectedError);
});
