import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { basicCredentials, chargePointIdFromUrl, offeredSubprotocols } from "ocppkit/server";

test("any identity percent-encoded into the last path segment is read back exactly", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, unit: "grapheme" }), fc.array(fc.constantFrom("ocpp", "v16", "a b", "%41")), (id, prefix) => {
      const path = ["", ...prefix.map(encodeURIComponent), encodeURIComponent(id)].join("/");
      assert.equal(chargePointIdFromUrl(path), id);
      assert.equal(chargePointIdFromUrl(`${path}?token=1/2#x`), id);
    }),
  );
});

test("a URL without an id or with broken percent-encoding yields no id", () => {
  for (const url of [undefined, "", "/", "/ocpp/", "/ocpp/%", "/ocpp/%E0%A4%A", "/ocpp/?id=CP-1"]) {
    assert.equal(chargePointIdFromUrl(url), undefined, String(url));
  }
  assert.equal(chargePointIdFromUrl("/webServices/ocpp/RDAM%20123"), "RDAM 123");
});

test("Basic credentials give back any password bytes for the identity, colons included", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ maxLength: 40 }), (id, bytes) => {
      const password = Buffer.from(bytes);
      const header = `Basic ${Buffer.concat([Buffer.from(`${id}:`), password]).toString("base64")}`;
      const credentials = basicCredentials(header, id);
      assert.ok("password" in credentials);
      assert.deepEqual(credentials.password, password);
    }),
  );
});

test("Basic credentials whose username is another identity are a mismatch", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string(), (id, other, password) => {
      fc.pre(!`${other}:${password}`.startsWith(`${id}:`));
      const header = `Basic ${Buffer.from(`${other}:${password}`).toString("base64")}`;
      assert.deepEqual(basicCredentials(header, id), { problem: "usernameMismatch" });
    }),
  );
});

test("a missing or non-Basic Authorization header is reported as such", () => {
  assert.deepEqual(basicCredentials(undefined, "CP-1"), { problem: "missing" });
  assert.deepEqual(basicCredentials("Bearer abc", "CP-1"), { problem: "malformed" });
  assert.deepEqual(basicCredentials("Basic !!!", "CP-1"), { problem: "malformed" });
  assert.ok("password" in basicCredentials(`basic   ${Buffer.from("CP-1:pw").toString("base64")}  `, "CP-1"));
});

test("offered subprotocols are read in the client's order, spaces and empty entries dropped", () => {
  assert.deepEqual(offeredSubprotocols("ocpp2.0.1, ocpp1.6,,  ocpp1.5 "), ["ocpp2.0.1", "ocpp1.6", "ocpp1.5"]);
  assert.deepEqual(offeredSubprotocols(["ocpp2.1", "ocpp1.6"]), ["ocpp2.1", "ocpp1.6"]);
  assert.deepEqual(offeredSubprotocols(undefined), []);
});
