/**
 * Cross-node calls with nodes in their own processes: a call made on any member settles exactly as the
 * holding node's local call() does (typed result, CALLERROR, timeout, wrong version), in 1.6, 2.0.1 and
 * 2.1 (SEND), and presence and events are cluster-wide.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { Redis } from "ioredis";
import { call as call21 } from "ocppkit/v21";
import { call as call201 } from "ocppkit/v201";
import { suiteCleanup } from "../support/peers.js";
import type { RedisServer } from "../support/redis-server.js";
import {
  type Answer,
  clientConfig,
  connectCharger,
  eventually,
  type Member,
  nodeConfig,
  startMembers,
  startRedis,
  type TestCharger,
} from "./helpers.js";

const { cleanup, closeAll } = suiteCleanup();
let redis: RedisServer;
let nodeA: Member;
let nodeB: Member;
let client: Member;
let cp16: TestCharger;
let cp201: TestCharger;
let cp21: TestCharger;

before(async () => {
  redis = await startRedis(cleanup);
  [nodeA, nodeB, client] = await startMembers(cleanup, [
    nodeConfig(redis, "node-a"),
    nodeConfig(redis, "node-b"),
    clientConfig(redis, "api-1"),
  ]);
  cp16 = await connectCharger(cleanup, nodeA.url, "CP16", "1.6");
  cp201 = await connectCharger(cleanup, nodeA.url, "CP201", "2.0.1");
  cp21 = await connectCharger(cleanup, nodeB.url, "CP21", "2.1");
  await eventually("all three chargers in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 3);
});
after(() => closeAll());

const reset16 = { version: "1.6", action: "Reset", payload: { type: "Soft" } };
const reset201 = { version: "2.0.1", action: "Reset", payload: { type: "Immediate" } };

test("a call to a charger on the calling node, on another node, and from a socketless client resolves the typed callResult", async () => {
  const local = await nodeA.request("call", { id: "CP16", ...reset16 });
  const remote = await nodeB.request("call", { id: "CP16", ...reset16 });
  const fromClient = await client.request("call", { id: "CP201", ...reset201 });
  assert.deepEqual(local, { ref: local.ref, ok: true, result: { status: "Accepted" }, typed: true });
  assert.deepEqual(remote, { ref: remote.ref, ok: true, result: { status: "Accepted" }, typed: true });
  assert.deepEqual(fromClient, { ref: fromClient.ref, ok: true, result: { status: "Accepted" }, typed: true });
  assert.equal(cp16.received.filter((a) => a === "Reset").length, 2);
  assert.deepEqual(cp201.received, ["Reset"]);
});

test("a call to a charger connected nowhere rejects with NotConnectedError", async () => {
  const answer = await client.request("call", { id: "GHOST", ...reset16 });
  assert.equal(answer.ok, false);
  assert.equal(answer.error?.name, "NotConnectedError");
  assert.match(answer.error?.message ?? "", /"GHOST" is not connected to any node/);
});

const sameOutcome = (remote: Answer, local: Answer) => {
  const { ref: _r, ...a } = remote;
  const { ref: _l, ...b } = local;
  assert.deepEqual(a, b);
};

test("a CALLERROR comes back as the same OcppError subclass, or undefined with suppress", async () => {
  const unlock = { version: "1.6", action: "UnlockConnector", payload: { connectorId: 1 } };
  const local = await nodeA.request("localCall", { id: "CP16", ...unlock, options: { suppress: false } });
  const remote = await client.request("call", { id: "CP16", ...unlock, options: { suppress: false } });
  assert.equal(remote.error?.name, "GenericError");
  assert.equal(remote.error?.isOcppError, true);
  assert.equal(remote.error?.code, "GenericError");
  assert.match(remote.error?.message ?? "", /jammed/);
  sameOutcome(remote, local);
  const suppressed = await nodeB.request("call", { id: "CP16", ...unlock });
  assert.deepEqual([suppressed.ok, suppressed.result], [true, null]);
});

test("a call the charger never answers rejects with the same CallTimeoutError remotely as locally", async () => {
  const trigger = { version: "2.0.1", action: "TriggerMessage", payload: { requestedMessage: "Heartbeat" } };
  const local = await nodeA.request("localCall", { id: "CP201", ...trigger, options: { uniqueId: "trigger-1" } });
  const remote = await client.request("call", { id: "CP201", ...trigger, options: { uniqueId: "trigger-1" } });
  assert.equal(remote.error?.name, "CallTimeoutError");
  sameOutcome(remote, local);
});

test("a payload of another OCPP version is refused with the error a local call gives", async () => {
  const remoteStart16 = { version: "1.6", action: "RemoteStartTransaction", payload: { idTag: "A" } };
  const missing = await client.request("call", { id: "CP201", ...remoteStart16 });
  sameOutcome(missing, await nodeA.request("localCall", { id: "CP201", ...remoteStart16 }));
  assert.equal(missing.error?.name, "TypeError");
  const invalid = await nodeB.request("call", { id: "CP201", ...reset16 });
  sameOutcome(invalid, await nodeA.request("localCall", { id: "CP201", ...reset16 }));
  assert.equal(invalid.error?.name, "InvalidPayloadError");
});

test("2.1 SEND reaches a charger on another node; to a 1.6 charger it fails as locally", async () => {
  assert.ok(call21.NotifyPeriodicEventStream && call201.Reset);
  const stream = {
    version: "2.1",
    action: "NotifyPeriodicEventStream",
    payload: { id: 1, pending: 0, basetime: "2026-11-24T10:00:00.000Z", data: [{ t: 0, v: "1" }] },
  };
  const sent = await client.request("send", { id: "CP21", ...stream });
  assert.equal(sent.ok, true);
  assert.equal(typeof sent.result, "string");
  await cp21.arrived("NotifyPeriodicEventStream");
  const to16 = await nodeB.request("send", { id: "CP16", ...stream });
  assert.equal(to16.error?.name, "TypeError");
  assert.match(to16.error?.message ?? "", /OCPP 1.6 has no SEND messages/);
});

test("a charger's own CALLs are answered by the node that holds its socket", async () => {
  const answer = (await cp21.chargePoint.call(new call21.DataTransfer({ vendorId: "test" }))) as { data?: string };
  assert.equal(answer.data, "node-b");
});

test("presence lists every charger with its node and version, and locate finds one", async () => {
  const { chargers } = (await client.request("list")) as { chargers: { id: string; node: string; ocppVersion: string }[] };
  assert.deepEqual(
    chargers.map(({ id, node, ocppVersion }) => ({ id, node, ocppVersion })),
    [
      { id: "CP16", node: "node-a", ocppVersion: "1.6" },
      { id: "CP201", node: "node-a", ocppVersion: "2.0.1" },
      { id: "CP21", node: "node-b", ocppVersion: "2.1" },
    ],
  );
  assert.deepEqual((await nodeB.request("locate", { id: "CP201" })).presence, { id: "CP201", node: "node-a", ocppVersion: "2.0.1" });
  assert.equal((await nodeB.request("locate", { id: "GHOST" })).presence, null);
  assert.deepEqual((await client.request("nodes")).nodes, ["node-a", "node-b"]);
});

test("connect and disconnect events reach every member", async (t) => {
  const late = await connectCharger(t, nodeB.url, "CP-LATE", "1.6");
  await eventually("connect event on the client", async () =>
    ((await client.request("events")).events as { kind: string; id: string; node: string }[]).some(
      (e) => e.kind === "connect" && e.id === "CP-LATE" && e.node === "node-b",
    ),
  );
  late.chargePoint.close();
  await eventually("disconnect event on node A", async () =>
    ((await nodeA.request("events")).events as { kind: string; id: string }[]).some((e) => e.kind === "disconnect" && e.id === "CP-LATE"),
  );
});

test("garbage published on a node's inbox and on the events channel is ignored", async () => {
  const kinds = fc.constantFrom("call", "ok", "err", "kick", "connect", "disconnect", "nodeDown");
  // Arrays that start like real messages, with anything after: the shapes a checker is most likely to miss.
  const lookalike = fc
    .tuple(kinds, fc.array(fc.oneof(fc.jsonValue(), fc.integer(), fc.string()), { maxLength: 8 }))
    .map(([kind, rest]) => JSON.stringify([kind, ...rest]));
  const texts = [
    "not json",
    "[]",
    '["call"]',
    '["ok", 99999, "1.6", {}]',
    '["kick"]',
    '{"a":1}',
    '["connect"]',
    ...fc.sample(fc.oneof(lookalike, fc.json(), fc.string()), { numRuns: 300, seed: 11 }),
  ];
  const raw = new Redis(redis.url);
  try {
    for (const text of texts) {
      await raw.publish("ocppkit:inbox:node-a", text);
      await raw.publish("ocppkit:inbox:api-1", text);
      await raw.publish("ocppkit:events", text);
    }
  } finally {
    raw.disconnect();
  }
  const answer = await client.request("call", { id: "CP16", ...reset16 });
  assert.equal(answer.ok, true);
  assert.equal(nodeA.child.exitCode, null);
  assert.equal(client.child.exitCode, null);
});
