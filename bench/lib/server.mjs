/**
 * The server side of a benchmark, run as a child process: `node --expose-gc lib/server.mjs <stack>`.
 * It answers Heartbeat, BootNotification and MeterValues with the stack named, tells the parent its port
 * over IPC, and on request reports its own CPU time and (after GC) its memory, so the parent can put
 * figures for both processes side by side.
 */
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { WebSocketServer } from "ws";
import { bootNotificationResponse, heartbeatResponse } from "./payloads.mjs";

const stack = process.argv[2];
const host = "127.0.0.1";

/** Bare `ws`: parses and answers OCPP-J frames by hand, the least any OCPP server has to do. */
async function bareWs() {
  const wss = new WebSocketServer({ host, port: 0 });
  wss.on("connection", (socket) => {
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString());
      if (!Array.isArray(frame) || frame[0] !== 2) return;
      const id = frame[1];
      let result;
      switch (frame[2]) {
        case "Heartbeat":
          result = heartbeatResponse();
          break;
        case "BootNotification":
          result = bootNotificationResponse();
          break;
        case "MeterValues":
          result = {};
          break;
        default:
          socket.send(JSON.stringify([4, id, "NotImplemented", "", {}]));
          return;
      }
      socket.send(JSON.stringify([3, id, result]));
    });
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  return { port: wss.address().port, connections: () => wss.clients.size };
}

/** ocpp-rpc's RPCServer in strict mode (requests and responses validated). */
async function ocppRpc() {
  const { RPCServer } = await import("ocpp-rpc");
  const server = new RPCServer({ protocols: ["ocpp1.6"], strictMode: true });
  let count = 0;
  server.on("client", (client) => {
    count++;
    client.once("close", () => count--);
    client.handle("Heartbeat", () => heartbeatResponse());
    client.handle("BootNotification", () => bootNotificationResponse());
    client.handle("MeterValues", () => ({}));
  });
  const http = await server.listen(0, host);
  return { port: http.address().port, connections: () => count };
}

/**
 * ocppkit's CentralSystem, building one v16 ChargePoint per connected charger with the routes
 * `ocppkit serve` installs (an answer for every action a charger sends); `flood` is its fair-share policy.
 */
async function ocppkit(validate, flood, cluster) {
  const { ChargePoint } = await import("ocppkit/v16");
  const { CentralSystem } = await import("ocppkit/server");
  // The CLI is not a public entry point; the bench reads the answers `serve` gives from the build.
  const { defaultResponses } = await import("../../dist/csms/index.js");
  let transactionId = 0;
  const answers = Object.entries(defaultResponses("1.6", () => ++transactionId, 60));
  const options = { skipSchemaValidation: !validate };
  const server = new CentralSystem({
    protocols: ["ocpp1.6"],
    flood,
    cluster,
    createChargePoint: ({ id, connection }) => {
      const chargePoint = new ChargePoint(id, connection);
      for (const [action, answer] of answers) chargePoint.route(action, answer, options);
      return chargePoint;
    },
  });
  const { port } = await server.listen(0, host);
  if (cluster) await cluster.ready(20_000);
  return { port, connections: () => server.size };
}

/** The same, as one node of a cluster on a redis-server of its own (what the cluster keeps per connection). */
async function ocppkitCluster() {
  const { startRedis } = await import("./redis-server.mjs");
  const { Cluster } = await import("ocppkit/cluster");
  const { silentLogger } = await import("ocppkit");
  const redis = await startRedis();
  return ocppkit(true, undefined, new Cluster({ redis: redis.url, nodeId: "bench", logger: silentLogger }));
}

const starters = {
  ws: bareWs,
  "ocpp-rpc": ocppRpc,
  ocppkit: () => ocppkit(true),
  "ocppkit-novalidation": () => ocppkit(false),
  "ocppkit-cluster": ocppkitCluster,
  // For bench/flood.mjs: the policy throttling a flooder without ever closing it, and no policy at all.
  "ocppkit-throttle": () => ocppkit(true, { closeAfterThrottles: Number.POSITIVE_INFINITY }),
  "ocppkit-nopolicy": () => ocppkit(true, { maxPipelinedCalls: Number.POSITIVE_INFINITY }),
};

const start = starters[stack];
if (!start) throw new Error(`Unknown stack ${stack}`);
const server = await start();

const collect = () => {
  // Several passes: one full GC can leave garbage that only a second one frees (weak maps, finalizers).
  for (let i = 0; i < 4; i++) globalThis.gc?.();
};

/**
 * What the RSS is made of, for bench/idle-breakdown.mjs: V8's heap spaces (committed and used, code
 * space included) and the kernel's split of the resident set into anonymous pages (heap, malloc, stacks)
 * and file pages (the node binary and libraries as far as code run so far has touched them).
 */
function memoryDetail() {
  const spaces = {};
  for (const space of getHeapSpaceStatistics()) {
    spaces[space.space_name] = { size: space.space_size, physical: space.physical_space_size, used: space.space_used_size };
  }
  const kernel = {};
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8"); // Linux only; elsewhere the split is left out
  } catch {}
  for (const line of status.split("\n")) {
    const match = /^(RssAnon|RssFile|RssShmem|VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
    if (match) kernel[match[1]] = Number(match[2]) * 1024;
  }
  return { spaces, kernel };
}

/**
 * Settled: V8 shrinks its young generation (grown while the connections were made; empty after GC, but
 * resident) at the first GC after about 5 s of little allocation, as in any server whose charge points
 * idle. A GC each second until it has (or `ms` have passed): a keepalive round (ocppkit pings every 30 s)
 * allocates enough to put it off by 5 s.
 */
function settle(ms, done) {
  const until = Date.now() + ms;
  const young = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.physical_space_size ?? 0;
  const check = () => {
    collect();
    if (young() <= 2 ** 20 || Date.now() >= until) done();
    else setTimeout(check, 1000);
  };
  setTimeout(check, 1000);
}

process.on("message", (message) => {
  switch (message.type) {
    case "cpu":
      process.send({ type: "cpu", cpu: process.cpuUsage() });
      return;
    case "memory": {
      const report = () => {
        collect();
        process.send({
          type: "memory",
          memory: process.memoryUsage(),
          connections: server.connections(),
          ...(message.detail ? memoryDetail() : {}),
        });
      };
      if (message.settleMs) settle(message.settleMs, report);
      else report();
      return;
    }
    case "snapshot": // a heap snapshot for finding what each connection keeps (see BENCHMARKS.md)
      collect();
      import("node:v8").then((v8) => process.send({ type: "snapshot", file: v8.writeHeapSnapshot() }));
      return;
    case "sampling-start":
      import("./allocation-sampling.mjs")
        .then((sampling) => sampling.startSampling(message.interval))
        .then(() => process.send({ type: "sampling-start" }));
      return;
    case "sampling-stop":
      import("./allocation-sampling.mjs")
        .then((sampling) => sampling.stopSampling())
        .then((summary) => process.send({ type: "sampling-stop", summary }));
      return;
    case "stop":
      process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready", port: server.port });
