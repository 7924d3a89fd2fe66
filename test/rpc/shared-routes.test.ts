import assert from "node:assert/strict";
import { test } from "node:test";
import { NotSupportedError } from "ocppkit";
import { Action, type ChargePoint, call } from "ocppkit/v16";
import { connectedPair } from "../support/peers.js";

// Instances that route the same handlers share one route table (copy-on-write, for memory per
// connection); these check that each instance still behaves as if it had a table of its own.

const heartbeatAt = (time: string) => () => ({ currentTime: time });
const shared = heartbeatAt("2026-11-29T10:00:00Z");
const accepted = () => ({ idTagInfo: { status: "Accepted" } });

async function pairs(t: Parameters<typeof connectedPair>[0], count: number) {
  const all = [];
  for (let i = 0; i < count; i++) all.push(await connectedPair(t, { id: `CP-${i}` }));
  return all;
}

async function heartbeatTime(chargePoint: ChargePoint): Promise<string | undefined> {
  return (await chargePoint.call(new call.Heartbeat({}), { suppress: false })).currentTime;
}

test("instances routing the same handlers answer alike, and one re-routing an action changes only itself", async (t) => {
  const all = await pairs(t, 12);
  for (const { centralSystem } of all) centralSystem.route(Action.Heartbeat, shared).route(Action.Authorize, accepted);
  all[3].centralSystem.route(Action.Heartbeat, heartbeatAt("2026-11-29T11:00:00Z"));
  all[5].centralSystem.route(Action.DataTransfer, () => ({ status: "Accepted" }));
  for (const [i, { chargePoint }] of all.entries()) {
    assert.equal(await heartbeatTime(chargePoint), i === 3 ? "2026-11-29T11:00:00Z" : "2026-11-29T10:00:00Z", `CP-${i}`);
    const answer = await chargePoint.call(new call.Authorize({ idTag: "A" }), { suppress: false });
    assert.equal(answer.idTagInfo.status, "Accepted");
    const dataTransfer = chargePoint.call(new call.DataTransfer({ vendorId: "V" }), { suppress: false });
    if (i === 5) assert.equal((await dataTransfer).status, "Accepted");
    else await assert.rejects(dataTransfer, NotSupportedError, `CP-${i}`);
  }
});

test("handlers made per instance stay with their instance, past the number of tables that are shared", async (t) => {
  const all = await pairs(t, 12);
  for (const [i, { centralSystem }] of all.entries()) {
    centralSystem.route(Action.Heartbeat, heartbeatAt(`2026-11-29T10:00:${String(i).padStart(2, "0")}Z`));
    centralSystem.routeAfter(Action.Heartbeat, () => {});
  }
  // Instances 8 to 11 have tables of their own (changed in place); re-route in one of each kind.
  all[1].centralSystem.route(Action.Heartbeat, shared);
  all[10].centralSystem.route(Action.Heartbeat, shared);
  for (const [i, { chargePoint }] of all.entries()) {
    const expected = i === 1 || i === 10 ? "2026-11-29T10:00:00Z" : `2026-11-29T10:00:${String(i).padStart(2, "0")}Z`;
    assert.equal(await heartbeatTime(chargePoint), expected, `CP-${i}`);
  }
});

test("route() refuses a handler that is not a function, with the action in the message", async (t) => {
  const [{ centralSystem }] = await pairs(t, 1);
  assert.throws(() => centralSystem.route(Action.Heartbeat, "answer" as never), {
    name: "TypeError",
    message: "on(Heartbeat) needs a handler function, got string",
  });
});
