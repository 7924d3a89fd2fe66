import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultLogger } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v16";
import { WebSocket } from "ws";
import { startServer } from "../support/peers.js";

/** defaultLogger() as OCPPKIT_LOG chooses it, with the variable restored afterwards. */
function loggerWith(level: string | undefined): ReturnType<typeof defaultLogger> {
  const saved = process.env.OCPPKIT_LOG;
  if (level === undefined) delete process.env.OCPPKIT_LOG;
  else process.env.OCPPKIT_LOG = level;
  try {
    return defaultLogger();
  } finally {
    if (saved === undefined) delete process.env.OCPPKIT_LOG;
    else process.env.OCPPKIT_LOG = saved;
  }
}

test("the default logger is quiet about frames and reports problems", () => {
  const logger = loggerWith(undefined);
  assert.equal(logger.frame, undefined);
  assert.equal(typeof logger.warn, "function");
  assert.equal(typeof logger.error, "function");
});

test("OCPPKIT_LOG=silent logs nothing at all", () => {
  assert.deepEqual(loggerWith("silent"), {});
});

test("OCPPKIT_LOG=frames writes a readable line per frame in each direction", async (t) => {
  const lines: string[] = [];
  t.mock.method(console, "error", (line: string) => lines.push(line));
  const server = await startServer(t);
  const socket = new WebSocket(`${server.url}/CP-LOG`, ["ocpp1.6"]);
  await new Promise((resolve) => socket.once("open", resolve));
  const chargePoint = new ChargePoint("CP-LOG", (await server.accepted()).connection, { logger: loggerWith("frames") });
  const running = chargePoint.start();
  socket.on("message", (data) => {
    const [, id] = JSON.parse(String(data)) as [number, string];
    socket.send(JSON.stringify([3, id, { currentTime: "2026-11-24T10:00:00Z" }]));
  });
  await chargePoint.call(new call.Heartbeat({}), { uniqueId: "logged" });
  chargePoint.close();
  await running;
  assert.deepEqual(lines, ['-> CP-LOG [2,"logged","Heartbeat",{}]', '<- CP-LOG [3,"logged",{"currentTime":"2026-11-24T10:00:00Z"}]']);
});
