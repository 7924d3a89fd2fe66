import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { WebSocket } from "ws";
import { CliProcess } from "./cli-process.js";

interface Line {
  event?: string;
  url?: string;
  chargePoint?: string;
  reason?: string;
  throttles?: number;
}

test("serve closes a charger that keeps pipelining with 1008 and prints a flood event (--max-pipelined, --flood-close-after)", async (t) => {
  const serve = new CliProcess(["serve", "--port", "0", "--json", "--quiet", "--max-pipelined", "2", "--flood-close-after", "2"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<Line>((line) => line.event === "listening");
  const socket = new WebSocket(`${listening.url}/FLOODER`, ["ocpp1.6"]);
  socket.on("error", () => {});
  t.after(() => socket.terminate());
  await once(socket, "open");
  const closed = once(socket, "close");
  for (let sent = 0, batch = 0; batch < 2000 && socket.readyState === WebSocket.OPEN; batch++) {
    for (let i = 0; i < 50; i++) socket.send(`[2,"h${sent++}","Heartbeat",{}]`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const [code] = await closed;
  assert.equal(code, 1008);
  const flood = await serve.waitForJson<Line>((line) => line.event === "flood");
  assert.deepEqual(flood, { event: "flood", chargePoint: "FLOODER", reason: "pipelining", throttles: 2 });
});

test("serve refuses a malformed --rate-limit with exit code 2 and one line", async () => {
  const { code, stderr } = await new CliProcess(["serve", "--port", "0", "--rate-limit", "fast"]).exited;
  assert.equal(code, 2);
  assert.match(stderr, /--rate-limit must be <messages per second>\[,<burst>\]/);
});
