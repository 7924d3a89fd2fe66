import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Connection, connect, silentLogger } from "../../src/index.js";
import { CentralSystem } from "../../src/server/index.js";
import { SimulatedCharger } from "../../src/station/simulated-charger.js";
import { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import * as v16 from "../../src/v16/index.js";
import * as v201 from "../../src/v201/index.js";

type Session = { call(payload: object, options: { suppress: false }): Promise<unknown> };

/**
 * A station with a state directory on a real socket; every CALLRESULT it writes on the wire is noted
 * with what station.json held at that moment (a kill right after the answer leaves exactly that).
 */
async function stationOnWire(t: { after(fn: () => unknown): void }, version: "1.6" | "2.0.1") {
  const dir = mkdtempSync(join(tmpdir(), "ocppkit-durable-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let session: Session | undefined;
  const kit = version === "1.6" ? v16 : v201;
  const central = new CentralSystem({
    protocols: [`ocpp${version}`],
    logger: silentLogger,
    createChargePoint: ({ id, connection }) => {
      const cp = new (kit.ChargePoint as unknown as typeof v201.ChargePoint)(id, connection, { logger: silentLogger });
      session = cp as unknown as Session;
      return cp;
    },
  });
  const { port } = await central.listen(0, "127.0.0.1");
  t.after(() => central.close({ timeoutMs: 100 }));
  const socket = await connect(`ws://127.0.0.1:${port}/CS1`, { protocols: [`ocpp${version}`] });
  const onDisk: string[] = [];
  const wire: Connection = {
    get protocol() {
      return socket.protocol;
    },
    get isOpen() {
      return socket.isOpen;
    },
    maxConsecutiveBadFrames: socket.maxConsecutiveBadFrames,
    send: (text: string) => {
      if ((JSON.parse(text) as unknown[])[0] === 3) {
        let file = "";
        try {
          file = readFileSync(join(dir, "station.json"), "utf8");
        } catch {}
        onDisk.push(file);
      }
      socket.send(text);
    },
    close: (code?: number, reason?: string) => socket.close(code, reason),
    listen: (receiver) => socket.listen(receiver),
  };
  const settings = { id: "CS1", connectors: 1, meterIntervalS: 0, logger: silentLogger, stateDir: dir };
  const charger = version === "1.6" ? new SimulatedCharger(settings) : new SimulatedCharger2(settings, version);
  const peer = charger.attach(wire);
  const running = peer.start().catch(() => {});
  t.after(async () => {
    socket.close();
    charger.detach();
    await running;
  });
  for (let i = 0; i < 100 && !session; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(session, "the central system has no session");
  return { session, onDisk };
}

test("2.x: a SetVariables change is in station.json when its Accepted answer goes on the wire, not a moment later", async (t) => {
  const { session, onDisk } = await stationOnWire(t, "2.0.1");
  const answer = (await session.call(
    new v201.call.SetVariables({
      setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "4321" }],
    }),
    { suppress: false },
  )) as { setVariableResult: { attributeStatus: string }[] };
  assert.equal(answer.setVariableResult[0]?.attributeStatus, "Accepted");
  assert.equal(onDisk.length, 1);
  assert.match(onDisk[0] ?? "", /"4321"/);
});

test("1.6: a ChangeConfiguration and a SendLocalList are in station.json when their answers go on the wire", async (t) => {
  const { session, onDisk } = await stationOnWire(t, "1.6");
  const changed = (await session.call(new v16.call.ChangeConfiguration({ key: "HeartbeatInterval", value: "4321" }), {
    suppress: false,
  })) as { status: string };
  assert.equal(changed.status, "Accepted");
  assert.match(onDisk[0] ?? "", /"4321"/);
  const listed = (await session.call(
    new v16.call.SendLocalList({
      listVersion: 3,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "DURABLE-TAG", idTagInfo: { status: "Accepted" } }],
    }),
    { suppress: false },
  )) as { status: string };
  assert.equal(listed.status, "Accepted");
  assert.match(onDisk[1] ?? "", /DURABLE-TAG/);
});
