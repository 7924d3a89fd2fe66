import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FleetView, type StreamMessage } from "ocppkit/ui";

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString();

function viewWith(version: "1.6" | "2.0.1" | "2.1", logLimit = 2000): FleetView {
  const view = new FleetView({ versions: ["1.6", "2.0.1", "2.1"], logLimit });
  view.apply({ type: "connect", charger: { id: "CP1", version, connectedSince: at(0) } });
  return view;
}

const frame = (view: FleetView, direction: "in" | "out", message: unknown[], second: number) =>
  view.apply({ type: "frame", id: "CP1", direction, text: JSON.stringify(message), at: at(second) });

test("a 1.6 transaction: idTag from StartTransaction, id from its answer, energy from MeterValues in kWh relative to meterStart", () => {
  const view = viewWith("1.6");
  frame(view, "in", [2, "s1", "StartTransaction", { connectorId: 1, idTag: "TAG", meterStart: 5000, timestamp: at(1) }], 1);
  frame(view, "out", [3, "s1", { transactionId: 42, idTagInfo: { status: "Accepted" } }], 1);
  const meter = (second: number, kwh: string, kw: string) =>
    frame(
      view,
      "in",
      [
        2,
        `m${second}`,
        "MeterValues",
        {
          connectorId: 1,
          transactionId: 42,
          meterValue: [
            {
              timestamp: at(second),
              sampledValue: [
                { value: kwh, unit: "kWh" },
                { value: kw, measurand: "Power.Active.Import", unit: "kW" },
                { value: "999", measurand: "Power.Active.Import", unit: "W", phase: "L1" },
              ],
            },
          ],
        },
      ],
      second,
    );
  const messages: StreamMessage[] = [];
  view.listen((message) => messages.push(message));
  meter(2, "5.5", "11");
  meter(3, "5.75", "10.5");
  const updates = messages.flatMap((message) => (message.kind === "transaction" ? [message.data] : []));
  // The stream carries only what each MeterValues added; the snapshot has them all.
  assert.deepEqual(
    updates.map((update) => update.addedSamples.map((sample) => sample.energyWh)),
    [[500], [750]],
  );
  const tx = view.snapshot().transactions[0];
  assert.equal(tx.key, "CP1/42");
  assert.equal(tx.idToken, "TAG");
  assert.equal(tx.connector, "1");
  assert.equal(tx.energyWh, 750);
  assert.equal(tx.powerW, 10_500);
  assert.deepEqual(
    tx.samples.map((sample) => sample.energyWh),
    [500, 750],
  );
  frame(view, "in", [2, "e1", "StopTransaction", { transactionId: 42, meterStop: 6000, timestamp: at(4), reason: "Remote" }], 4);
  const stopped = view.snapshot().transactions[0];
  assert.equal(stopped.stopReason, "Remote");
  assert.equal(stopped.energyWh, 1000);
});

test("a 2.x transaction follows TransactionEvent Started, Updated and Ended, counting energy from its first reading", () => {
  const view = viewWith("2.0.1");
  const event = (second: number, eventType: string, wh: number, extra: Record<string, unknown> = {}) =>
    frame(
      view,
      "in",
      [
        2,
        `t${second}`,
        "TransactionEvent",
        {
          eventType,
          timestamp: at(second),
          triggerReason: "MeterValuePeriodic",
          seqNo: second,
          transactionInfo: { transactionId: "T-1", ...(eventType === "Ended" ? { stoppedReason: "EVDisconnected" } : {}) },
          meterValue: [
            {
              timestamp: at(second),
              sampledValue: [{ value: wh, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "Wh" } }],
            },
          ],
          ...extra,
        },
      ],
      second,
    );
  event(1, "Started", 1000, { idToken: { idToken: "TOKEN", type: "ISO14443" }, evse: { id: 2, connectorId: 1 } });
  event(2, "Updated", 1200);
  event(3, "Ended", 1300);
  const [tx] = view.snapshot().transactions;
  assert.equal(tx.key, "CP1/T-1");
  assert.equal(tx.idToken, "TOKEN");
  assert.equal(tx.connector, "2/1");
  assert.equal(tx.energyWh, 300);
  assert.equal(tx.stopReason, "EVDisconnected");
  assert.equal(tx.samples.length, 3);
});

test("boot information and connector statuses of both generations land on the charger", () => {
  const v16 = viewWith("1.6");
  frame(v16, "in", [2, "b", "BootNotification", { chargePointVendor: "Acme", chargePointModel: "M", firmwareVersion: "1.2" }], 1);
  frame(v16, "in", [2, "s", "StatusNotification", { connectorId: 1, status: "Faulted", errorCode: "GroundFailure" }], 2);
  assert.deepEqual(v16.snapshot().chargers[0].boot, { vendor: "Acme", model: "M", firmware: "1.2" });
  assert.deepEqual(v16.snapshot().chargers[0].connectors["1"], { status: "Faulted", errorCode: "GroundFailure", updatedAt: at(2) });
  const v21 = viewWith("2.1");
  frame(v21, "in", [2, "b", "BootNotification", { reason: "PowerUp", chargingStation: { vendorName: "Acme", model: "Z" } }], 1);
  frame(v21, "in", [2, "s", "StatusNotification", { timestamp: at(2), evseId: 1, connectorId: 2, connectorStatus: "Occupied" }], 2);
  assert.equal(v21.snapshot().chargers[0].boot?.model, "Z");
  assert.equal(v21.snapshot().chargers[0].connectors["1/2"].status, "Occupied");
});

test("a charger that leaves stays listed as gone, with its close code, until it comes back", () => {
  const view = viewWith("1.6");
  const messages: StreamMessage[] = [];
  view.listen((message) => messages.push(message));
  view.apply({ type: "disconnect", id: "CP1", code: 1006, reason: "", at: at(5) });
  assert.equal(view.snapshot().chargers[0].goneAt, at(5));
  assert.equal(view.snapshot().chargers[0].closeCode, 1006);
  assert.equal(messages[0].kind, "charger");
  view.apply({ type: "connect", charger: { id: "CP1", version: "1.6", connectedSince: at(6) } });
  assert.equal(view.snapshot().chargers[0].goneAt, undefined);
  assert.equal(view.snapshot().chargers.length, 1);
});

test("a CALLERROR answer is tied to its CALL, and an unreadable frame is logged as such", () => {
  const view = viewWith("1.6");
  frame(view, "out", [2, "r1", "Reset", { type: "Soft" }], 1);
  frame(view, "in", [4, "r1", "NotSupported", "no", {}], 2);
  view.apply({ type: "frame", id: "CP1", direction: "in", text: "{not json", at: at(3) });
  const [call, error, unreadable] = view.snapshot().log;
  assert.equal(error.type, "CALLERROR");
  assert.equal(error.callSeq, call.seq);
  assert.equal(error.action, "Reset");
  assert.equal(error.errorCode, "NotSupported");
  assert.equal(error.latencyMs, 1000);
  assert.equal(unreadable.type, "UNREADABLE");
});

test("meter values of any shape never break the view", () => {
  const meterValue = fc.array(
    fc.oneof(
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ timestamp: fc.constant(at(1)), sampledValue: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) }),
    ),
    { maxLength: 3 },
  );
  fc.assert(
    fc.property(meterValue, fc.jsonValue({ maxDepth: 2 }), (values, evse) => {
      const view = viewWith("2.0.1");
      frame(
        view,
        "in",
        [2, "t", "TransactionEvent", { eventType: "Updated", transactionInfo: { transactionId: "T" }, evse, meterValue: values }],
        1,
      );
      frame(view, "in", [2, "m", "MeterValues", { connectorId: 1, transactionId: 1, meterValue: values }], 1);
      assert.equal(view.snapshot().transactions.length, 2);
    }),
    { numRuns: 300 },
  );
});

test("a frame whose values are objects with a toString that is no function is logged as JSON text (found by the property below)", () => {
  const view = viewWith("2.1");
  view.apply({ type: "frame", id: "CP1", direction: "in", text: '[4,"",{"toString":0}]', at: at(1) });
  view.apply({ type: "frame", id: "CP1", direction: "in", text: '[2,"x",{"toString":0},{}]', at: at(2) });
  const [error, call] = view.snapshot().log;
  assert.equal(error.type, "CALLERROR");
  assert.equal(error.errorCode, '{"toString":0}');
  assert.equal(call.action, '{"toString":0}');
});

test("any frame text, however malformed, is logged without throwing and the log stays bounded", () => {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const frameText = fc.oneof(
    fc.string(),
    anyJson.map((value) => JSON.stringify(value)),
    fc
      .tuple(
        fc.constantFrom(2, 3, 4, 5, 6, 7),
        fc.string({ maxLength: 5 }),
        fc.constantFrom(
          "StartTransaction",
          "MeterValues",
          "TransactionEvent",
          "StopTransaction",
          "BootNotification",
          "StatusNotification",
          "X",
        ),
        anyJson,
      )
      .map(([type, id, action, payload]) => JSON.stringify(type >= 3 && type <= 4 ? [type, id, payload] : [type, id, action, payload])),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), frameText), { maxLength: 40 }), (frames) => {
      const view = viewWith("2.1", 25);
      for (const [incoming, text] of frames) view.apply({ type: "frame", id: "CP1", direction: incoming ? "in" : "out", text, at: at(1) });
      const snapshot = view.snapshot();
      assert.equal(snapshot.log.length, Math.min(frames.length, 25));
      JSON.stringify(snapshot);
    }),
    { numRuns: 300 },
  );
});
