/** A redis-server for the cluster benchmark: on a free loopback port, no persistence, its CPU read from /proc. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

const binary = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const pong = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });

export async function startRedis() {
  if (!existsSync(binary)) throw new Error(`redis-server not found at ${binary}: apt-get install redis-server, or set REDIS_SERVER`);
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  process.once("exit", () => child.kill("SIGKILL"));
  for (let attempt = 0; attempt < 200 && !(await pong(port)); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  return {
    url: `redis://127.0.0.1:${port}`,
    /** CPU microseconds (user + system) used so far. */
    cpuMicros: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    },
    stop: () => child.kill("SIGKILL"),
  };
}
