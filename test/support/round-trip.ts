/**
 * Every action of a version, sent in its spec direction over a real connection with payloads built
 * through the generated classes, and checked against the schemas on both ends.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ChargePoint, InvalidResponseError, OccurrenceConstraintViolationError, silentLogger } from "ocppkit";
import { connectPair, type Pair, type PeerClass } from "./pair.js";
import { type JsonSchema, type Mode, samplePayload } from "./sample-payload.js";

type PayloadConstructor = new (payload: never) => object;

export interface VersionUnderTest {
  readonly name: string;
  readonly Peer: PeerClass<ChargePoint>;
  readonly actionSender: Readonly<Record<string, "ChargePoint" | "CentralSystem" | "Both">>;
  readonly call: object;
  readonly callResult: object;
  readonly schemas: ReadonlyMap<string, JsonSchema>;
}

/** Request and response of one action, built through the generated classes. */
export interface Fixture {
  readonly request: object;
  readonly response?: object;
}

/** One fixture per action and mode, built from the schemas through the generated `call` / `callResult` classes. */
export function fixturesFromSchemas(version: VersionUnderTest, mode: Mode): Map<string, Fixture> {
  const calls = version.call as Record<string, PayloadConstructor>;
  const results = version.callResult as Record<string, PayloadConstructor>;
  const table = new Map<string, Fixture>();
  for (const action of Object.keys(version.actionSender)) {
    const requestSchema = version.schemas.get(`${action}Request`) ?? version.schemas.get(action);
    assert.ok(requestSchema, `no request schema for ${action}`);
    const responseSchema = version.schemas.get(`${action}Response`);
    table.set(action, {
      request: new calls[action](samplePayload(requestSchema, mode) as never),
      response: responseSchema ? new results[action](samplePayload(responseSchema, mode) as never) : undefined,
    });
  }
  return table;
}

const plain = (value: object): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** Removes the first required top-level property, or returns undefined when nothing is required. */
function withoutRequired(payload: object, schema: JsonSchema | undefined): { payload: object; missing: string } | undefined {
  const missing = schema?.required?.[0];
  if (!missing) return undefined;
  const { [missing]: _, ...rest } = plain(payload);
  return { payload: rest, missing };
}

export function roundTripSuite(version: VersionUnderTest): void {
  const results = version.callResult as Record<string, PayloadConstructor>;
  describe(`OCPP ${version.name}: every action round-trips in its spec direction`, () => {
    let pair: Pair<ChargePoint>;
    before(async () => {
      pair = await connectPair(version.Peer, { logger: silentLogger });
    });
    after(() => pair.close());

    for (const mode of ["full", "required"] as const) {
      const fixtures = fixturesFromSchemas(version, mode);
      for (const [action, { request, response }] of fixtures) {
        if (!response) continue;
        const sender = version.actionSender[action];
        const directions = sender === "Both" ? (["ChargePoint", "CentralSystem"] as const) : [sender];
        for (const from of directions) {
          test(`${action} (${mode} payload) sent by the ${from === "ChargePoint" ? "charge point" : "central system"} arrives and is answered`, async () => {
            const [caller, callee] = from === "ChargePoint" ? [pair.station, pair.csms] : [pair.csms, pair.station];
            const received: unknown[] = [];
            callee.route(action, (payload: never) => {
              received.push(payload);
              return response;
            });
            const result = (await caller.call(request as never, { suppress: false })) as object;
            assert.ok(result instanceof results[action], `result is a callResult.${action}`);
            assert.deepEqual(plain(result), plain(response));
            assert.deepEqual(received, [plain(request)]);
          });
        }
      }
    }

    const fixtures = fixturesFromSchemas(version, "required");
    for (const [action, { request, response }] of fixtures) {
      if (!response) continue;
      const from = version.actionSender[action] === "CentralSystem" ? "CentralSystem" : "ChargePoint";
      const broken = withoutRequired(request, version.schemas.get(`${action}Request`));
      if (broken) {
        test(`${action} request without ${broken.missing} gets OccurrenceConstraintViolation`, async () => {
          const [caller, callee] = from === "ChargePoint" ? [pair.station, pair.csms] : [pair.csms, pair.station];
          let called = false;
          callee.route(action, () => {
            called = true;
            return response;
          });
          const Request = (version.call as Record<string, PayloadConstructor>)[action];
          const invalid = new Request(broken.payload as never);
          await assert.rejects(
            caller.call(invalid as never, { suppress: false, skipSchemaValidation: true }),
            OccurrenceConstraintViolationError,
          );
          assert.equal(called, false);
        });
      }
      const brokenResponse = withoutRequired(response, version.schemas.get(`${action}Response`));
      if (brokenResponse) {
        test(`${action} response without ${brokenResponse.missing} is rejected by the caller`, async () => {
          const [caller, callee] = from === "ChargePoint" ? [pair.station, pair.csms] : [pair.csms, pair.station];
          callee.route(action, () => brokenResponse.payload, { skipSchemaValidation: true });
          await assert.rejects(caller.call(request as never, { suppress: false }), InvalidResponseError);
        });
      }
    }
  });
}
