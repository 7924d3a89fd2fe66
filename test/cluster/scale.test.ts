/** A thousand chargers over three nodes, each called once from a fourth process. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientConfig, connectCharger, eventually, nodeConfig, startMembers, startRedis, type TestCharger } from "./helpers.js";

test("1000 chargers on three nodes are each called exactly once from a socketless client process", async (t) => {
  const redis = await startRedis(t);
  const members = await startMembers(t, [
    nodeConfig(redis, "node-1", { responseTimeoutMs: 30_000 }),
    nodeConfig(redis, "node-2", { responseTimeoutMs: 30_000 }),
    nodeConfig(redis, "node-3", { responseTimeoutMs: 30_000 }),
    clientConfig(redis, "api"),
  ]);
  const nodes = members.slice(0, 3);
  const client = members[3];
  const ids = Array.from({ length: 1000 }, (_, i) => `CP-${String(i).padStart(4, "0")}`);
  const chargers: TestCharger[] = [];
  // In batches, so a loaded machine is not asked for a thousand handshakes at once.
  for (let i = 0; i < ids.length; i += 100) {
    chargers.push(...(await Promise.all(ids.slice(i, i + 100).map((id, j) => connectCharger(t, nodes[(i + j) % 3].url, id)))));
  }
  await eventually("all 1000 in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 1000);
  const { chargers: listed } = (await client.request("list")) as { chargers: { id: string; node: string }[] };
  assert.deepEqual(
    listed.map(({ id, node }) => `${id}@${node}`),
    ids.map((id, i) => `${id}@node-${(i % 3) + 1}`),
  );

  const answer = await client.request("callMany", { ids, version: "1.6", action: "DataTransfer", payload: { vendorId: "scale" } });
  assert.deepEqual(answer.failures, []);
  assert.equal(answer.ok, 1000);
  for (const charger of chargers) assert.deepEqual(charger.received, ["DataTransfer"], charger.id);
});
