/**
 * The CALL and CALLRESULT texts are built around JSON.stringify of the payload alone (see frame.ts):
 * whatever the id, action and payload, the text is byte for byte what JSON.stringify of the whole
 * frame gives.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { encodeCall, encodeCallResult } from "../../src/rpc/frame.js";

// Any UTF-16 code unit, lone surrogates and control characters included.
const codeUnit = fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code));
const anyString = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.constantFrom('"', "\\", "\u007f", "\u001f", "é", "\ud800", 'a"b', "</script>"),
);
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(anyString, fc.jsonValue({ maxDepth: 2 })),
  fc.constantFrom(undefined, null, {}, new Date(0), () => 1),
);

test("encodeCall writes exactly what JSON.stringify writes for a CALL or SEND", () => {
  fc.assert(
    fc.property(fc.constantFrom(2 as const, 6 as const), anyString, anyString, payload, (type, id, action, body) => {
      assert.equal(encodeCall(type, id, action, body), JSON.stringify([type, id, action, body]));
    }),
    { numRuns: 5_000, seed: 18 },
  );
});

test("encodeCallResult writes exactly what JSON.stringify writes for a CALLRESULT, an undefined payload as null", () => {
  fc.assert(
    fc.property(anyString, payload, (id, body) => {
      assert.equal(encodeCallResult(id, body), JSON.stringify([3, id, body]));
    }),
    { numRuns: 5_000, seed: 18 },
  );
  assert.equal(encodeCallResult("1", undefined), '[3,"1",null]');
});
