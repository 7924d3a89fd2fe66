import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import type { ChargePoint } from "ocppkit/v16";
import { openRaw, startCentralSystem } from "./helpers.js";

test("a peer that stops answering pings is terminated and reported with 1006", { timeout: 30_000 }, async (t) => {
  const server = await startCentralSystem(t, { pingIntervalMs: 40 });
  const connected = once(server, "connect");
  const deaf = await openRaw(t, `${server.url}/DEAF`, ["ocpp1.6"], { autoPong: false });
  await connected;
  const disconnected = once(server, "disconnect") as Promise<[ChargePoint, number, string]>;
  const [chargePoint, code] = await disconnected;
  assert.equal(chargePoint.id, "DEAF");
  assert.equal(code, 1006);
  assert.equal(server.has("DEAF"), false);
  assert.equal((await deaf.closed).code, 1006);
});

test("a peer that answers pings stays connected through many intervals", async (t) => {
  // Generous next to the loopback round trip, so a busy machine does not stall a pong past the next ping.
  const server = await startCentralSystem(t, { pingIntervalMs: 150 });
  const connected = once(server, "connect");
  const alive = await openRaw(t, `${server.url}/ALIVE`);
  await connected;
  let pings = 0;
  // Ends on the third ping or on a close, so a wrongly terminated peer fails the test instead of hanging it.
  await new Promise<void>((resolve) => {
    alive.socket.on("ping", () => {
      if (++pings === 3) resolve();
    });
    alive.socket.once("close", () => resolve());
  });
  assert.equal(pings, 3);
  assert.equal(alive.socket.readyState, alive.socket.OPEN);
  assert.ok(server.has("ALIVE"));
});
