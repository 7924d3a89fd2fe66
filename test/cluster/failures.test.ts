/**
 * Failures: a node killed with SIGKILL while a call to one of its chargers is in flight, and Redis killed
 * and restarted mid-run. Nothing crashes, nothing hangs, and the cluster comes back without a restart.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { call as call16 } from "ocppkit/v16";
import { FaultProxy } from "../support/fault-proxy.js";
import { clientConfig, connectCharger, eventually, nodeConfig, startMembers, startRedis } from "./helpers.js";

test("a call in flight to a node killed with SIGKILL fails with NotConnectedError before its response timeout", async (t) => {
  const redis = await startRedis(t);
  const responseTimeoutMs = 60_000;
  const [nodeA, nodeB, client] = await startMembers(t, [
    nodeConfig(redis, "node-a", { responseTimeoutMs }),
    nodeConfig(redis, "node-b", { responseTimeoutMs }),
    clientConfig(redis, "api"),
  ]);
  const charger = await connectCharger(t, nodeA.url, "CP-VICTIM");
  await connectCharger(t, nodeB.url, "CP-SURVIVOR");
  await eventually("both chargers in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 2);
  const started = Date.now();
  const pending = client.request("call", {
    id: "CP-VICTIM",
    version: "1.6",
    action: "TriggerMessage",
    payload: { requestedMessage: "Heartbeat" },
  });
  await charger.arrived("TriggerMessage");
  await nodeA.kill("SIGKILL");
  const answer = await pending;
  assert.equal(answer.error?.name, "NotConnectedError");
  assert.match(answer.error?.message ?? "", /node-a|not running/);
  // Before the call's own response timeout: the error came from the dead node's heartbeat, not a timer.
  assert.ok(Date.now() - started < responseTimeoutMs);
  await eventually("the dead node's charger leaves presence", async () => {
    const { chargers } = (await client.request("list")) as { chargers: { id: string }[] };
    return chargers.length === 1 && chargers[0].id === "CP-SURVIVOR";
  });
  await eventually("node B saw nodeDown and the disconnect", async () => {
    const { events } = (await nodeB.request("events")) as { events: { kind: string; id?: string; node?: string }[] };
    return (
      events.some((e) => e.kind === "nodeDown" && e.node === "node-a") &&
      events.some((e) => e.kind === "disconnect" && e.id === "CP-VICTIM")
    );
  });
  assert.deepEqual((await client.request("nodes")).nodes, ["node-b"]);
  const after = await client.request("call", { id: "CP-VICTIM", version: "1.6", action: "Reset", payload: { type: "Soft" } });
  assert.equal(after.error?.name, "NotConnectedError");
});

test("with Redis killed chargers keep working locally and cluster calls fail at once; after a restart presence is rebuilt", async (t) => {
  const redis = await startRedis(t);
  const [nodeA, nodeB, client] = await startMembers(t, [
    nodeConfig(redis, "node-a"),
    nodeConfig(redis, "node-b"),
    clientConfig(redis, "api"),
  ]);
  const p = await connectCharger(t, nodeA.url, "CP-P");
  await connectCharger(t, nodeB.url, "CP-Q");
  await eventually("both chargers in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 2);

  await redis.kill();
  await eventually("the client notices", async () => (await client.request("stats")).available === false);
  await eventually("node A notices", async () => (await nodeA.request("stats")).available === false);
  const reset = { version: "1.6", action: "Reset", payload: { type: "Soft" } };
  const refused = await client.request("call", { id: "CP-P", ...reset });
  assert.equal(refused.error?.name, "ClusterUnavailableError");
  assert.equal(refused.error?.code, "ClusterUnavailable");
  const many = await nodeB.request("callMany", { ids: Array.from({ length: 500 }, () => "CP-P"), ...reset });
  assert.equal(many.ok, 0);
  assert.equal((many.failures as { error: { name: string } }[])[0].error.name, "ClusterUnavailableError");
  assert.equal((await nodeB.request("stats")).inFlight, 0);
  // The node's own chargers: its handlers answer, and it can still call them directly.
  const local = await nodeA.request("call", { id: "CP-P", ...reset });
  assert.equal(local.ok, true);
  const answered = (await p.chargePoint.call(new call16.DataTransfer({ vendorId: "test" }))) as { data?: string };
  assert.equal(answered.data, "node-a");

  await redis.restart();
  await eventually("the client is back", async () => (await client.request("stats")).available === true);
  await eventually("presence rebuilt", async () => ((await client.request("list")).chargers as unknown[]).length === 2);
  const remote = await nodeB.request("call", { id: "CP-P", ...reset });
  assert.equal(remote.ok, true);
  assert.equal(remote.typed, true);
  for (const member of [nodeA, nodeB, client]) assert.equal(member.child.exitCode, null);
});

test("a node cut off from Redis for a while comes back with the chargers it has now, not those that left meanwhile", async (t) => {
  const redis = await startRedis(t);
  const proxy = await FaultProxy.start(redis.port);
  t.after(() => proxy.close());
  const [nodeA, client] = await startMembers(t, [
    { ...nodeConfig(redis, "node-a"), redis: `redis://127.0.0.1:${proxy.port}` },
    clientConfig(redis, "api"),
  ]);
  const leaving = await connectCharger(t, nodeA.url, "CP-LEAVES");
  await connectCharger(t, nodeA.url, "CP-STAYS");
  await eventually("both in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 2);

  proxy.refuse(true);
  proxy.cut();
  await eventually("node A notices", async () => (await nodeA.request("stats")).available === false);
  leaving.chargePoint.close();
  await leaving.closed;
  await connectCharger(t, nodeA.url, "CP-ARRIVES");
  const local = await nodeA.request("call", { id: "CP-ARRIVES", version: "1.6", action: "Reset", payload: { type: "Soft" } });
  assert.equal(local.ok, true);
  proxy.refuse(false);

  await eventually("presence matches node A again", async () => {
    const { chargers } = (await client.request("list")) as { chargers: { id: string; node: string }[] };
    return chargers.map((c) => `${c.id}@${c.node}`).join() === "CP-ARRIVES@node-a,CP-STAYS@node-a";
  });
  const remote = await client.request("call", { id: "CP-ARRIVES", version: "1.6", action: "Reset", payload: { type: "Soft" } });
  assert.equal(remote.ok, true);
});
