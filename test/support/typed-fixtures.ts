/**
 * Hand-written fixture tables: realistic payloads typed against a version's generated classes, so the
 * compiler checks the generated types accept what real chargers send, and the round trip checks the
 * schemas do too.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ChargePoint, silentLogger } from "ocppkit";
import { connectPair, type Pair, type PeerClass } from "./pair.js";

/** Request and response of one action, as instances of its `call` / `callResult` classes. */
export type FixtureTable<Calls, Results> = {
  readonly [A in keyof Results & keyof Calls]?: {
    readonly request: Calls[A] extends abstract new (...args: never) => infer R ? R : never;
    readonly response: Results[A] extends abstract new (...args: never) => infer R ? R : never;
  };
};

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

export function typedFixtureSuite(
  name: string,
  Peer: PeerClass<ChargePoint>,
  actionSender: Readonly<Record<string, "ChargePoint" | "CentralSystem" | "Both">>,
  table: Readonly<Record<string, { readonly request: object; readonly response: object } | undefined>>,
): void {
  describe(`OCPP ${name}: realistic payloads round-trip`, () => {
    let pair: Pair<ChargePoint>;
    before(async () => {
      pair = await connectPair(Peer, { logger: silentLogger });
    });
    after(() => pair.close());
    for (const [action, fixture] of Object.entries(table)) {
      if (!fixture) continue;
      test(`${action}: ${actionSender[action] === "CentralSystem" ? "central system" : "charge point"} to peer and back`, async () => {
        const [caller, callee] = actionSender[action] === "CentralSystem" ? [pair.csms, pair.station] : [pair.station, pair.csms];
        let received: unknown;
        callee.route(action, (request: never) => {
          received = request;
          return fixture.response;
        });
        const result = (await caller.call(fixture.request as never, { suppress: false })) as object;
        assert.equal(result.constructor, fixture.response.constructor, "the result is an instance of the action's callResult class");
        assert.deepEqual(plain(result), plain(fixture.response));
        assert.deepEqual(received, plain(fixture.request));
      });
    }
  });
}
