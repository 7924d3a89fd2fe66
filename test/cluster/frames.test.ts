/**
 * The cluster-wide frame relay: a member's tapped frames reach every member listening to `frame`, with
 * their node; nodes publish only while someone listens; garbage on the channel and a Redis outage
 * never break a member.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { Redis } from "ioredis";
import type { Logger } from "ocppkit";
import { Cluster, type ClusterFrame } from "ocppkit/cluster";
import { suiteCleanup } from "../support/peers.js";
import type { RedisServer } from "../support/redis-server.js";
import { eventually, startRedis } from "./helpers.js";

const { cleanup, closeAll } = suiteCleanup();
let redis: RedisServer;
let node: Cluster;
let watcher: Cluster;
let tapped: Logger;
/** Every message Redis carried on the frames channel, as a raw subscriber saw it. */
const onTheWire: string[] = [];

// Short heartbeats: nodes look for watchers every 200 ms, and stop relaying 600 ms after the last left.
const member = (nodeId: string) => new Cluster({ redis: redis.url, nodeId, heartbeatTtlMs: 600, logger: {} });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  redis = await startRedis(cleanup);
  node = member("node-a");
  watcher = member("watcher");
  cleanup.after(() => Promise.all([node.close(), watcher.close()]));
  await Promise.all([node.ready(), watcher.ready()]);
  tapped = node.tapFrames();
  const raw = new Redis(redis.url);
  cleanup.after(() => raw.disconnect());
  raw.on("error", () => {});
  raw.on("message", (_channel: string, text: string) => onTheWire.push(text));
  await raw.subscribe("ocppkit:frames");
});
after(() => closeAll());

/** Sends frames from the node until `check` holds (bounded). */
async function frameUntil(what: string, text: string, check: () => boolean): Promise<void> {
  await eventually(what, () => {
    tapped.frame?.("CP-1", "in", text);
    return check();
  });
}

test("nobody listening: the node publishes no frame", async () => {
  // Several heartbeat ticks, each of which could have turned the relay on.
  for (let i = 0; i < 10; i++) {
    tapped.frame?.("CP-1", "in", `[2,"quiet-${i}","Heartbeat",{}]`);
    await pause(100);
  }
  assert.equal(onTheWire.length, 0);
});

test("a listening member gets another node's frames with their node, and the relay stops once it stops listening", async () => {
  const seen: ClusterFrame[] = [];
  const listener = (frame: ClusterFrame) => seen.push(frame);
  watcher.on("frame", listener);
  await frameUntil("a relayed frame", '[2,"1","Heartbeat",{}]', () => seen.length > 0);
  const [first] = seen;
  assert.deepEqual(
    { ...first, at: undefined },
    { node: "node-a", id: "CP-1", direction: "in", text: '[2,"1","Heartbeat",{}]', at: undefined },
  );
  assert.ok(!Number.isNaN(Date.parse(first.at)));

  watcher.off("frame", listener);
  // The relay is off once a frame sent after a pause no longer reaches the wire.
  await eventually("the relay to stop", async () => {
    const before = onTheWire.length;
    tapped.frame?.("CP-1", "out", '[3,"1",{}]');
    await pause(300);
    return onTheWire.length === before;
  });
});

test("a member listening to its own frames gets each once, at once", async (t) => {
  const own: ClusterFrame[] = [];
  const listener = (frame: ClusterFrame) => own.push(frame);
  node.on("frame", listener);
  t.after(() => node.off("frame", listener));
  tapped.frame?.("CP-1", "in", "own-0");
  assert.equal(own.length, 1, "delivered without a round trip to Redis");
  await frameUntil("the node to relay", "probe", () => onTheWire.some((text) => text.includes('"probe"')));
  tapped.frame?.("CP-1", "in", "own-1");
  // Redis delivers in order: once another node's later frame arrived, the node's own echoes have too.
  const raw = new Redis(redis.url);
  t.after(() => raw.disconnect());
  const marker = JSON.stringify(["node-z", "CP-Z", "in", "marker", new Date().toISOString()]);
  await raw.publish("ocppkit:frames", marker);
  await eventually("the marker", () => own.some((frame) => frame.text === "marker"));
  const texts = own.map((frame) => frame.text);
  assert.equal(texts.filter((text) => text === "own-0").length, 1);
  assert.equal(texts.filter((text) => text === "own-1").length, 1);
});

test("garbage published on the frames channel is ignored", async (t) => {
  const seen: ClusterFrame[] = [];
  const listener = (frame: ClusterFrame) => seen.push(frame);
  watcher.on("frame", listener);
  t.after(() => watcher.off("frame", listener));
  const lookalike = fc
    .tuple(
      fc.oneof(fc.constant("node-b"), fc.string()),
      fc.string(),
      fc.constantFrom("in", "out", "sideways", 1),
      fc.jsonValue(),
      fc.string(),
    )
    .map((fields) => JSON.stringify(fields));
  const texts = [
    "not json",
    "[]",
    '["node-b"]',
    '["node b","CP","in","x","2026-01-01T00:00:00Z"]',
    '["node-b","","in","x","2026-01-01T00:00:00Z"]',
    '["node-b","CP","in",{},"2026-01-01T00:00:00Z"]',
    '["node-b","CP","in","x","not a time"]',
    '{"node":"node-b"}',
    ...fc.sample(fc.oneof(lookalike, fc.json(), fc.string()), { numRuns: 300, seed: 17 }),
  ];
  const raw = new Redis(redis.url);
  t.after(() => raw.disconnect());
  for (const text of texts) await raw.publish("ocppkit:frames", text);
  await raw.publish("ocppkit:frames", JSON.stringify(["node-b", "CP-B", "out", "last", new Date().toISOString()]));
  await eventually("the well-formed frame after the garbage", () => seen.some((frame) => frame.text === "last"));
  for (const frame of seen) {
    assert.ok(frame.direction === "in" || frame.direction === "out");
    assert.ok(typeof frame.text === "string" && typeof frame.id === "string" && frame.id.length > 0);
    assert.match(frame.node, /^[A-Za-z0-9._:@-]{1,100}$/);
  }
  assert.equal(watcher.available, true);
});

test("with Redis down, tapped frames are dropped without an error, and the relay resumes when it is back", async (t) => {
  const seen: ClusterFrame[] = [];
  const listener = (frame: ClusterFrame) => seen.push(frame);
  watcher.on("frame", listener);
  t.after(() => watcher.off("frame", listener));
  await frameUntil("the relay to run", "before", () => seen.length > 0);
  await redis.kill();
  for (let i = 0; i < 5_000; i++) tapped.frame?.("CP-1", "in", `during-${i}`);
  await eventually("the node to notice", () => !node.available);
  for (let i = 0; i < 5_000; i++) tapped.frame?.("CP-1", "in", `down-${i}`);
  await redis.restart();
  await Promise.all([node.ready(30_000), watcher.ready(30_000)]);
  await frameUntil("frames after the restart", "after", () => seen.some((frame) => frame.text === "after"));
  assert.ok(!seen.some((frame) => frame.text.startsWith("down-")), "nothing was buffered while Redis was down");
});
