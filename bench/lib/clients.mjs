/**
 * The client side of each stack, run in the benchmark's own process. Every client offers the `ocpp1.6`
 * subprotocol, connects to `<url>/<id>` and exposes `heartbeat()`, `meterValues(payload)` and `close()`.
 */
import { WebSocket } from "ws";

/** Bare `ws`: builds and parses frames by hand, one call outstanding at a time like every OCPP client. */
export async function bareClient(url, id, options = {}) {
  const socket = new WebSocket(`${url}/${id}`, ["ocpp1.6"], options);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let next = 0;
  let pendingId = "";
  let pending;
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    if (!pending || frame[1] !== pendingId) return;
    const settle = pending;
    pending = undefined;
    if (frame[0] === 3) settle.resolve(frame[2]);
    else settle.reject(new Error(`CALLERROR ${frame[2]}: ${frame[3]}`));
  });
  const call = (action, payload) =>
    new Promise((resolve, reject) => {
      pendingId = String(++next);
      pending = { resolve, reject };
      socket.send(JSON.stringify([2, pendingId, action, payload]));
    });
  return {
    socket,
    heartbeat: () => call("Heartbeat", {}),
    meterValues: (payload) => call("MeterValues", payload),
    close: () => closeSocket(socket),
  };
}

/** ocpp-rpc's RPCClient in strict mode. */
export async function ocppRpcClient(url, id) {
  const { RPCClient } = await import("ocpp-rpc");
  const client = new RPCClient({ endpoint: url, identity: id, protocols: ["ocpp1.6"], strictMode: true, reconnect: false });
  await client.connect();
  return {
    heartbeat: () => client.call("Heartbeat", {}),
    meterValues: (payload) => client.call("MeterValues", payload),
    close: () => client.close({ force: true }),
  };
}

/** ocppkit's v16 ChargePoint over `connect()`, validating both ways unless `validate` is false. */
export async function ocppkitClient(url, id, validate) {
  const { connect } = await import("ocppkit");
  const { ChargePoint, call } = await import("ocppkit/v16");
  const chargePoint = new ChargePoint(id, await connect(`${url}/${id}`));
  chargePoint.start().catch(() => {});
  const options = { skipSchemaValidation: !validate, suppress: false };
  return {
    heartbeat: () => chargePoint.call(new call.Heartbeat(), options),
    meterValues: (payload) => chargePoint.call(new call.MeterValues(payload), options),
    close: () => closeSocket(chargePoint.connection.socket),
  };
}

const clientsByStack = {
  ws: bareClient,
  "ocpp-rpc": ocppRpcClient,
  ocppkit: (url, id) => ocppkitClient(url, id, true),
  "ocppkit-novalidation": (url, id) => ocppkitClient(url, id, false),
};

/** Opens a client of `stack`. */
export function openClient(stack, url, id) {
  const open = clientsByStack[stack];
  if (!open) throw new Error(`Unknown stack ${stack}`);
  return open(url, id);
}

/** Opens `count` clients, at most `parallel` handshakes at a time so the listen backlog never overflows. */
export async function openMany(count, parallel, open) {
  const clients = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      clients[index] = await open(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return clients;
}

function closeSocket(socket) {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once("close", resolve);
    socket.terminate();
  });
}
