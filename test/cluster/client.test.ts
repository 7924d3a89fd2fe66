/** The Cluster class in this process: options checked at once, ready() and its failure, typed results, close(). */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { NotConnectedError, silentLogger } from "ocppkit";
import { Cluster, ClusterUnavailableError } from "ocppkit/cluster";
import { CentralSystem } from "ocppkit/server";
import { ChargePoint, call, type ResetStatus } from "ocppkit/v16";
import type { ResetStatusEnumType } from "ocppkit/v201";
import { connectCharger, startRedis } from "./helpers.js";

test("a bad nodeId, namespace or heartbeat TTL is refused when the Cluster is made", () => {
  assert.throws(() => new Cluster({ redis: "redis://127.0.0.1:1", nodeId: "has space" }), TypeError);
  assert.throws(() => new Cluster({ redis: "redis://127.0.0.1:1", namespace: "{x}" }), TypeError);
  assert.throws(() => new Cluster({ redis: "redis://127.0.0.1:1", heartbeatTtlMs: 10 }), RangeError);
});

test("ready() rejects with ClusterUnavailableError when Redis is not there, and calls fail at once", async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const cluster = new Cluster({ redis: `redis://127.0.0.1:${port}`, logger: silentLogger });
  try {
    await assert.rejects(cluster.ready(500), ClusterUnavailableError);
    await assert.rejects(cluster.call("CP1", new call.ClearCache({})), (error: ClusterUnavailableError) => {
      assert.ok(error instanceof ClusterUnavailableError);
      assert.equal(error.code, "ClusterUnavailable");
      return true;
    });
    await assert.rejects(cluster.list(), ClusterUnavailableError);
    assert.equal(cluster.inFlight, 0);
  } finally {
    await cluster.close();
  }
});

test("a node in this process calls its own charger directly and a socketless client gets the typed result", async (t) => {
  const redis = await startRedis(t);
  const node = new Cluster({ redis: redis.url, nodeId: "here", logger: silentLogger });
  const centralSystem = new CentralSystem({
    cluster: node,
    logger: silentLogger,
    createChargePoint: ({ id, connection }) => new ChargePoint(id, connection, { logger: silentLogger }),
  });
  t.after(() => centralSystem.close());
  await centralSystem.listen(0, "127.0.0.1");
  await node.ready();
  const client = new Cluster({ redis: redis.url, nodeId: "api", logger: silentLogger });
  t.after(() => client.close());
  await client.ready();
  const charger = await connectCharger(t, centralSystem.url, "CP-HERE");
  for (let attempt = 0; attempt < 100 && !(await client.locate("CP-HERE")); attempt++) await new Promise((r) => setTimeout(r, 50));

  const local = await node.call("CP-HERE", new call.Reset({ type: "Soft" }), { suppress: false });
  const remote = await client.call("CP-HERE", new call.Reset({ type: "Soft" }), { suppress: false });
  // Without a version named, an action's result is the union over the versions that have it.
  const status: ResetStatus | ResetStatusEnumType = remote.status;
  assert.equal(status, "Accepted");
  assert.deepEqual({ ...local }, { ...remote });
  assert.deepEqual(charger.received, ["Reset", "Reset"]);
  assert.equal(Object.getPrototypeOf(remote), Object.getPrototypeOf(local));
  await assert.rejects(client.call("NOWHERE", new call.Reset({ type: "Soft" })), NotConnectedError);
  assert.deepEqual(await client.nodes(), ["here"]);
});
