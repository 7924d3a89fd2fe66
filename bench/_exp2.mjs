import { fork } from "node:child_process";
import { once } from "node:events";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { CentralSystem } from "ocppkit/server";
import { Action, ChargePoint } from "ocppkit/v16";
const cs = new CentralSystem({ protocols: ["ocpp1.6"], logger: {}, flood: { closeAfterThrottles: Infinity },
  createChargePoint: ({ id, connection }) => new ChargePoint(id, connection, { logger: {} }).route(Action.Heartbeat, () => ({ currentTime: "2026-01-01T00:00:00.000Z" })) });
await cs.listen(0, "127.0.0.1");
let longest = []; let rec = false;
cs.on("connect", (cp, ctx) => { if (cp.id !== "FLOODER") return; const s = ctx.request.socket; s.prependListener("data", () => { s.__t = performance.now(); }); s.on("data", (chunk) => { if (rec) longest.push([performance.now() - s.__t, chunk.length]); }); });
const h = monitorEventLoopDelay({ resolution: 1 });
const child = fork(new URL("./lib/flooder.mjs", import.meta.url), [cs.url]);
await once(child, "message");
setTimeout(() => { rec = true; h.enable(); }, 2000);
const gcs = []; const { PerformanceObserver } = await import("node:perf_hooks");
new PerformanceObserver((l) => { if (rec) for (const e of l.getEntries()) gcs.push(e.duration); }).observe({ entryTypes: ["gc"] });
setTimeout(() => { h.disable(); longest.sort((a,b)=>b[0]-a[0]); gcs.sort((a,b)=>b-a); console.log("loop delay ms p50", h.percentile(50)/1e6, "p99", h.percentile(99)/1e6, "max", h.max/1e6); console.log("data events", longest.length, "longest ms/bytes", longest.slice(0,6).map(([t,b])=>t.toFixed(1)+"/"+b).join(" ")); console.log("gc count", gcs.length, "longest", gcs.slice(0,5).map(x=>x.toFixed(1)).join(" ")); child.kill(); process.exit(0); }, 7000);
