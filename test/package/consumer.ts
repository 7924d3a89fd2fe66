/**
 * Projects that use ocppkit the way a user's project does: the package in `node_modules/ocppkit` (its
 * published files only, copied, so nothing resolves back into this repository's `node_modules`), its
 * runtime dependencies, and optionally `@types/node`; compiled with TypeScript 7 (this repository's) or
 * 5.9 (installed once into a temporary directory, never into this project).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

/** The repository (tests run from build/test/<dir>/). */
export const root = fileURLToPath(new URL("../../../", import.meta.url));
export const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  files: string[];
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin: Record<string, string>;
};

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end and gives its exit code and output; never throws on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The output of a failed command, for an assertion message. */
export const output = (result: Finished) => `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim();

/** A TypeScript compiler: its version and the script `node` runs. */
export interface Compiler {
  readonly version: string;
  readonly script: string;
}

export const typescript7: Compiler = { version: "7", script: join(root, "node_modules", "typescript", "bin", "tsc") };

let typescript59Install: Promise<Compiler> | undefined;

/**
 * TypeScript 5.9, what most projects compile with today. Installed with npm (the cache is enough) into
 * one directory under the system's temporary directory, shared by the test files and by later runs; the
 * install goes to a scratch directory first and is renamed into place, so concurrent test files never
 * see half of it. Fails with one line when npm cannot get it.
 */
export function typescript59(): Promise<Compiler> {
  typescript59Install ??= (async () => {
    const directory = join(tmpdir(), "ocppkit-typescript-5.9");
    const script = join(directory, "node_modules", "typescript", "bin", "tsc");
    if (!existsSync(script)) {
      const staging = await mkdtemp(join(tmpdir(), "ocppkit-typescript-5.9-install-"));
      await writeFile(join(staging, "package.json"), '{ "private": true }\n');
      const installed = await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", "typescript@5.9"], {
        cwd: staging,
      });
      if (installed.code !== 0) {
        await rm(staging, { recursive: true, force: true });
        throw new Error(`cannot install typescript@5.9 with npm (registry or cache needed): ${installed.stderr.trim().split("\n").at(-1)}`);
      }
      // Another test file may have won the race: then its copy is used and this one dropped.
      await rename(staging, directory).catch(() => rm(staging, { recursive: true, force: true }));
    }
    return { version: "5.9", script };
  })();
  return typescript59Install;
}

/** npm as this node runs it (npm-cli.js next to node), so the tests need no npm on the PATH. */
export const npm = join(dirname(process.execPath), "npm");

/** Runs `tsc -p <project>` with the given compiler; `project` is a directory or a tsconfig file. */
export function typeCheck(compiler: Compiler, project: string): Promise<Finished> {
  return run(process.execPath, [compiler.script, "-p", project], { cwd: project.endsWith(".json") ? dirname(project) : project });
}

export interface ConsumerOptions {
  /** Link `@types/node` (as a Node project has it). Without it, the project has no Node types at all. */
  readonly nodeTypes?: boolean;
  /** Files to write, by path relative to the project. */
  readonly files: Readonly<Record<string, string>>;
}

/** Runtime dependencies of ocppkit as the lock file lists them (what `npm install ocppkit` brings). */
function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev && !entry.devOptional)
    .map(([path]) => path.slice("node_modules/".length));
}

/** A temporary project depending on this package as built; removed when the test ends. */
export async function consumerProject(t: TestContext, options: ConsumerOptions): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "ocppkit-consumer-"));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const installed = join(directory, "node_modules", "ocppkit");
  await mkdir(installed, { recursive: true });
  await cp(join(root, "package.json"), join(installed, "package.json"));
  for (const entry of packageJson.files) {
    if (existsSync(join(root, entry))) await cp(join(root, entry), join(installed, entry), { recursive: true });
  }
  // Optional peers (ioredis for ocppkit/cluster) count as installed: the README tells cluster users to add them.
  const peers = Object.keys(packageJson.peerDependencies ?? {});
  const linked = [...runtimePackages(), ...peers, ...(options.nodeTypes ? ["@types/node", "undici-types"] : [])];
  for (const name of linked) {
    await mkdir(dirname(join(directory, "node_modules", name)), { recursive: true });
    await symlink(join(root, "node_modules", name), join(directory, "node_modules", name), "dir");
  }
  for (const [path, text] of Object.entries(options.files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  return directory;
}

/** The package's subpath entries (".", "./core", "./v16", ...) except package.json, as import specifiers. */
export function entrySpecifiers(): string[] {
  return Object.keys(packageJson.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => (key === "." ? "ocppkit" : `ocppkit/${key.slice(2)}`));
}
