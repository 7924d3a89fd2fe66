/**
 * What a peer gets back, frame by frame, for each failing CALL: the CALLERROR codes of OCPP-J 1.6
 * section 4.2.3, spelled as 1.6 spells them (errata 5.1/5.2 keep FormationViolation and
 * OccurenceConstraintViolation).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Ajv } from "ajv";
import {
  ChargePoint as CoreChargePoint,
  FormationViolationError,
  FormatViolationError,
  GenericError,
  OccurenceConstraintViolationError,
  OccurrenceConstraintViolationError,
  type OcppProtocol,
  PropertyConstraintViolationError,
  SecurityError,
  TypeConstraintViolationError,
} from "ocppkit";
import { Action, type ChargePoint, call, protocol as v16 } from "ocppkit/v16";
import { rawPeerWith } from "../support/peers.js";

const accept = () => ({ status: "Accepted" });
const authorized = () => ({ idTagInfo: { status: "Accepted" } });

/** A v16 ChargePoint with handlers for the actions used below, facing a raw peer. */
async function routed(t: Parameters<typeof rawPeerWith>[0]) {
  const setup = await rawPeerWith(t);
  setup.chargePoint
    .route(Action.Authorize, authorized)
    .route(Action.ChangeAvailability, accept)
    .route(Action.StartTransaction, () => ({ transactionId: 1, idTagInfo: { status: "Accepted" } }))
    .route(Action.MeterValues, () => ({}))
    .route(Action.GetDiagnostics, () => ({}));
  return setup;
}

describe("CALLERROR codes on the wire", () => {
  test("a CALL for an action that is not in OCPP 1.6 gets NotImplemented", async (t) => {
    const { raw } = await routed(t);
    for (const action of ["GetVariables", "MakeCoffee"]) {
      const { answer } = await raw.roundTrip([2, `unknown-${action}`, action, {}]);
      assert.equal(answer[0], 4);
      assert.equal(answer[2], "NotImplemented");
      assert.match(String(answer[3]), new RegExp(action));
      assert.deepEqual(answer[4], {});
    }
  });

  test("a 1.6 action with no handler gets NotSupported", async (t) => {
    const { raw } = await routed(t);
    const { answer } = await raw.roundTrip([2, "no-handler", "Reset", { type: "Soft" }]);
    assert.deepEqual(answer.slice(0, 3), [4, "no-handler", "NotSupported"]);
  });

  test("a handler that throws an OcppError sends its code, description and details", async (t) => {
    const { raw, chargePoint } = await routed(t);
    chargePoint.route(Action.Reset, () => {
      throw new SecurityError("operator not authorised", { operator: "bob" });
    });
    chargePoint.route(Action.UnlockConnector, () => {
      throw new GenericError("connector 3 is stuck", { connectorId: 3 });
    });
    chargePoint.route(Action.ClearCache, () => {
      throw new FormatViolationError("cache id malformed");
    });
    assert.deepEqual((await raw.roundTrip([2, "e1", "Reset", { type: "Hard" }])).answer, [
      4,
      "e1",
      "SecurityError",
      "operator not authorised",
      { operator: "bob" },
    ]);
    assert.deepEqual((await raw.roundTrip([2, "e2", "UnlockConnector", { connectorId: 3 }])).answer, [
      4,
      "e2",
      "GenericError",
      "connector 3 is stuck",
      { connectorId: 3 },
    ]);
    // Thrown by a handler, a FormatViolationError still goes out in 1.6 spelling.
    assert.deepEqual((await raw.roundTrip([2, "e3", "ClearCache", {}])).answer, [4, "e3", "FormationViolation", "cache id malformed", {}]);
  });

  test("a handler that throws anything else sends InternalError without the message or stack trace, and logs it", async (t) => {
    const { raw, chargePoint, log } = await routed(t);
    chargePoint.route(Action.Reset, () => {
      throw new Error("database password is hunter2");
    });
    const { answer } = await raw.roundTrip([2, "boom", "Reset", { type: "Soft" }]);
    assert.deepEqual(answer.slice(0, 3), [4, "boom", "InternalError"]);
    const text = JSON.stringify(answer);
    assert.doesNotMatch(text, /hunter2/);
    assert.doesNotMatch(text, /\bat .*\.js/);
    assert.deepEqual(answer[4], {});
    const logged = log.records.find((record) => record.level === "error");
    assert.match(String(logged?.context?.error), /hunter2/);
  });

  test("a handler that returns an invalid response sends InternalError and the error is logged", async (t) => {
    const { raw, chargePoint, log } = await routed(t);
    chargePoint.route(Action.Reset, () => ({ status: "Maybe" }));
    chargePoint.route(Action.Heartbeat, () => ({}));
    const { answer } = await raw.roundTrip([2, "bad-response", "Reset", { type: "Soft" }]);
    assert.deepEqual(answer.slice(0, 3), [4, "bad-response", "InternalError"]);
    const missing = await raw.roundTrip([2, "missing-field", "Heartbeat", {}]);
    assert.deepEqual(missing.answer.slice(0, 3), [4, "missing-field", "InternalError"]);
    const errors = log.records.filter((record) => record.level === "error" && record.message.includes("invalid response"));
    assert.deepEqual(
      errors.map((record) => [record.context?.uniqueId, record.context?.code]),
      [
        ["bad-response", "PropertyConstraintViolation"],
        ["missing-field", "OccurrenceConstraintViolation"],
      ],
    );
  });
});

describe("schema violations in a request map to the 1.6 codes", () => {
  const cases: [name: string, action: string, payload: unknown, code: string][] = [
    ["a missing required field gets OccurenceConstraintViolation", "Authorize", {}, "OccurenceConstraintViolation"],
    [
      "an empty array where one item is required gets OccurenceConstraintViolation",
      "MeterValues",
      { connectorId: 1, meterValue: [] },
      "OccurenceConstraintViolation",
    ],
    [
      "a wrong JSON type gets TypeConstraintViolation",
      "ChangeAvailability",
      { connectorId: "1", type: "Operative" },
      "TypeConstraintViolation",
    ],
    [
      "a value outside the enum gets PropertyConstraintViolation",
      "ChangeAvailability",
      { connectorId: 1, type: "Sometimes" },
      "PropertyConstraintViolation",
    ],
    [
      "a string over maxLength gets PropertyConstraintViolation",
      "Authorize",
      { idTag: "123456789012345678901" },
      "PropertyConstraintViolation",
    ],
    [
      "a bad date-time gets PropertyConstraintViolation",
      "StartTransaction",
      { connectorId: 1, idTag: "A", meterStart: 0, timestamp: "yesterday at noon" },
      "PropertyConstraintViolation",
    ],
    [
      "a date-time without a time zone gets PropertyConstraintViolation",
      "StartTransaction",
      { connectorId: 1, idTag: "A", meterStart: 0, timestamp: "2026-11-24T10:00:00" },
      "PropertyConstraintViolation",
    ],
    ["a bad uri gets PropertyConstraintViolation", "GetDiagnostics", { location: "not a uri" }, "PropertyConstraintViolation"],
    ["an unknown property gets FormationViolation", "Authorize", { idTag: "A", colour: "red" }, "FormationViolation"],
    ["a payload that is an array gets FormationViolation", "Authorize", ["A"], "FormationViolation"],
    ["a payload that is a string gets FormationViolation", "Authorize", "A", "FormationViolation"],
    ["a payload that is a number gets FormationViolation", "Authorize", 42, "FormationViolation"],
  ];
  for (const [name, action, payload, code] of cases) {
    test(name, async (t) => {
      const { raw } = await routed(t);
      const { answer } = await raw.roundTrip([2, "invalid", action, payload as object]);
      assert.deepEqual(answer.slice(0, 3), [4, "invalid", code]);
      assert.equal(typeof answer[3], "string");
      assert.equal(typeof answer[4], "object");
    });
  }

  test("a valid request passes the same checks (control for the table above)", async (t) => {
    const { raw } = await routed(t);
    const { answer } = await raw.roundTrip([
      2,
      "valid",
      "StartTransaction",
      { connectorId: 1, idTag: "A", meterStart: 0, timestamp: "2026-11-24T10:00:00+01:00" },
    ]);
    assert.deepEqual(answer, [3, "valid", { transactionId: 1, idTagInfo: { status: "Accepted" } }]);
  });

  test("skipSchemaValidation on a route lets an invalid request through to the handler", async (t) => {
    const { raw, chargePoint } = await routed(t);
    let seen: unknown;
    chargePoint.route(
      Action.Authorize,
      (request) => {
        seen = request;
        return { idTagInfo: { status: "Invalid" } };
      },
      { skipSchemaValidation: true },
    );
    const { answer } = await raw.roundTrip([2, "skip", "Authorize", { idTag: 7 }]);
    assert.deepEqual(answer, [3, "skip", { idTagInfo: { status: "Invalid" } }]);
    assert.deepEqual(seen, { idTag: 7 });
  });
});

// OCPP 1.6's own schemas have no minimum/maximum or pattern, so those rows of the table are checked
// on the wire with one extra action plugged into the 1.6 protocol, its schema compiled here by ajv.
describe("range and pattern violations get PropertyConstraintViolation", () => {
  const ajv = new Ajv({ strict: false });
  const request = ajv.compile({
    type: "object",
    properties: {
      powerW: { type: "number", minimum: 0, maximum: 22_000 },
      evseId: { type: "string", pattern: "^[A-Z]{2}\\*[A-Z0-9]{3}\\*E[0-9]+$" },
    },
    required: ["powerW"],
    additionalProperties: false,
  });
  const response = ajv.compile({ type: "object", additionalProperties: false });
  const extended: OcppProtocol = { ...v16, actions: new Map([...v16.actions, ["SetPowerLimit", { request, response }]]) };
  class ExtendedChargePoint extends CoreChargePoint {
    static override readonly protocol = extended;
  }

  for (const [name, payload] of [
    ["a number above maximum", { powerW: 50_000 }],
    ["a number below minimum", { powerW: -1 }],
    ["a string not matching its pattern", { powerW: 11_000, evseId: "DE-ABC-E1" }],
  ] as const) {
    test(`${name} gets PropertyConstraintViolation`, async (t) => {
      const { raw, chargePoint } = await rawPeerWith(t, { chargePoint: ExtendedChargePoint as unknown as typeof ChargePoint });
      chargePoint.route("SetPowerLimit", () => ({}));
      assert.deepEqual((await raw.roundTrip([2, "ok", "SetPowerLimit", { powerW: 11_000, evseId: "DE*ABC*E1" }])).answer, [3, "ok", {}]);
      const { answer } = await raw.roundTrip([2, "bad", "SetPowerLimit", payload]);
      assert.deepEqual(answer.slice(0, 3), [4, "bad", "PropertyConstraintViolation"]);
    });
  }
});

test("the 1.6 error class names are aliases of the same classes", () => {
  assert.equal(FormationViolationError, FormatViolationError);
  assert.equal(OccurenceConstraintViolationError, OccurrenceConstraintViolationError);
});

describe("received CALLERROR codes", () => {
  for (const [code, ErrorClass] of [
    ["OccurenceConstraintViolation", OccurrenceConstraintViolationError],
    ["OccurrenceConstraintViolation", OccurrenceConstraintViolationError],
    ["FormationViolation", FormatViolationError],
    ["FormatViolation", FormatViolationError],
    ["TypeConstraintViolation", TypeConstraintViolationError],
    ["PropertyConstraintViolation", PropertyConstraintViolationError],
  ] as const) {
    test(`a received ${code} becomes ${ErrorClass.name}`, async (t) => {
      const { raw, chargePoint } = await rawPeerWith(t);
      const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "h", suppress: false });
      await raw.next();
      raw.send([4, "h", code, "as the peer spells it", { field: "x" }]);
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof ErrorClass);
        assert.equal(error.description, "as the peer spells it");
        assert.deepEqual(error.details, { field: "x" });
        return true;
      });
    });
  }

  test("an unknown received code becomes a GenericError that names it", async (t) => {
    const { raw, chargePoint } = await rawPeerWith(t);
    const pending = chargePoint.call(new call.Heartbeat({}), { uniqueId: "h", suppress: false });
    await raw.next();
    raw.send([4, "h", "TeapotError", "short and stout", {}]);
    await assert.rejects(pending, (error: unknown) => error instanceof GenericError && /TeapotError/.test(error.description));
  });
});
