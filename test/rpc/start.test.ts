import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { ConnectionClosedError } from "ocppkit";
import { rawPeerWith } from "../support/peers.js";

for (const code of [1000, 1001]) {
  test(`start() resolves when the connection closes cleanly with ${code}`, async (t) => {
    const { raw, running } = await rawPeerWith(t);
    raw.socket.close(code, "done");
    assert.equal(await running, undefined);
  });
}

test("start() resolves when the connection closes without a status code (1005)", async (t) => {
  const { raw, running } = await rawPeerWith(t);
  raw.socket.close();
  assert.equal(await running, undefined);
});

test("start() resolves when the ChargePoint itself closes the connection", async (t) => {
  const { chargePoint, running, raw } = await rawPeerWith(t);
  chargePoint.close();
  assert.equal(await running, undefined);
  assert.equal((await raw.closed()).code, 1000);
});

test("start() rejects with ConnectionClosedError on an abnormal close code", async (t) => {
  const { raw, running } = await rawPeerWith(t);
  raw.socket.close(4001, "going away badly");
  await assert.rejects(running, (error: unknown) => {
    assert.ok(error instanceof ConnectionClosedError);
    assert.equal(error.closeCode, 4001);
    assert.equal(error.reason, "going away badly");
    return true;
  });
});

test("start() rejects with ConnectionClosedError when the socket drops without a close frame", async (t) => {
  const { raw, running } = await rawPeerWith(t);
  raw.socket.terminate();
  await assert.rejects(running, (error: unknown) => error instanceof ConnectionClosedError && error.closeCode === 1006);
});

test("start() called twice returns the same promise", async (t) => {
  const { chargePoint, running } = await rawPeerWith(t);
  assert.equal(chargePoint.start(), running);
});

test("messages that arrive before start() are held and answered once it runs", async (t) => {
  const { chargePoint, raw, accepted } = await rawPeerWith(t, { start: false });
  const arrived = once(accepted.socket, "message");
  raw.send([2, "early-1", "Heartbeat", {}]);
  raw.send([2, "early-2", "Heartbeat", {}]);
  await arrived;
  chargePoint.route("Heartbeat", () => ({ currentTime: "2026-11-24T10:00:00Z" }));
  const running = chargePoint.start();
  assert.deepEqual(await raw.next(), [3, "early-1", { currentTime: "2026-11-24T10:00:00Z" }]);
  assert.deepEqual(await raw.next(), [3, "early-2", { currentTime: "2026-11-24T10:00:00Z" }]);
  raw.socket.close(1000);
  await running;
});

test("a close that happens before start() still settles start()", async (t) => {
  const { chargePoint, raw, accepted } = await rawPeerWith(t, { start: false });
  const closed = once(accepted.socket, "close");
  raw.socket.close(1001);
  await closed;
  assert.equal(await chargePoint.start(), undefined);
});
