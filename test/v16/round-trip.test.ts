import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FormatViolationError, InternalError, InvalidPayloadError, InvalidResponseError } from "ocppkit";
import { Action, actionSender, type ChargePoint, callResult } from "ocppkit/v16";
import { connectedPair, type Pair, suiteCleanup } from "../support/peers.js";
import { type RoundTrip, roundTrips } from "./fixtures.js";

const resultClasses = callResult as unknown as Record<string, new (payload: object) => object>;
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** The same payload, same class (so the same action), plus a property no schema allows. */
function withUnknownProperty<T extends object>(payload: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(payload) as object) as T, payload, { unexpectedField: 1 });
}

const direction = (row: RoundTrip) =>
  row.sender === "ChargePoint" ? "from the charge point to the central system" : "from the central system to the charge point";

test("the fixture table has every OCPP 1.6 action in the direction the spec gives it", () => {
  const actions = Object.values(Action);
  assert.equal(actions.length, 39);
  for (const action of actions) {
    const senders = roundTrips.filter((row) => row.action === action).map((row) => row.sender);
    const expected = actionSender[action] === "Both" ? ["ChargePoint", "CentralSystem"] : [actionSender[action]];
    assert.deepEqual(senders.sort(), expected.sort(), action);
  }
  assert.equal(roundTrips.length, 40);
});

describe("every OCPP 1.6 action round-trips over a real WebSocket", () => {
  const { cleanup, closeAll } = suiteCleanup();
  let pair: Pair<ChargePoint, ChargePoint>;
  before(async () => {
    pair = await connectedPair(cleanup);
  });
  after(closeAll);

  for (const row of roundTrips) {
    test(`${row.action} round-trips ${direction(row)}, validated both ways`, async () => {
      const sender = row.sender === "ChargePoint" ? pair.chargePoint : pair.centralSystem;
      const receiver = row.sender === "ChargePoint" ? pair.centralSystem : pair.chargePoint;
      const Result = resultClasses[row.action];

      let received: unknown;
      receiver.route(row.action, (request) => {
        received = request;
        return row.response;
      });
      const result = await sender.call(row.request, { suppress: false });
      assert.ok(result instanceof Result, `result is a callResult.${row.action}`);
      assert.deepEqual(asJson(result), asJson(row.response));
      assert.deepEqual(received, asJson(row.request));

      // The sender checks its request before sending it ...
      await assert.rejects(sender.call(withUnknownProperty(row.request), { suppress: false }), InvalidPayloadError);
      // ... and so does the receiver, which answers FormationViolation.
      await assert.rejects(
        sender.call(withUnknownProperty(row.request), { suppress: false, skipSchemaValidation: true }),
        FormatViolationError,
      );

      // The receiver checks its handler's response (InternalError to the sender) ...
      receiver.route(row.action, () => ({ ...row.response, unexpectedField: 1 }));
      await assert.rejects(sender.call(row.request, { suppress: false }), InternalError);
      // ... and so does the sender when the receiver skips that check.
      receiver.route(row.action, () => ({ ...row.response, unexpectedField: 1 }), { skipSchemaValidation: true });
      await assert.rejects(sender.call(row.request, { suppress: false }), InvalidResponseError);
    });
  }
});
