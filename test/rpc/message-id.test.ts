import assert from "node:assert/strict";
import { test } from "node:test";
import { newMessageId } from "../../src/rpc/message-id.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("message ids are distinct version 4 UUIDs, also across the random bytes drawn 256 ids at a time", () => {
  const ids = Array.from({ length: 2_000 }, () => newMessageId());
  for (const id of ids) assert.match(id, uuid);
  assert.equal(new Set(ids).size, ids.length);
  // Every hex digit turns up in the random positions (a broken table or shift would leave some out).
  const seen = new Set(ids.join("").replaceAll("-", ""));
  assert.equal(seen.size, 16);
});
