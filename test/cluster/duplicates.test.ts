/**
 * One charger id connected on two nodes at once (it reconnected through the load balancer before its old
 * socket died): the newest connection wins cluster-wide, or with replaceExisting false the newcomer gets 409.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectError, connect } from "ocppkit";
import { clientConfig, connectCharger, eventually, nodeConfig, startMembers, startRedis } from "./helpers.js";

test("a newer connection on another node wins: the old node closes its socket and calls go to the new one", async (t) => {
  const redis = await startRedis(t);
  const [nodeA, nodeB, client] = await startMembers(t, [
    nodeConfig(redis, "node-a"),
    nodeConfig(redis, "node-b"),
    clientConfig(redis, "api"),
  ]);
  const old = await connectCharger(t, nodeA.url, "CP-DUP");
  await eventually(
    "CP-DUP on node A",
    async () => ((await client.request("locate", { id: "CP-DUP" })).presence as { node?: string } | null)?.node === "node-a",
  );
  const newer = await connectCharger(t, nodeB.url, "CP-DUP");
  const closed = await old.closed;
  assert.equal(closed.code, 1000);
  assert.match(closed.reason, /Replaced by a new connection/);
  // The old node's disconnect did not remove the new entry (compare-and-delete).
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual((await client.request("locate", { id: "CP-DUP" })).presence, { id: "CP-DUP", node: "node-b", ocppVersion: "1.6" });
  const answer = await client.request("call", { id: "CP-DUP", version: "1.6", action: "Reset", payload: { type: "Hard" } });
  assert.equal(answer.ok, true);
  assert.deepEqual(newer.received, ["Reset"]);
  assert.deepEqual(old.received, []);
  assert.equal((await nodeA.request("stats")).local, 0);
});

test("with replaceExisting false a newcomer is refused with 409 while the id is connected on another node", async (t) => {
  const redis = await startRedis(t);
  const [nodeA, nodeB] = await startMembers(t, [
    nodeConfig(redis, "node-a", { replaceExisting: false }),
    nodeConfig(redis, "node-b", { replaceExisting: false }),
  ]);
  const first = await connectCharger(t, nodeA.url, "CP-ONE");
  await eventually("CP-ONE registered", async () => ((await nodeB.request("locate", { id: "CP-ONE" })).presence as unknown) !== null);
  const refused = await connect(`${nodeB.url}/CP-ONE`, { protocols: ["ocpp1.6"] }).then(
    (connection) => {
      connection.close(1000, "");
      return undefined;
    },
    (error: unknown) => error,
  );
  assert.ok(refused instanceof ConnectError, `expected a refusal, got ${String(refused)}`);
  assert.equal(refused.statusCode, 409);
  first.chargePoint.close();
  await eventually("CP-ONE gone from presence", async () => (await nodeB.request("locate", { id: "CP-ONE" })).presence === null);
  const second = await connectCharger(t, nodeB.url, "CP-ONE");
  await eventually(
    "CP-ONE now on node B",
    async () => ((await nodeA.request("locate", { id: "CP-ONE" })).presence as { node?: string } | null)?.node === "node-b",
  );
  assert.equal(second.chargePoint.closed, false);
});
