/**
 * A central system restart under a fleet: `node bench/restart.mjs [--chargers=300] [--down-ms=1000]
 * [--restarts=1] [--duration=30] [--quick]` (after npm run build). Starts `ocppkit serve`, runs `ocppkit
 * load --reconnect` with that many chargers, kills the server (SIGKILL, as a crash) once every charger
 * is connected, starts a new one on the same port `--down-ms` later (`--restarts` times, each once
 * every charger is back), and prints the load run's
 * reconnection report: links lost, back, still down, and how the reconnections spread over the
 * seconds after the loss (OCPP 2.0.1 part 4 section 5.3 back-off, ReconnectingConnection's defaults).
 * Not part of `npm run bench` (it measures behaviour under a fault, not a cost per message).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { printResult, readOptions } from "./lib/options.mjs";

const options = readOptions({ chargers: 300, downMs: 1_000, restarts: 1, duration: 30 }, { chargers: 20, duration: 8 });
const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

/** Runs `ocppkit args`, calling `onJson` for each JSON line of its stdout. */
function ocppkit(args, onJson = () => {}) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("{")) onJson(JSON.parse(line));
  });
  return child;
}

function serve(port) {
  return new Promise((resolve, reject) => {
    const child = ocppkit(["serve", "--port", String(port), "--json", "--quiet"], (line) => {
      if (line.event === "listening") resolve({ child, url: line.url });
    });
    child.once("exit", (code, signal) => reject(new Error(`serve exited with ${code ?? signal}`)));
  });
}

let server = await serve(0);
const port = new URL(server.url).port;
let report;
let connected = 0;
let onProgress = () => {};
const load = ocppkit(
  [
    "load",
    server.url,
    "--count",
    String(options.chargers),
    "--rate",
    "500",
    "--duration",
    String(options.duration),
    "--reconnect",
    "--json",
  ],
  (line) => {
    if (line.event === "progress") {
      connected = line.connected;
      onProgress();
    }
    if (line.event === "report") report = line;
  },
);
const loadExited = once(load, "exit");
// Resolves false when the load run ended first (--duration too short for the restarts).
const everyoneConnected = () =>
  Promise.race([
    new Promise((resolve) => {
      onProgress = () => {
        if (connected === options.chargers) resolve(true);
      };
    }),
    loadExited.then(() => false),
  ]);
let restarts = 0;
for (; restarts < options.restarts; restarts++) {
  if (!(await everyoneConnected())) break;
  server.child.kill("SIGKILL");
  await once(server.child, "exit");
  await new Promise((resolve) => setTimeout(resolve, options.downMs));
  server = await serve(port);
}
await loadExited;
server.child.kill("SIGTERM");
printResult({
  bench: "restart",
  chargers: options.chargers,
  downMs: options.downMs,
  restarts,
  connected: report?.connected,
  calls: report?.calls,
  errors: report?.errors,
  reconnect: report?.reconnect,
});
