/** The cluster tests need a real redis-server: without one they fail with one line saying how to get it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RedisServer } from "../support/redis-server.js";

test("without a redis-server the cluster tests fail with a one-line reason instead of skipping", async (t) => {
  const saved = process.env.REDIS_SERVER;
  t.after(() => {
    if (saved === undefined) delete process.env.REDIS_SERVER;
    else process.env.REDIS_SERVER = saved;
  });
  process.env.REDIS_SERVER = "/nonexistent/redis-server";
  await assert.rejects(RedisServer.start(), (error: Error) => {
    assert.match(
      error.message,
      /^REDIS_SERVER=\/nonexistent\/redis-server is not an executable redis-server: .*apt-get install redis-server\)$/,
    );
    assert.equal(error.message.includes("\n"), false);
    return true;
  });
});
