import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const serverScript = fileURLToPath(new URL("./server.mjs", import.meta.url));

/**
 * Starts the server of `stack` in a child process and returns its port and a way to ask it for its own
 * CPU time and memory. BENCH_SERVER_FLAGS adds node flags to the child (e.g. `--cpu-prof`).
 */
export async function startServer(stack) {
  const extra = process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(" ").filter(Boolean) : [];
  const child = fork(serverScript, [stack], {
    execArgv: ["--expose-gc", ...extra],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [ready] = await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => {
      throw new Error(`The ${stack} server exited with ${code} before it was ready`);
    }),
  ]);
  const ask = async (type, fields) => {
    const reply = once(child, "message");
    child.send({ type, ...fields });
    const [message] = await reply;
    if (message.type !== type) throw new Error(`Expected a ${type} reply, got ${message.type}`);
    return message;
  };
  return {
    stack,
    port: ready.port,
    url: `ws://127.0.0.1:${ready.port}`,
    cpu: async () => (await ask("cpu")).cpu,
    // `detail`: V8's heap spaces and the kernel's RSS split too; `settleMs`: read after that long idle.
    memory: async (detail = false, settleMs = 0) => ask("memory", { detail, settleMs }),
    snapshot: async () => (await ask("snapshot")).file,
    // Allocation sampling in the server (see allocation-sampling.mjs): start, then stop for the summary.
    startSampling: async (interval) => ask("sampling-start", { interval }),
    stopSampling: async () => (await ask("sampling-stop")).summary,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.send({ type: "stop" });
      await exited;
    },
  };
}
