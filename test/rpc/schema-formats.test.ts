/**
 * The generated validators' own string checks accept exactly what ajv-formats' "date-time" and "uri"
 * and ajv's ucs2length accept: they replace those files on the hot path, so any difference would
 * change which payloads are valid.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import fc from "fast-check";
import { dateTime, ucs2length, uri } from "../../src/rpc/schema-formats.js";

const ajvDateTime = (fullFormats["date-time"] as { validate: (text: string) => boolean }).validate;
const ajvUri = fullFormats.uri as (text: string) => boolean;
const ajvUcs2length = (ucs2lengthModule as unknown as { default: (text: string) => number }).default;

// Every character JavaScript's \s matches, and neighbours that it does not.
const whitespace = [
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  " ",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u2005",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
];
const notWhitespace = ["\u0008", "\u000e", "\u001f", "\u200b", "\u180e", "\u00ff", "\u2030"];
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const twoDigits = fc.oneof(
  digits(2, 2),
  fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0")),
  fc.constantFrom("00", "23", "59", "60", "61", "24", "29", "30", "31", "02", "12", "13"),
);
const near = fc.oneof(
  fc.constantFrom(..."0123456789-:.TtZz+- ", ...whitespace, ...notWhitespace, "x", "é", "\ud800"),
  fc.string({ maxLength: 1 }),
);
const year = fc.oneof(digits(4, 4), fc.constantFrom("2000", "1900", "2024", "2100", "2023", "0000", "9999", "1600"));
const fraction = fc.oneof(
  fc.constant(""),
  digits(1, 25).map((d) => `.${d}`),
  fc.integer({ min: 1, max: 25 }).map((n) => `.${"9".repeat(n)}`),
  fc.constant("."),
);
const zone = fc.oneof(
  fc.constantFrom("Z", "z", "", "+00:00", "-00:00", "+01", "-0130", "+23:59", "+24:00", "-00:60", "+01:", "+1", "+01:0"),
  fc
    .tuple(fc.constantFrom("+", "-"), twoDigits, fc.constantFrom("", ":"), fc.oneof(twoDigits, fc.constant("")))
    .map((parts) => parts.join("")),
);
const shaped = fc
  .tuple(
    year,
    twoDigits,
    twoDigits,
    fc.constantFrom("T", "t", " ", ...whitespace, ...notWhitespace, "_"),
    twoDigits,
    twoDigits,
    twoDigits,
    fraction,
    zone,
  )
  .map(([y, mo, d, sep, h, mi, s, f, z]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${f}${z}`);
// A shaped string with one character inserted, removed or replaced: the edges of the grammar.
const mutated = fc.tuple(shaped, fc.nat(), fc.constantFrom("insert", "remove", "replace"), near).map(([text, position, how, char]) => {
  const at = position % (text.length + 1);
  if (how === "insert") return text.slice(0, at) + char + text.slice(at);
  if (how === "remove") return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + char + text.slice(at + 1);
});
const leapSeconds = fc
  .tuple(
    fc.oneof(twoDigits, fc.constantFrom("23", "00", "22", "01")),
    fc.oneof(twoDigits, fc.constantFrom("59", "00", "58", "01")),
    fc.constantFrom("60", "59", "61"),
    fraction,
    fc.oneof(zone, fc.constantFrom("Z", "+01:00", "-01:00", "+00:01", "-00:01", "+0100")),
  )
  .map(([h, mi, s, f, z]) => `2016-12-31T${h}:${mi}:${s}${f}${z}`);

test("dateTime accepts exactly what ajv-formats' date-time accepts", () => {
  fc.assert(
    fc.property(fc.oneof(shaped, mutated, leapSeconds, fc.string({ maxLength: 40 }), fc.string({ unit: near, maxLength: 40 })), (text) => {
      assert.equal(dateTime(text), ajvDateTime(text), JSON.stringify(text));
    }),
    { numRuns: 30_000, seed: 18 },
  );
});

test("dateTime accepts what the spec's examples and Date.toISOString write, and refuses impossible dates", () => {
  for (const valid of [
    new Date(0).toISOString(),
    new Date().toISOString(),
    "2013-02-01T20:53:32.486Z",
    "2024-02-29T00:00:00+01:00",
    "2016-12-31T23:59:60Z",
    "2017-01-01T00:59:60+01:00",
    "2020-01-01 10:00:00z",
    "2020-01-01T10:00:00+0100",
  ]) {
    assert.equal(dateTime(valid), true, valid);
    assert.equal(ajvDateTime(valid), true, valid);
  }
  for (const invalid of [
    "",
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2020-13-01T00:00:00Z",
    "2020-04-31T00:00:00Z",
    "2020-01-01T24:00:00Z",
    "2020-01-01T10:00:00",
    "2020-01-01T10:00:60Z",
    "2020-01-01T10:00:00.Z",
    "2020-01-01T10:00:00Z ",
    "2020-01-01T23:59:59.99999999999999999Z".replace("23:59", "22:59"),
  ]) {
    assert.equal(dateTime(invalid), false, invalid);
    assert.equal(ajvDateTime(invalid), false, invalid);
  }
});

test("uri accepts exactly what ajv-formats' uri accepts", () => {
  const uriChars = fc.constantFrom(..."abcAZ09:/?#[]@!$&'()*+,;=-._~% \\\"<>{}|^`", "é", "\n");
  const uriLike = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom("http://", "https://", "urn:", "mailto:", "ws://", "", "//", "a:"),
        fc.string({ unit: uriChars, maxLength: 40 }),
      )
      .map((parts) => parts.join("")),
    fc.string({ maxLength: 30 }),
  );
  fc.assert(
    fc.property(uriLike, (text) => {
      assert.equal(uri(text), ajvUri(text), JSON.stringify(text));
    }),
    { numRuns: 5_000, seed: 18 },
  );
});

test("ucs2length counts code points exactly as ajv does, lone surrogates included", () => {
  const codeUnit = fc.oneof(fc.nat({ max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })).map((code) => String.fromCharCode(code));
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: codeUnit, maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 10 })), (text) => {
      assert.equal(ucs2length(text), ajvUcs2length(text));
    }),
    { numRuns: 5_000, seed: 18 },
  );
});
