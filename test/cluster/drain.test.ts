/** Rolling deploy: closing a node drains it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "ocppkit";
import { clientConfig, connectCharger, eventually, nodeConfig, startMembers, startRedis } from "./helpers.js";

test("close() on a node lets calls in flight finish, closes its chargers with 1001, and removes its presence and heartbeat", async (t) => {
  const redis = await startRedis(t);
  const [nodeA, nodeB, client] = await startMembers(t, [
    nodeConfig(redis, "node-a"),
    nodeConfig(redis, "node-b"),
    clientConfig(redis, "api"),
  ]);
  const leaving = await connectCharger(t, nodeA.url, "CP-LEAVING");
  await connectCharger(t, nodeB.url, "CP-STAYING");
  await eventually("both in presence", async () => ((await client.request("list")).chargers as unknown[]).length === 2);

  const inFlight = client.request("call", {
    id: "CP-LEAVING",
    version: "1.6",
    action: "ChangeAvailability",
    payload: { connectorId: 0, type: "Inoperative" },
  });
  await leaving.arrived("ChangeAvailability");
  const closing = nodeA.request("close");
  await eventually("node A stopped listening", async () =>
    connect(`${nodeA.url}/CP-NEW`, { protocols: ["ocpp1.6"] }).then(
      (connection) => {
        connection.close(1000, "");
        return false;
      },
      () => true,
    ),
  );
  const answer = await inFlight;
  assert.deepEqual([answer.ok, answer.result, answer.typed], [true, { status: "Accepted" }, true]);
  assert.equal((await leaving.closed).code, 1001);
  assert.equal((await closing).closed, true);
  assert.equal(await nodeA.exited, 0);
  const { chargers } = (await client.request("list")) as { chargers: { id: string }[] };
  assert.deepEqual(
    chargers.map((c) => c.id),
    ["CP-STAYING"],
  );
  assert.deepEqual((await client.request("nodes")).nodes, ["node-b"]);
  const { events } = (await nodeB.request("events")) as { events: { kind: string; id?: string }[] };
  assert.ok(events.some((e) => e.kind === "disconnect" && e.id === "CP-LEAVING"));
});
