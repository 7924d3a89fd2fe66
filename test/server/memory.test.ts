import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connect, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import { ChargePoint } from "ocppkit/v16";

// A server holds thousands of connections for days: what it keeps per connection is memory it pays
// for the whole time. The upgrade request (headers, raw headers, parser buffers) is about 2 KB.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("a connected charge point's HTTP upgrade request is not kept alive by the server", async (t) => {
  let requestRef: WeakRef<object> | undefined;
  const server = new CentralSystem({
    protocols: ["ocpp1.6"],
    createChargePoint: ({ id, connection, request }) => {
      requestRef = new WeakRef(request);
      return new ChargePoint(id, connection, { logger: silentLogger });
    },
    logger: silentLogger,
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 500 }));
  // Not events.once: its promise would hold the event's arguments, the context with the request among them.
  const connected = new Promise<void>((resolve) => server.once("connect", () => resolve()));
  const connection = await connect(`${server.url}/CP-1`);
  t.after(() => connection.socket.terminate());
  await connected;
  assert.ok(requestRef, "createChargePoint saw the request");
  // A WeakRef's target survives until the current job ends, so each collection waits a turn first.
  for (let i = 0; i < 20 && requestRef.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  assert.equal(requestRef.deref(), undefined, "the upgrade request is still reachable while the charge point is connected");
  assert.equal(server.size, 1);
});
