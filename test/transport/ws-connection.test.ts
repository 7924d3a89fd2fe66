import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { type ConnectionReceiver, WsConnection } from "ocppkit";
import { WebSocket, WebSocketServer } from "ws";

/** A ws server on 127.0.0.1 and a ws client connected to it; both closed when the test ends. */
async function socketPair(t: import("node:test").TestContext): Promise<{ client: WebSocket; server: WebSocket }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  t.after(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  await once(wss, "listening");
  const accepted = once(wss, "connection") as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  t.after(() => client.terminate());
  await once(client, "open");
  const [server] = await accepted;
  return { client, server };
}

/** A receiver that writes down what it hears, in order. */
function recorder(): { heard: string[]; receiver: ConnectionReceiver } {
  const heard: string[] = [];
  return {
    heard,
    receiver: { message: (text) => heard.push(`message ${text}`), close: (code, reason) => heard.push(`close ${code} ${reason}`) },
  };
}

test("messages and the close that arrive before listen() are delivered to the receiver in order, the close once", async (t) => {
  const { client, server } = await socketPair(t);
  const connection = new WsConnection(client);
  server.send("a");
  server.send("b");
  server.close(4000, "done");
  await once(client, "close");
  const { heard, receiver } = recorder();
  connection.listen(receiver);
  assert.deepEqual(heard, ["message a", "message b", "close 4000 done"]);
  assert.throws(() => connection.listen(recorder().receiver), /already has a receiver/);
});

test("a socket that closed before it was adapted reports one close, at listen()", async (t) => {
  const { client, server } = await socketPair(t);
  server.close(4001, "early");
  await once(client, "close");
  const connection = new WsConnection(client);
  const { heard, receiver } = recorder();
  connection.listen(receiver);
  assert.deepEqual(heard, ["close 1006 closed before use"]);
});

test("a socket closing while being adapted reports its close once, not again when ws reports it", async (t) => {
  const { client } = await socketPair(t);
  client.close(4002, "closing");
  const connection = new WsConnection(client);
  const { heard, receiver } = recorder();
  connection.listen(receiver);
  await once(client, "close");
  assert.deepEqual(heard, ["close 1006 closed before use"]);
});

test("after listen() messages and the close go straight to the receiver", async (t) => {
  const { client, server } = await socketPair(t);
  const connection = new WsConnection(client);
  const { heard, receiver } = recorder();
  connection.listen(receiver);
  server.send("x");
  await once(client, "message");
  assert.deepEqual(heard, ["message x"]);
  server.close(4003, "later");
  await once(client, "close");
  assert.deepEqual(heard, ["message x", "close 4003 later"]);
});
