/**
 * A flooding charger, run as a child process by bench/flood.mjs: `node lib/flooder.mjs <url>`. It
 * pipelines Heartbeat CALLs without waiting for answers (OCPP-J section 4.1.1 forbids it), keeping up to
 * 64 KiB unsent in its own buffer, reads every answer, and when the server closes it (1008) connects
 * again at once and goes on. It reports what it got over IPC, and holds off or floods again when told.
 */
import { WebSocket } from "ws";

const url = `${process.argv[2]}/FLOODER`;
const frame = (n) => `[2,"f${n}","Heartbeat",{}]`;
let sent = 0;
let answered = 0;
// Sent on the current socket and not answered yet.
let pending = 0;
let closedByServer = 0;
let stopping = false;
let flooding = true;
let socket;

function open() {
  socket = new WebSocket(url, ["ocpp1.6"]);
  pending = 0;
  socket.on("error", () => {});
  socket.on("message", () => {
    answered++;
    pending--;
  });
  socket.once("open", () => pump(socket));
  socket.once("close", (code) => {
    if (code === 1008) closedByServer++;
    if (!stopping) setTimeout(open, 1);
  });
}

function pump(current) {
  if (stopping || !flooding || current !== socket || current.readyState !== WebSocket.OPEN) return;
  for (let i = 0; i < 200 && current.bufferedAmount < 64 * 1024; i++) {
    current.send(frame(sent++));
    pending++;
  }
  // Full buffer: the server is not reading; look again shortly rather than spin a core.
  if (current.bufferedAmount < 64 * 1024) setImmediate(pump, current);
  else setTimeout(pump, 1, current);
}

process.on("message", (message) => {
  if (message.type === "counts") process.send({ type: "counts", sent, answered, pending, closedByServer });
  if (message.type === "hold") flooding = false;
  if (message.type === "flood" && !flooding) {
    flooding = true;
    if (socket.readyState === WebSocket.OPEN) pump(socket);
  }
  if (message.type === "stop") {
    stopping = true;
    socket?.terminate();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
open();
process.send({ type: "ready" });
