/**
 * Allocation sampling through the inspector (the sampling heap profiler behind `--heap-prof`), but
 * counting objects the GC has already freed too: a per-call allocation is garbage a moment later, and
 * `--heap-prof` alone reports only what is still alive when it stops. Used on both sides of
 * `bench/allocations.mjs`: the benchmark process (clients) and the server child.
 */
import { Session } from "node:inspector";

let session;

const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

/** Starts sampling: one sample per `interval` bytes allocated, on average. */
export async function startSampling(interval) {
  session ??= new Session();
  session.connect?.();
  await post("HeapProfiler.enable");
  await post("HeapProfiler.startSampling", {
    samplingInterval: interval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

/**
 * Stops sampling and sums what was allocated by the function that allocated it (its own code, not its
 * callees), and by the nearest ocppkit or bench function on the stack that led there (who asked for it,
 * when the allocating function is Node's or a dependency's).
 */
export async function stopSampling() {
  const { profile } = await post("HeapProfiler.stopSampling");
  await post("HeapProfiler.disable");
  session.disconnect();
  session = undefined;
  const bySite = new Map();
  const byCaller = new Map();
  let total = 0;
  const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node, caller) => {
    const frame = node.callFrame;
    const here = siteOf(frame);
    const own = ownerOf(frame.url);
    const nextCaller = own === "ocppkit" || own === "bench" ? here : caller;
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(bySite, here, node.selfSize);
      add(byCaller, nextCaller ?? here, node.selfSize);
    }
    for (const child of node.children) walk(child, nextCaller);
  };
  walk(profile.head, undefined);
  return { total, bySite: [...bySite], byCaller: [...byCaller] };
}

function siteOf(frame) {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  const file = frame.url.replace(/^.*\/(dist|node_modules|bench)\//, "$1/").replace(/^node:/, "node:");
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

function ownerOf(url) {
  if (url.includes("/node_modules/")) return "other";
  if (url.includes("/dist/")) return "ocppkit";
  if (url.includes("/bench/")) return "bench";
  return "other";
}
