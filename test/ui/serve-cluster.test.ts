/**
 * `ocppkit serve --redis --ui`: two real serve processes on one real redis-server, the page on one of
 * them, simulated chargers (`ocppkit charge-point`) on each. The page's live stream shows the whole
 * cluster, and its control endpoint reaches a charger on the other node.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChargerView, ControlAnswer, LogRecord, StreamMessage } from "ocppkit/ui";
import { CliProcess } from "../cli/cli-process.js";
import { RedisServer } from "../support/redis-server.js";
import { EventStream } from "./event-stream.js";

type Listening = { event: string; url: string };

const chargerMessage = (test: (charger: ChargerView) => boolean) => (message: StreamMessage) =>
  message.kind === "charger" && test(message.data);
const logMessage = (test: (record: LogRecord) => boolean) => (message: StreamMessage) => message.kind === "log" && test(message.data);

test("the page of one node shows every node's chargers, frames and departures, and commands reach the other node", async (t) => {
  const redis = await RedisServer.start();
  t.after(() => redis.stop());
  const serve = (nodeId: string, extra: readonly string[]) => {
    const node = new CliProcess(["serve", "--redis", redis.url, "--node-id", nodeId, "--port", "0", "--json", "--quiet", ...extra]);
    t.after(() => node.stop());
    return node;
  };
  const nodeA = serve("node-a", ["--ui", "--ui-port", "0"]);
  // node-b asks its chargers for a heartbeat every second: frames that flow without anyone asking.
  const nodeB = serve("node-b", ["--heartbeat", "1"]);
  const urlA = (await nodeA.waitForJson<Listening>((line) => line.event === "listening", 20_000)).url;
  const page = (await nodeA.waitForJson<Listening & { control: string }>((line) => line.event === "ui", 20_000)).url;
  const urlB = (await nodeB.waitForJson<Listening>((line) => line.event === "listening", 20_000)).url;

  const stream = await EventStream.open(page);
  t.after(() => stream.close());
  const charger = (url: string, id: string, version: string) => {
    const process = new CliProcess(["charge-point", url, "--id", id, "--version", version, "--meter-interval", "0", "--no-reconnect"]);
    t.after(() => process.stop());
    return process;
  };
  charger(urlA, "CP-A", "1.6");
  const chargerB = charger(urlB, "CP-B", "2.0.1");

  await stream.waitFor(
    "CP-A on node-a",
    chargerMessage((c) => c.id === "CP-A" && c.node === "node-a" && c.version === "1.6"),
  );
  await stream.waitFor(
    "CP-B on node-b",
    chargerMessage((c) => c.id === "CP-B" && c.node === "node-b" && c.version === "2.0.1"),
  );
  await stream.waitFor(
    "a frame of CP-B relayed from node-b",
    logMessage((r) => r.chargerId === "CP-B" && r.node === "node-b" && r.from === "chargePoint"),
  );

  const response = await fetch(`${page}control/2.0.1/CP-B/TriggerMessage`, {
    method: "POST",
    body: JSON.stringify({ requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } }),
  });
  const answer = (await response.json()) as ControlAnswer;
  assert.equal(response.status, 200, JSON.stringify(answer));
  assert.deepEqual(answer.outcome === "result" && answer.payload, { status: "Accepted" });
  const sent = await stream.waitFor(
    "the TriggerMessage CALL on node-b",
    logMessage((r) => r.chargerId === "CP-B" && r.node === "node-b" && r.type === "CALL" && r.action === "TriggerMessage"),
  );
  assert.equal(sent.kind === "log" && sent.data.from, "centralSystem");
  const answered = await stream.waitFor(
    "its CALLRESULT",
    logMessage((r) => r.chargerId === "CP-B" && r.type === "CALLRESULT" && r.action === "TriggerMessage"),
  );
  assert.equal(answered.kind === "log" && sent.kind === "log" && answered.data.callSeq, sent.kind === "log" && sent.data.seq);
  await stream.waitFor(
    "the StatusNotification it triggered",
    logMessage(
      (r) =>
        r.chargerId === "CP-B" &&
        r.type === "CALL" &&
        r.action === "StatusNotification" &&
        r.seq > (sent.kind === "log" ? sent.data.seq : 0),
    ),
  );

  await chargerB.stop();
  await stream.waitFor(
    "CP-B gone",
    chargerMessage((c) => c.id === "CP-B" && c.goneAt !== undefined),
  );
  const later = await EventStream.open(page);
  later.close();
  const snapshot = later.messages[0];
  assert.equal(snapshot.kind, "snapshot");
  const shown =
    snapshot.kind === "snapshot" ? snapshot.data.chargers.map(({ id, node, goneAt }) => ({ id, node, gone: goneAt !== undefined })) : [];
  assert.deepEqual(
    shown.sort((a, b) => a.id.localeCompare(b.id)),
    [
      { id: "CP-A", node: "node-a", gone: false },
      { id: "CP-B", node: "node-b", gone: true },
    ],
  );
});
