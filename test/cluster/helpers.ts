/**
 * A cluster for the tests: a real redis-server, members in their own processes (test/support/cluster-member.ts)
 * and chargers in this process, on real WebSockets over loopback.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { connect, GenericError, silentLogger } from "ocppkit";
import type { AnyChargePoint } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v21 from "ocppkit/v21";
import * as v201 from "ocppkit/v201";
import type { WebSocket } from "ws";
import type { MemberConfig, Version } from "../support/cluster-member.js";
import type { Cleanup } from "../support/peers.js";
import { RedisServer } from "../support/redis-server.js";

const memberScript = fileURLToPath(new URL("../support/cluster-member.js", import.meta.url));

export async function startRedis(cleanup: Cleanup): Promise<RedisServer> {
  const redis = await RedisServer.start();
  cleanup.after(() => redis.stop());
  return redis;
}

export type Answer = Record<string, unknown> & {
  ok?: boolean | number;
  result?: unknown;
  typed?: boolean;
  error?: { name: string; message: string; code?: string; isOcppError: boolean };
};

/** A cluster member in its own process. */
export class Member {
  readonly child: ChildProcessWithoutNullStreams;
  readonly nodeId: string;
  url = "";
  readonly exited: Promise<number | null>;
  #next = 0;
  #waiting = new Map<number, (answer: Answer) => void>();
  #stderr = "";
  #ready: Promise<void>;

  constructor(config: MemberConfig) {
    this.nodeId = config.nodeId;
    this.child = spawn(process.execPath, [memberScript, JSON.stringify(config)], {
      env: { ...process.env, OCPPKIT_CLUSTER_CHILD: "1", OCPPKIT_LOG: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr += chunk;
    });
    let rest = "";
    let markReady = () => {};
    this.#ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      this.exited.then((code) => reject(new Error(`member ${config.nodeId} exited (${code}) before it was ready: ${this.#stderr.trim()}`)));
    });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const message = JSON.parse(line) as Answer & { ref?: number; event?: string; url?: string };
        if (message.event === "ready") {
          this.url = message.url ?? "";
          markReady();
        } else if (typeof message.ref === "number") {
          this.#waiting.get(message.ref)?.(message);
          this.#waiting.delete(message.ref);
        }
      }
    });
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  /** Sends one command and waits for its answer (or fails when the process dies first). */
  request(op: string, fields: Record<string, unknown> = {}): Promise<Answer> {
    const ref = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#waiting.set(ref, resolve);
      this.exited.then((code) => {
        if (this.#waiting.delete(ref)) reject(new Error(`member ${this.nodeId} exited (${code}) during ${op}: ${this.#stderr.trim()}`));
      });
      this.child.stdin.write(`${JSON.stringify({ ref, op, ...fields })}\n`);
    });
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}

export async function startMembers(cleanup: Cleanup, configs: readonly MemberConfig[]): Promise<Member[]> {
  const members = configs.map((config) => new Member(config));
  for (const member of members) cleanup.after(() => member.kill());
  await Promise.all(members.map((member) => member.ready()));
  return members;
}

/** What a test charger saw: CALLs received per action. */
export interface TestCharger {
  readonly id: string;
  readonly chargePoint: AnyChargePoint;
  readonly received: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves when a CALL of `action` arrives (one already received counts). */
  arrived(action: string): Promise<void>;
}

const kits = { "1.6": v16, "2.0.1": v201, "2.1": v21 } as const;

/**
 * A charger of `version` connected to `url`/`id`. It answers Reset (Accepted), DataTransfer (its own id),
 * UnlockConnector with a CALLERROR (GenericError "jammed"), ChangeAvailability after 800 ms, and never
 * answers TriggerMessage.
 */
export async function connectCharger(cleanup: Cleanup, url: string, id: string, version: Version = "1.6"): Promise<TestCharger> {
  const connection = await connect(`${url}/${id}`, { protocols: [`ocpp${version}`] });
  const chargePoint: AnyChargePoint = new kits[version].ChargePoint(id, connection, { logger: silentLogger });
  const received: string[] = [];
  const listeners: (() => void)[] = [];
  const saw = (action: string) => {
    received.push(action);
    for (const listener of listeners.splice(0)) listener();
  };
  chargePoint.route("Reset", () => {
    saw("Reset");
    return { status: "Accepted" };
  });
  chargePoint.route("DataTransfer", () => {
    saw("DataTransfer");
    return { status: "Accepted", data: id };
  });
  chargePoint.route("UnlockConnector", () => {
    saw("UnlockConnector");
    throw new GenericError("jammed", { connector: 1 });
  });
  chargePoint.route("TriggerMessage", () => {
    saw("TriggerMessage");
    return new Promise(() => {});
  });
  chargePoint.route("ChangeAvailability", async () => {
    saw("ChangeAvailability");
    await new Promise((resolve) => setTimeout(resolve, 800));
    return { status: "Accepted" };
  });
  chargePoint.route("NotifyPeriodicEventStream", () => saw("NotifyPeriodicEventStream"));
  let closed: (value: { code: number; reason: string }) => void = () => {};
  const closedPromise = new Promise<{ code: number; reason: string }>((resolve) => {
    closed = resolve;
  });
  // typed as the part the adapter uses; it is a ws WebSocket
  (connection.socket as WebSocket).once("close", (code, reason) => closed({ code, reason: reason.toString() }));
  chargePoint.start().catch(() => {});
  cleanup.after(() => chargePoint.close());
  const arrived = async (action: string) => {
    while (!received.includes(action)) await new Promise<void>((resolve) => listeners.push(resolve));
  };
  return { id, chargePoint, received, closed: closedPromise, arrived };
}

/** Polls `check` (bounded: 200 tries, 100 ms apart) until it returns true. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

export const nodeConfig = (redis: RedisServer, nodeId: string, extra: Partial<MemberConfig> = {}): MemberConfig => ({
  redis: redis.url,
  nodeId,
  role: "node",
  // Short enough for the dead-node tests, long enough that a node starved of CPU on a loaded machine
  // (the tests share 2 cores with other work) is not declared dead while it runs.
  heartbeatTtlMs: 4_000,
  responseTimeoutMs: 2_000,
  ...extra,
});

export const clientConfig = (redis: RedisServer, nodeId: string, extra: Partial<MemberConfig> = {}): MemberConfig => ({
  ...nodeConfig(redis, nodeId, extra),
  role: "client",
});
