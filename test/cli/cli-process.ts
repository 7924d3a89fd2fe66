/** Runs the real `ocppkit` binary (the package's `bin`) as a child process, for the CLI tests. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageJsonUrl = new URL(import.meta.resolve("ocppkit/package.json"));
const bin = (JSON.parse(readFileSync(packageJsonUrl, "utf8")) as { bin: { ocppkit: string } }).bin.ocppkit;
export const binPath = fileURLToPath(new URL(bin, packageJsonUrl));

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `ocppkit` with its output collected line by line. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<Finished>;
  #waiters: { test: (line: string) => boolean; resolve: (line: string) => void; stream: "stdout" | "stderr" }[] = [];

  /** `script` is the node script to run: the `ocppkit` binary unless another is given. */
  constructor(args: readonly string[], env: Record<string, string> = {}, script = binPath) {
    this.child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, NO_COLOR: "1", OCPPKIT_LOG: "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#collect("stdout");
    this.#collect("stderr");
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code) => resolve({ code, stdout: this.stdoutLines.join("\n"), stderr: this.stderrLines.join("\n") }));
    });
  }

  #collect(stream: "stdout" | "stderr"): void {
    let rest = "";
    this.child[stream].setEncoding("utf8");
    this.child[stream].on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        (stream === "stdout" ? this.stdoutLines : this.stderrLines).push(line);
        for (const waiter of [...this.#waiters]) {
          if (waiter.stream === stream && waiter.test(line)) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  }

  /** The first line (already printed or still to come) that passes `test`; fails after `timeoutMs` or on exit. */
  waitForLine(
    test: (line: string) => boolean,
    { stream = "stdout", timeoutMs = 10_000 } = {} as { stream?: "stdout" | "stderr"; timeoutMs?: number },
  ): Promise<string> {
    const seen = (stream === "stdout" ? this.stdoutLines : this.stderrLines).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `no matching ${stream} line within ${timeoutMs} ms; got:\n${this.stdoutLines.join("\n")}\n--- stderr:\n${this.stderrLines.join("\n")}`,
          ),
        );
      }, timeoutMs);
      const done = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.#waiters.push({ test, resolve: done, stream });
      this.exited.then(() => {
        if (this.#waiters.some((w) => w.resolve === done)) {
          clearTimeout(timer);
          reject(new Error(`ocppkit exited before printing the expected line; stderr:\n${this.stderrLines.join("\n")}`));
        }
      });
    });
  }

  /** The JSON objects printed on stdout that pass `test`. */
  json<T = Record<string, unknown>>(test: (value: T) => boolean = () => true): T[] {
    return this.stdoutLines.flatMap((line) => {
      if (!line.startsWith("{")) return [];
      const value = JSON.parse(line) as T;
      return test(value) ? [value] : [];
    });
  }

  /** Waits for a JSON line on stdout that passes `test`. */
  async waitForJson<T = Record<string, unknown>>(test: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const line = await this.waitForLine((text) => text.startsWith("{") && test(JSON.parse(text) as T), { timeoutMs });
    return JSON.parse(line) as T;
  }

  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ends the process (SIGTERM, then SIGKILL if it lingers) and waits for it. */
  async stop(): Promise<Finished> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      const finished = await this.exited;
      clearTimeout(timer);
      return finished;
    }
    return this.exited;
  }
}

/** Runs `ocppkit args...` to the end. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  const cli = new CliProcess(args, env);
  cli.child.stdin.end();
  return cli.exited;
}

/** A file of the repository (test fixtures), by its path from the root. */
export const repoFile = (path: string): string => fileURLToPath(new URL(path, packageJsonUrl));
