/**
 * A real `redis-server` process on a free loopback port, for the cluster tests. Found at $REDIS_SERVER
 * alone when set, else at /usr/bin/redis-server or on the PATH; when there is none, `start()` throws one line saying how to get
 * it (the tests fail, never skip: `.ci/run` installs Debian's redis-server package).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

export function redisServerPath(): string {
  const chosen = process.env.REDIS_SERVER;
  if (chosen) {
    try {
      accessSync(chosen, constants.X_OK);
      return chosen;
    } catch {
      throw new Error(
        `REDIS_SERVER=${chosen} is not an executable redis-server: the cluster tests need one (apt-get install redis-server)`,
      );
    }
  }
  const candidates = ["/usr/bin/redis-server", ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "redis-server"))];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error("redis-server not found: the cluster tests need it (apt-get install redis-server, or set REDIS_SERVER)");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  readonly port: number;
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts it (again, on the same port, with no data: as a Redis restarted without persistence). */
  async restart(): Promise<void> {
    const binary = redisServerPath();
    const child = spawn(
      binary,
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child = child;
    // Never outlive the test process, even when it ends without its cleanup.
    const reap = () => child.kill("SIGKILL");
    process.once("exit", reap);
    child.once("exit", () => process.off("exit", reap));
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Ready once it accepts connections; polled rather than parsed, as the log line varies by version.
    for (let attempt = 0; attempt < 200; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${output.trim().split("\n").pop()}`);
      if (await accepts(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server did not accept connections on port ${this.port} within 5 s`);
  }

  /** SIGKILL, as a crash: waits until the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** CPU seconds (user + system) the current process has used, from /proc. */
  cpuSeconds(): number {
    const pid = this.#child?.pid;
    if (!pid) return 0;
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  stop(): Promise<void> {
    return this.kill();
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import("node:net").then(({ connect }) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.write("PING\r\n");
        socket.once("data", (data) => {
          socket.destroy();
          resolve(data.toString().startsWith("+PONG"));
        });
      });
      socket.once("error", () => resolve(false));
    });
  });
}
