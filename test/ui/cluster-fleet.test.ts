import assert from "node:assert/strict";
import { once } from "node:events";
import { type TestContext, test } from "node:test";
import { type CallPayload, connect, silentLogger } from "ocppkit";
import { type AnyChargePoint, CentralSystem } from "ocppkit/server";
import {
  ClusterFleet,
  type ClusterFrame,
  type ClusterPresence,
  type ClusterSource,
  type ControlAnswer,
  LocalFleet,
  startUi,
} from "ocppkit/ui";
import { ChargePoint } from "ocppkit/v16";
import { ChargePoint as ChargePoint201 } from "ocppkit/v201";
import { EventStream } from "./event-stream.js";

/**
 * Two real central systems ("node-a" 1.6, "node-b" 2.0.1), each with real chargers, seen through one
 * ClusterSource as a cluster would offer them: presence, routed calls, relayed frames, a node going down.
 */
async function twoNodes(t: TestContext) {
  const listeners = {
    connect: new Set<(p: ClusterPresence) => void>(),
    disconnect: new Set<(p: ClusterPresence) => void>(),
    frame: new Set<(f: ClusterFrame) => void>(),
    nodeDown: new Set<(n: string) => void>(),
  };
  const nodes = new Map<string, CentralSystem>();
  const since = new Map<AnyChargePoint, Date>();
  const presence = (node: string, chargePoint: AnyChargePoint): ClusterPresence => ({
    id: chargePoint.id,
    node,
    ocppVersion: chargePoint.ocppVersion,
    connectedSince: since.get(chargePoint) ?? new Date(),
  });
  for (const [node, protocol, Peer] of [
    ["node-a", "ocpp1.6", ChargePoint],
    ["node-b", "ocpp2.0.1", ChargePoint201],
  ] as const) {
    const tap = new LocalFleet().tap();
    const server = new CentralSystem({
      protocols: [protocol],
      createChargePoint: ({ id, connection }) =>
        new Peer(id, connection, {
          logger: {
            frame: (id, direction, text) => {
              tap.frame?.(id, direction, text);
              for (const l of listeners.frame) l({ node, id, direction, text, at: new Date().toISOString() });
            },
          },
        }),
      logger: silentLogger,
    });
    server.on("connect", (chargePoint) => {
      since.set(chargePoint, new Date());
      for (const l of listeners.connect) l(presence(node, chargePoint));
    });
    server.on("disconnect", (chargePoint) => {
      for (const l of listeners.disconnect) l(presence(node, chargePoint));
    });
    await server.listen(0, "127.0.0.1");
    t.after(() => server.close({ timeoutMs: 500 }));
    nodes.set(node, server);
  }
  const subscribe =
    <T>(set: Set<(value: T) => void>) =>
    (listener: (value: T) => void) => {
      set.add(listener);
      return () => set.delete(listener);
    };
  const source: ClusterSource = {
    list: async () => [...nodes].flatMap(([node, server]) => [...server.chargePoints.values()].map((cp) => presence(node, cp))),
    call: async (id: string, payload: CallPayload, options) => {
      const holder = [...nodes.values()].find((server) => server.chargePoints.has(id));
      if (!holder) throw Object.assign(new Error(`${id} is not connected`), { name: "NotConnectedError" });
      return holder.chargePoints.get(id)?.call(payload, options);
    },
    onConnect: subscribe(listeners.connect),
    onDisconnect: subscribe(listeners.disconnect),
    onFrame: subscribe(listeners.frame),
    onNodeDown: subscribe(listeners.nodeDown),
  };
  const nodeDown = (node: string) => {
    for (const l of listeners.nodeDown) l(node);
  };
  return { nodes, source, nodeDown, frameListeners: listeners.frame };
}

test("a cluster fleet shows every node's chargers with their node, and a command reaches a charger on either node", async (t) => {
  const { nodes, source, nodeDown } = await twoNodes(t);
  const ui = await startUi({ fleet: new ClusterFleet(source), versions: ["1.6", "2.0.1"], host: "127.0.0.1", port: 0 });
  t.after(() => ui.close());
  const page = await EventStream.open(ui.url);
  t.after(() => page.close());
  const a = nodes.get("node-a") as CentralSystem;
  const b = nodes.get("node-b") as CentralSystem;
  const connectedA = once(a, "connect");
  const chargerA = new ChargePoint("CP-A", await connect(`${a.url}/CP-A`), { logger: silentLogger });
  chargerA.route("Reset", () => ({ status: "Accepted" }));
  chargerA.start().catch(() => {});
  t.after(() => chargerA.close());
  await connectedA;
  const connectedB = once(b, "connect");
  const chargerB = new ChargePoint201("CP-B", await connect(`${b.url}/CP-B`, { protocols: ["ocpp2.0.1"] }), { logger: silentLogger });
  chargerB.route("Reset", () => ({ status: "Scheduled" }));
  chargerB.start().catch(() => {});
  t.after(() => chargerB.close());
  await connectedB;

  const chargers = ui.view.snapshot().chargers.map(({ id, node, version }) => ({ id, node, version }));
  assert.deepEqual(chargers, [
    { id: "CP-A", node: "node-a", version: "1.6" },
    { id: "CP-B", node: "node-b", version: "2.0.1" },
  ]);
  for (const [path, body, expected] of [
    ["1.6/CP-A/Reset", { type: "Soft" }, "Accepted"],
    ["2.0.1/CP-B/Reset", { type: "OnIdle" }, "Scheduled"],
  ] as const) {
    const response = await fetch(`${ui.controlUrl}/${path}`, { method: "POST", body: JSON.stringify(body) });
    const answer = (await response.json()) as ControlAnswer;
    assert.deepEqual(answer.outcome === "result" && answer.payload, { status: expected }, path);
  }
  const resetOnB = ui.view
    .snapshot()
    .log.find((record) => record.chargerId === "CP-B" && record.action === "Reset" && record.type === "CALLRESULT");
  assert.equal(resetOnB?.node, "node-b");

  nodeDown("node-b");
  const gone = ui.view.snapshot().chargers.find((charger) => charger.id === "CP-B");
  assert.ok(gone?.goneAt, "a charger of a dead node is gone");
  assert.equal(gone?.closeCode, undefined);
  const unknown = await fetch(`${ui.controlUrl}/1.6/CP-Z/Reset`, { method: "POST", body: JSON.stringify({ type: "Soft" }) });
  assert.equal(unknown.status, 404);
});

test("a cluster fleet follows the relayed frames only while a page is open", async (t) => {
  const { source, frameListeners } = await twoNodes(t);
  const ui = await startUi({ fleet: new ClusterFleet(source), versions: ["1.6", "2.0.1"], host: "127.0.0.1", port: 0 });
  t.after(() => ui.close());
  assert.equal(frameListeners.size, 0, "no page, no frames asked for");
  const first = await EventStream.open(ui.url);
  const second = await EventStream.open(ui.url);
  assert.equal(frameListeners.size, 1, "one subscription however many pages");
  first.close();
  second.close();
  for (let attempt = 0; attempt < 200 && frameListeners.size > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(frameListeners.size, 0, "the last page closed");
});
