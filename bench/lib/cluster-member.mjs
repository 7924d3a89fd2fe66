/**
 * One process of the cluster benchmark, driven over IPC: `node cluster-member.mjs node <redis> <nodeId>`
 * is a CentralSystem in the cluster that makes calls on request; `... chargers <url> <count>` holds that
 * many 1.6 chargers answering ClearCache. Each reports its own CPU time on request.
 */
import { connect, silentLogger } from "ocppkit";
import { Cluster } from "ocppkit/cluster";
import { CentralSystem } from "ocppkit/server";
import { ChargePoint, call } from "ocppkit/v16";

const [role, target, arg] = process.argv.slice(2);
const handlers = { cpu: () => ({ cpu: process.cpuUsage() }) };

if (role === "node") {
  const cluster = new Cluster({ redis: target, nodeId: arg, logger: silentLogger });
  const centralSystem = new CentralSystem({
    cluster,
    logger: silentLogger,
    protocols: ["ocpp1.6"],
    pingIntervalMs: 0,
    createChargePoint: ({ id, connection }) => new ChargePoint(id, connection, { logger: silentLogger }),
  });
  await centralSystem.listen(0, "127.0.0.1");
  await cluster.ready(20_000);
  const payload = new call.ClearCache({});
  handlers.size = () => ({ size: centralSystem.size });
  handlers.listed = async () => ({ listed: (await cluster.list()).length });
  // Each id gets one call at a time (OCPP allows one outstanding CALL per charger): `ids.length` in flight.
  handlers.run = async ({ ids, count }) => {
    const perId = Math.ceil(count / ids.length);
    const latencies = new Float64Array(perId * ids.length);
    let n = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      ids.map(async (id) => {
        for (let i = 0; i < perId; i++) {
          const sent = performance.now();
          const result = await cluster.call(id, payload, { suppress: false });
          latencies[n++] = performance.now() - sent;
          if (result?.status !== "Accepted") throw new Error(`unexpected answer ${JSON.stringify(result)}`);
        }
      }),
    );
    const wallNs = Number(process.hrtime.bigint() - start);
    latencies.sort();
    return { calls: n, wallNs, p50: latencies[Math.floor(n * 0.5)], p99: latencies[Math.min(n - 1, Math.floor(n * 0.99))] };
  };
  handlers.stop = async () => {
    await centralSystem.close({ timeoutMs: 2_000 });
    return {};
  };
  process.send({ type: "ready", url: centralSystem.url });
} else {
  const sockets = [];
  for (let i = 0; i < Number(arg); i += 50) {
    const batch = Array.from({ length: Math.min(50, Number(arg) - i) }, async (_, j) => {
      const id = `CP-${i + j}`;
      const chargePoint = new ChargePoint(id, await connect(`${target}/${id}`, { protocols: ["ocpp1.6"] }), { logger: silentLogger });
      chargePoint.route("ClearCache", () => ({ status: "Accepted" }));
      chargePoint.start().catch(() => {});
      sockets.push(chargePoint);
    });
    await Promise.all(batch);
  }
  handlers.stop = async () => {
    for (const chargePoint of sockets) chargePoint.close();
    return {};
  };
  process.send({ type: "ready" });
}

process.on("message", async (message) => {
  const reply = await handlers[message.type](message);
  process.send({ type: message.type, ...reply });
  if (message.type === "stop") setTimeout(() => process.exit(0), 50);
});
