/**
 * One CentralSystem serving a mixed fleet: it offers ocpp2.1, ocpp2.0.1 and ocpp1.6 (newest first by
 * default, any order or subset when configured) and hands each connection to the factory with the
 * agreed version, which builds that version's ChargePoint.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect, silentLogger } from "ocppkit";
import { CentralSystem, type ChargePointContext, defaultProtocols } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v21 from "ocppkit/v21";
import * as v201 from "ocppkit/v201";

const now = "2026-11-24T10:00:00.000Z";

class Csms16 extends v16.ChargePoint {}
class Csms201 extends v201.ChargePoint {}
class Csms21 extends v21.ChargePoint {}
type Csms = Csms16 | Csms201 | Csms21;

/** The back end's factory: one class per version, chosen by the agreed subprotocol. */
function createChargePoint({ id, protocol, connection }: ChargePointContext): Csms {
  const options = { logger: silentLogger, responseTimeoutMs: 5_000 };
  switch (protocol) {
    case "ocpp1.6":
      return new Csms16(id, connection, options).route("BootNotification", () => ({ status: "Accepted", currentTime: now, interval: 60 }));
    case "ocpp2.0.1":
      return new Csms201(id, connection, options).route("BootNotification", () => ({
        status: "Accepted",
        currentTime: now,
        interval: 201,
      }));
    case "ocpp2.1":
      return new Csms21(id, connection, options).route("BootNotification", () => ({ status: "Accepted", currentTime: now, interval: 21 }));
    default:
      throw new Error(`unexpected subprotocol ${protocol}`);
  }
}

async function startServer(t: { after(fn: () => unknown): void }, protocols?: readonly string[]) {
  const contexts: ChargePointContext[] = [];
  const server = new CentralSystem<Csms>({
    protocols,
    logger: silentLogger,
    createChargePoint: (context) => {
      contexts.push(context);
      return createChargePoint(context);
    },
  });
  await server.listen(0, "127.0.0.1");
  t.after(() => server.close({ timeoutMs: 1_000 }));
  return { server, contexts };
}

test("the default server offers ocpp2.1, ocpp2.0.1 and ocpp1.6, newest first", () => {
  assert.deepEqual(defaultProtocols, ["ocpp2.1", "ocpp2.0.1", "ocpp1.6"]);
  const server = new CentralSystem({ createChargePoint, logger: silentLogger });
  assert.deepEqual(server.protocols, defaultProtocols);
});

test("three chargers of three versions at once on one server, each served by its version's class", async (t) => {
  const { server, contexts } = await startServer(t);
  const [c16, c201, c21] = await Promise.all([
    connect(`${server.url}/CP-16`, { protocols: ["ocpp1.6"] }),
    connect(`${server.url}/CP-201`, { protocols: ["ocpp2.0.1"] }),
    connect(`${server.url}/CP-21`, { protocols: ["ocpp2.1"] }),
  ]);
  const options = { logger: silentLogger };
  const charger16 = new v16.ChargePoint("CP-16", c16, options);
  const charger201 = new v201.ChargePoint("CP-201", c201, options);
  const charger21 = new v21.ChargePoint("CP-21", c21, options);
  const chargers = [charger16, charger201, charger21];
  const running = chargers.map((charger) => charger.start());
  t.after(async () => {
    for (const charger of chargers) charger.close();
    await Promise.allSettled(running);
  });
  const [boot16, boot201, boot21] = await Promise.all([
    charger16.call(new v16.call.BootNotification({ chargePointVendor: "Acme", chargePointModel: "X1" }), { suppress: false }),
    charger201.call(new v201.call.BootNotification({ reason: "PowerUp", chargingStation: { vendorName: "Acme", model: "X2" } }), {
      suppress: false,
    }),
    charger21.call(new v21.call.BootNotification({ reason: "PowerUp", chargingStation: { vendorName: "Acme", model: "X3" } }), {
      suppress: false,
    }),
  ]);
  assert.deepEqual([boot16.interval, boot201.interval, boot21.interval], [60, 201, 21], "each was answered by its own version's handler");
  assert.deepEqual([c16.protocol, c201.protocol, c21.protocol], ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"]);
  assert.deepEqual(contexts.map(({ id, protocol, ocppVersion }) => [id, protocol, ocppVersion]).sort(), [
    ["CP-16", "ocpp1.6", "1.6"],
    ["CP-201", "ocpp2.0.1", "2.0.1"],
    ["CP-21", "ocpp2.1", "2.1"],
  ]);
  assert.equal(server.size, 3);
  assert.ok(server.get("CP-16") instanceof Csms16);
  assert.ok(server.get("CP-201") instanceof Csms201);
  assert.ok(server.get("CP-21") instanceof Csms21);
  assert.deepEqual([...server].map((cp) => [cp.id, cp.ocppVersion]).sort(), [
    ["CP-16", "1.6"],
    ["CP-201", "2.0.1"],
    ["CP-21", "2.1"],
  ]);
});

test("a charger offering several versions gets the server's first choice; order and set are configurable", async (t) => {
  const all = ["ocpp1.6", "ocpp2.0.1", "ocpp2.1"];
  const newestFirst = await startServer(t);
  const a = await connect(`${newestFirst.server.url}/CP-A`, { protocols: all });
  t.after(() => a.close());
  assert.equal(a.protocol, "ocpp2.1");

  const oldestFirst = await startServer(t, ["ocpp1.6", "ocpp2.0.1"]);
  const b = await connect(`${oldestFirst.server.url}/CP-B`, { protocols: all });
  t.after(() => b.close());
  assert.equal(b.protocol, "ocpp1.6");
  assert.deepEqual(
    oldestFirst.contexts.map((c) => c.ocppVersion),
    ["1.6"],
  );

  const rejected = new Promise((resolve) => oldestFirst.server.once("reject", resolve));
  const c = await connect(`${oldestFirst.server.url}/CP-C`, { protocols: ["ocpp2.1"] }).then(
    (connection) => connection,
    (error: unknown) => error,
  );
  assert.equal(((await rejected) as { reason: string }).reason, "noSubprotocol", "2.1 is not in this server's set");
  if (c && typeof c === "object" && "close" in c && typeof c.close === "function") c.close();
});
