/**
 * One member of a test cluster in its own process: a node (a CentralSystem with `cluster`) or a socketless
 * client. The test drives it with JSON lines on stdin ({ ref, op, ... }) and reads JSON lines on stdout
 * ({ ref, ... } answers, { event } notices). Calls are made here, so what crosses Redis is real.
 *
 * `node --test build/test` runs every file under a `test` folder: without OCPPKIT_CLUSTER_CHILD it does nothing.
 */
import { createInterface } from "node:readline";
import { type CallOptions, type CallPayload, OcppError, silentLogger } from "ocppkit";
import { Cluster } from "ocppkit/cluster";
import { type AnyChargePoint, CentralSystem } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v21 from "ocppkit/v21";
import * as v201 from "ocppkit/v201";

export interface MemberConfig {
  readonly redis: string;
  readonly nodeId: string;
  /** "node" holds chargers; "client" has no sockets. */
  readonly role: "node" | "client";
  readonly heartbeatTtlMs?: number;
  readonly replaceExisting?: boolean;
  readonly responseTimeoutMs?: number;
}

export type Version = "1.6" | "2.0.1" | "2.1";
const kits = { "1.6": v16, "2.0.1": v201, "2.1": v21 } as const;
type PayloadClass = new (payload: unknown) => CallPayload;
type ResultClass = abstract new (...args: never[]) => object;

/** Describes how a call ended, in JSON: what the test compares between local and remote calls. */
export interface Outcome {
  readonly ok: boolean;
  readonly result?: unknown;
  /** The result's class is the version's callResult class of the action. */
  readonly typed?: boolean;
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string; readonly isOcppError: boolean };
}

async function outcome(run: () => Promise<unknown>, version: Version, action: string): Promise<Outcome> {
  try {
    const result = await run();
    const Result = (kits[version].callResult as unknown as Record<string, ResultClass | undefined>)[action];
    return { ok: true, result: result ?? null, typed: Result !== undefined && result instanceof Result };
  } catch (error) {
    const e = error as Error & { code?: string };
    return {
      ok: false,
      error: {
        name: e.name,
        message: e.message,
        code: typeof e.code === "string" ? e.code : undefined,
        isOcppError: error instanceof OcppError,
      },
    };
  }
}

function payloadOf(version: Version, action: string, payload: unknown): CallPayload {
  const Payload = (kits[version].call as unknown as Record<string, PayloadClass | undefined>)[action];
  if (!Payload) throw new Error(`no call.${action} in ${version}`);
  return new Payload(payload);
}

async function main(config: MemberConfig): Promise<void> {
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const cluster = new Cluster({ redis: config.redis, nodeId: config.nodeId, heartbeatTtlMs: config.heartbeatTtlMs, logger: silentLogger });
  const events: unknown[] = [];
  cluster.on("connect", (p) => events.push({ kind: "connect", id: p.id, node: p.node, ocppVersion: p.ocppVersion }));
  cluster.on("disconnect", (p) => events.push({ kind: "disconnect", id: p.id, node: p.node }));
  cluster.on("nodeDown", (node) => events.push({ kind: "nodeDown", node }));
  let centralSystem: CentralSystem | undefined;
  if (config.role === "node") {
    centralSystem = new CentralSystem({
      cluster,
      replaceExisting: config.replaceExisting,
      logger: silentLogger,
      shutdownTimeoutMs: 5_000,
      createChargePoint: ({ id, connection, ocppVersion }) => {
        const kit = kits[ocppVersion as Version];
        const chargePoint: AnyChargePoint = new kit.ChargePoint(id, connection, {
          logger: silentLogger,
          responseTimeoutMs: config.responseTimeoutMs,
        });
        // The node holding the socket answers the charger's CALLs: DataTransfer says which node that is.
        chargePoint.route("DataTransfer", () => ({ status: "Accepted", data: config.nodeId }));
        return chargePoint;
      },
    });
    await centralSystem.listen(0, "127.0.0.1");
  }
  await cluster.ready(20_000);
  print({ event: "ready", nodeId: config.nodeId, url: centralSystem?.url });

  const handle = async (command: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const version = (command.version ?? "1.6") as Version;
    const action = String(command.action ?? "");
    const options = (command.options ?? {}) as CallOptions;
    switch (command.op) {
      case "call":
        return {
          ...(await outcome(() => cluster.call(String(command.id), payloadOf(version, action, command.payload), options), version, action)),
        };
      case "send":
        return {
          ...(await outcome(() => cluster.send(String(command.id), payloadOf(version, action, command.payload), options), version, action)),
        };
      case "localCall": {
        const chargePoint = centralSystem?.get(String(command.id));
        if (!chargePoint) return { ok: false, error: { name: "Missing", message: "not local" } };
        return { ...(await outcome(() => chargePoint.call(payloadOf(version, action, command.payload), options), version, action)) };
      }
      case "callMany": {
        const ids = command.ids as string[];
        let ok = 0;
        const failures: unknown[] = [];
        const byNode: Record<string, number> = {};
        await Promise.all(
          ids.map(async (id) => {
            const result = await outcome(() => cluster.call(id, payloadOf(version, action, command.payload), options), version, action);
            if (result.ok && result.typed) {
              ok++;
              const data = (result.result as { data?: string }).data ?? "?";
              byNode[data] = (byNode[data] ?? 0) + 1;
            } else if (failures.length < 5) failures.push({ id, ...result });
          }),
        );
        return { ok, failures, byNode };
      }
      case "list":
        return {
          chargers: (await cluster.list()).map((p) => ({
            id: p.id,
            node: p.node,
            ocppVersion: p.ocppVersion,
            since: p.connectedSince.getTime(),
          })),
        };
      case "locate": {
        const found = await cluster.locate(String(command.id));
        return { presence: found ? { id: found.id, node: found.node, ocppVersion: found.ocppVersion } : null };
      }
      case "nodes":
        return { nodes: await cluster.nodes() };
      case "events":
        return { events };
      case "stats":
        return {
          inFlight: cluster.inFlight,
          available: cluster.available,
          local: centralSystem?.size ?? 0,
          heapUsed: process.memoryUsage().heapUsed,
        };
      case "waitAvailable":
        await cluster.ready(20_000);
        return { available: true };
      case "close":
        await cluster.close();
        return { closed: true };
      default:
        throw new Error(`unknown op ${String(command.op)}`);
    }
  };

  const input = createInterface({ input: process.stdin, terminal: false });
  input.on("line", (line) => {
    const command = JSON.parse(line) as Record<string, unknown>;
    handle(command).then(
      (answer) => {
        print({ ref: command.ref, ...answer });
        if (command.op === "close") process.exit(0);
      },
      (error: unknown) => print({ ref: command.ref, failed: `${(error as Error).name}: ${(error as Error).message}` }),
    );
  });
  input.on("close", () => process.exit(0));
}

if (process.env.OCPPKIT_CLUSTER_CHILD === "1") {
  main(JSON.parse(process.argv[2]) as MemberConfig).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
