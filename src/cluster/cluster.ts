import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { Redis, type Cluster as RedisCluster, type RedisOptions } from "ioredis";
import type { CallOptions, CallPayload, ResultOf } from "../rpc/charge-point.js";
import { CallTimeoutError, NotConnectedError } from "../rpc/errors.js";
import { defaultLogger, type Logger } from "../rpc/logger.js";
import { actionOf, type OcppProtocol } from "../rpc/protocol.js";
import type { AnyChargePoint, ChargePointContext } from "../server/central-system.js";
import type { ClusterHost, ClusterMembership } from "../server/cluster-host.js";
import type { ResultByAction as Results16 } from "../v16/call-result.generated.js";
import type { ResultByAction as Results21 } from "../v21/call-result.generated.js";
import type { ResultByAction as Results201 } from "../v201/call-result.generated.js";
import { ClusterUnavailableError } from "./errors.js";
import { type ClusterFrame, encodeFrame, maxFramesInFlight, parseFrame } from "./frames.js";
import { nodeIdPattern, nodeOf, type Presence, parsePresence, presenceValue } from "./presence.js";
import { protocolOf, rememberProtocol } from "./protocols.js";
import {
  heartbeatScript,
  Keys,
  leaveScript,
  locateScript,
  reapScript,
  registerScript,
  routeScript,
  type Script,
  unregisterScript,
} from "./scripts.js";
import {
  CallFlag,
  type CallMessage,
  decodeError,
  type EncodedError,
  type EventMessage,
  encodeError,
  type KickMessage,
  type OkMessage,
} from "./wire.js";

/**
 * The CALLRESULT class of each action in any version (types only): what `call()` resolves with when the
 * cluster is not told which version its chargers speak. An action of several versions (Reset) gives the
 * union of their results; `Cluster<callResult.ResultByAction>` of one version narrows it.
 */
export type AnyVersionResults = {
  [A in keyof Results16 | keyof Results201 | keyof Results21]:
    | (A extends keyof Results16 ? Results16[A] : never)
    | (A extends keyof Results201 ? Results201[A] : never)
    | (A extends keyof Results21 ? Results21[A] : never);
};

/** An ioredis connection: a single server (or Sentinel-managed one), or a Redis Cluster. */
export type RedisClient = Redis | RedisCluster;

export interface ClusterOptions {
  /**
   * Where Redis is: a URL (`redis://host:6379/0`, `rediss://` for TLS), ioredis options (Sentinel:
   * `{ sentinels: [...], name: "mymaster" }`), or a function returning a new ioredis client (Redis Cluster:
   * `() => new Cluster([...])`). The cluster opens two connections (commands, subscriptions) and owns them.
   */
  readonly redis: string | RedisOptions | (() => RedisClient);
  /** Prefix of every key and channel; clusters with different namespaces share a Redis unaware of each other. Default "ocppkit". */
  readonly namespace?: string;
  /** This node's id: unique in the cluster, and new for each process (never reuse one across restarts). Default host-pid-random. */
  readonly nodeId?: string;
  /**
   * A node is dead once its heartbeat is this old: its chargers leave presence and calls in flight to it
   * fail with NotConnectedError. It heartbeats every third of it. Default 6000 ms.
   */
  readonly heartbeatTtlMs?: number;
  /**
   * The caller's own limit for a remote call's answer, a safety net behind the remote ChargePoint's
   * response timeout (which rejects with CallTimeoutError first) and a call queued behind others. Default 120 000 ms.
   */
  readonly callTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface ClusterEvents {
  /** A charger connected to some node (also one that moved: its previous node closes the old socket). */
  connect: [presence: Presence];
  /** A charger left presence: its socket closed, or its node died or drained. */
  disconnect: [presence: Presence];
  /** A node's heartbeat expired and its chargers were removed from presence. */
  nodeDown: [node: string];
  /** Redis is reachable (again); on a node, its presence has been rebuilt. */
  available: [];
  /** Redis became unreachable: cluster calls reject with ClusterUnavailableError until `available`. */
  unavailable: [];
  /**
   * A frame of a charger on any node whose CentralSystem's ChargePoints log through `tapFrames()`.
   * Listening is what turns the relay on: while a member has a `frame` listener, every node publishes
   * its frames (from its next heartbeat tick on); with none left anywhere, they stop within `heartbeatTtlMs`.
   */
  frame: [frame: ClusterFrame];
}

interface RemoteCall {
  readonly id: string;
  readonly action: string;
  readonly send: boolean;
  readonly uniqueId: string | undefined;
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The node the call was published to, once the route script said so. */
  node: string | undefined;
}

interface LocalCharger {
  readonly chargePoint: AnyChargePoint;
  /** The presence value this connection registered: compare-and-delete removes exactly this one. */
  readonly value: string;
  readonly since: number;
}

/** How many registrations a rebuild sends at once: enough to fill the pipe, few enough to keep memory flat. */
const rebuildBatch = 500;

type Sendable = { send(payload: CallPayload, options?: Pick<CallOptions, "uniqueId" | "skipSchemaValidation">): string };

/**
 * One member of a cluster of central systems sharing one Redis. Pass it as the `cluster` option of a
 * CentralSystem to make that process a node (it holds chargers), or use it alone as a socketless client
 * (an API service): either way `call()` and `send()` reach a charger on whichever node holds its socket.
 *
 * Routing: a call is published to the holding node's inbox channel by a Lua script that reads presence
 * and the node's heartbeat atomically, so it goes to exactly one node, and PUBLISH tells at once whether
 * that node is listening. Its answer comes back once, to the caller's inbox, correlated by number.
 */
export class Cluster<R extends object = AnyVersionResults> extends EventEmitter<ClusterEvents> implements ClusterMembership {
  readonly nodeId: string;
  readonly heartbeatTtlMs: number;
  readonly #keys: Keys;
  readonly #commands: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #logger: Logger;
  readonly #callTimeoutMs: number;
  readonly #tick: NodeJS.Timeout;
  readonly #local = new Map<string, LocalCharger>();
  readonly #pending = new Map<number, RemoteCall>();
  #host: ClusterHost | undefined;
  #nextRequest = 0;
  #nextConnection = 0;
  #executing = 0;
  #drainWaiters: (() => void)[] = [];
  #available = false;
  #subscribing = false;
  #ticking = false;
  #dirty = false;
  #rebuilding: Promise<void> | undefined;
  /** tapFrames() was called: this member has frames to relay, and checks on each tick whether anyone watches. */
  #tapped = false;
  /** Someone in the cluster watches frames: this member publishes its own. */
  #relaying = false;
  #framesInFlight = 0;
  #framesDropped = 0;
  #closed: Promise<void> | undefined;

  constructor(options: ClusterOptions) {
    super();
    const nodeId = options.nodeId ?? defaultNodeId();
    if (!nodeIdPattern.test(nodeId)) throw new TypeError(`nodeId must match ${nodeIdPattern}, got ${JSON.stringify(nodeId)}`);
    const namespace = options.namespace ?? "ocppkit";
    if (!/^[A-Za-z0-9._:-]{1,64}$/.test(namespace))
      throw new TypeError(`namespace must be 1-64 letters, digits or ._:-, got ${JSON.stringify(namespace)}`);
    this.nodeId = nodeId;
    this.heartbeatTtlMs = options.heartbeatTtlMs ?? 6_000;
    if (!(this.heartbeatTtlMs >= 300)) throw new RangeError("heartbeatTtlMs must be at least 300 ms");
    this.#callTimeoutMs = options.callTimeoutMs ?? 120_000;
    this.#logger = options.logger ?? defaultLogger();
    this.#keys = new Keys(namespace);
    this.#commands = connectRedis(options.redis, `ocppkit:${nodeId}`);
    this.#subscriber = connectRedis(options.redis, `ocppkit:${nodeId}:sub`);
    for (const client of [this.#commands, this.#subscriber]) {
      client.on("ready", () => this.#linkChanged());
      client.on("close", () => this.#linkChanged());
      // ioredis reports each failed reconnect as 'error'; the state is what matters, and it is reported once.
      client.on("error", () => {});
    }
    this.#subscriber.on("message", (channel: string, text: string) => this.#onMessage(channel, text));
    // newListener fires before the listener is added, removeListener after it is gone.
    const emitter = this as EventEmitter;
    emitter.on("newListener", (event: string | symbol) => {
      if (event === "frame" && this.listenerCount("frame") === 0 && this.#available) this.#watchFrames(true);
    });
    emitter.on("removeListener", (event: string | symbol) => {
      if (event === "frame" && this.listenerCount("frame") === 0 && this.#available)
        this.#subscriber.unsubscribe(this.#keys.frames).catch(() => {});
    });
    this.#tick = setInterval(() => this.#onTick(), Math.floor(this.heartbeatTtlMs / 3));
    this.#tick.unref();
  }

  /** True while Redis is reachable and this member is subscribed: cluster calls can be routed. */
  get available(): boolean {
    return this.#available;
  }

  /** Remote calls made here that await their answer, plus calls this node runs for other members. */
  get inFlight(): number {
    return this.#pending.size + this.#executing;
  }

  /** Resolves once Redis is reachable (and, on a node, its presence is registered); rejects after `timeoutMs`. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.#available) return Promise.resolve();
    if (this.#closed) return Promise.reject(new ClusterUnavailableError("The cluster member is closed"));
    return new Promise((resolve, reject) => {
      const onAvailable = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off("available", onAvailable);
        reject(new ClusterUnavailableError(`Redis was not reachable within ${timeoutMs} ms: check the URL and that Redis runs`));
      }, timeoutMs);
      this.once("available", onAvailable);
    });
  }

  /**
   * Sends a CALL to the charger `id` on whichever node holds it, through that node's ChargePoint (its
   * queue, validation and response timeout), and settles exactly as that `call()` does: the typed
   * CALLRESULT, `undefined` or the OcppError on a CALLERROR (per `suppress`), CallTimeoutError,
   * InvalidPayloadError. NotConnectedError when the charger is connected nowhere or its node died;
   * ClusterUnavailableError when Redis cannot be reached. A charger on this node is called directly.
   */
  call<P extends CallPayload>(id: string, payload: P, options: CallOptions & { readonly suppress: false }): Promise<ResultOf<R, P>>;
  call<P extends CallPayload>(id: string, payload: P, options?: CallOptions): Promise<ResultOf<R, P> | undefined>;
  call(id: string, payload: CallPayload, options: CallOptions = {}): Promise<unknown> {
    const local = this.#host?.chargePoints.get(id);
    if (local) return local.call(payload, options);
    return this.#remote(id, payload, options, false);
  }

  /** An OCPP 2.1 SEND to the charger `id` on whichever node holds it; resolves with its message id. Errors as `call()`. */
  send(id: string, payload: CallPayload, options: Pick<CallOptions, "uniqueId" | "skipSchemaValidation"> = {}): Promise<string> {
    const local = this.#host?.chargePoints.get(id);
    if (!local) return this.#remote(id, payload, options, true) as Promise<string>;
    try {
      return Promise.resolve((local as unknown as Sendable).send(payload, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `logger` plus the frame relay: give it to the ChargePoints of this node's CentralSystem (its `logger`
   * option) so that members listening to `frame` see this node's chargers' frames. While nobody in the
   * cluster listens, a frame costs one boolean check; while someone does, one PUBLISH. While Redis is
   * unreachable or slow, frames are dropped, never buffered, and a charger's traffic never waits for them.
   */
  tapFrames(logger: Logger = {}): Logger {
    this.#tapped = true;
    return {
      ...logger,
      frame: (id, direction, text) => {
        logger.frame?.(id, direction, text);
        this.#relayFrame(id, direction, text);
      },
    };
  }

  /** Where the charger `id` is connected, or undefined when nowhere. */
  async locate(id: string): Promise<Presence | undefined> {
    const value = (await this.#script(locateScript, [this.#keys.presence], [this.#keys.tag, id])) as string | null;
    return value ? parsePresence(id, value) : undefined;
  }

  /** Every charger connected anywhere in the cluster, by id. */
  async list(): Promise<Presence[]> {
    const live = new Set(await this.nodes());
    const found: Presence[] = [];
    let cursor = "0";
    do {
      const [next, flat] = await this.#command(() => this.#commands.hscan(this.#keys.presence, cursor, "COUNT", 1000));
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (live.has(nodeOf(flat[i + 1]))) found.push(parsePresence(flat[i], flat[i + 1]));
      }
      cursor = next;
    } while (cursor !== "0");
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The ids of the nodes whose heartbeat is alive. */
  async nodes(): Promise<string[]> {
    const ids = await this.#command(() => this.#commands.hkeys(this.#keys.nodes));
    const alive = await this.#command(() => Promise.all(ids.map((node) => this.#commands.exists(this.#keys.heartbeat(node)))));
    return ids.filter((_, i) => alive[i] === 1).sort();
  }

  /**
   * A client leaves the cluster. On a node, this closes its CentralSystem, which drains the node
   * (see `CentralSystem.close()`) and then leaves.
   */
  close(): Promise<void> {
    if (this.#host && !this.#closed) return this.#host.close();
    return this.leave();
  }

  // --- ClusterMembership: the hooks a CentralSystem calls ---

  /** @internal Called by the CentralSystem this cluster is passed to. */
  join(host: ClusterHost): void {
    if (this.#host) throw new Error("This Cluster is the cluster option of another CentralSystem already: make one per node");
    this.#host = host;
    host.on("connect", (chargePoint: AnyChargePoint, context: ChargePointContext) => this.#onConnect(chargePoint, context));
    host.on("disconnect", (chargePoint: AnyChargePoint) => this.#onDisconnect(chargePoint));
  }

  /** @internal */
  async connectedElsewhere(id: string): Promise<boolean> {
    // Without Redis nobody can know: the charger is let in (a duplicate is resolved when Redis is back,
    // newest connection winning), rather than the whole fleet being refused during an outage.
    if (!this.#available) return false;
    try {
      const value = (await this.#script(locateScript, [this.#keys.presence], [this.#keys.tag, id])) as string | null;
      return value !== null && nodeOf(value) !== this.nodeId;
    } catch {
      return false;
    }
  }

  /** @internal */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.#drainWaiters.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** @internal Also the end of `close()` for a client. */
  leave(): Promise<void> {
    this.#closed ??= this.#leave();
    return this.#closed;
  }

  async #leave(): Promise<void> {
    clearInterval(this.#tick);
    if (this.#host && this.#available) {
      const keys = this.#keys;
      await this.#script(leaveScript, [keys.nodes, keys.presence, keys.heartbeat(this.nodeId)], [keys.tag, keys.events, this.nodeId]).catch(
        (error: unknown) =>
          this.#logger.warn?.("Could not remove this node from the cluster; its heartbeat will expire", { error: String(error) }),
      );
    }
    this.#available = false;
    this.#failPending(() => new ClusterUnavailableError("The cluster member was closed before the answer came"));
    this.#local.clear();
    await Promise.all([quit(this.#commands), quit(this.#subscriber)]);
  }

  // --- Redis link ---

  #linkChanged(): void {
    if (this.#closed) return;
    const up = this.#commands.status === "ready" && this.#subscriber.status === "ready";
    if (!up) {
      if (this.#available) this.#lost();
      return;
    }
    if (this.#available || this.#subscribing) return;
    this.#subscribing = true;
    this.#subscriber.subscribe(this.#keys.inbox(this.nodeId), this.#keys.events).then(
      async () => {
        this.#subscribing = false;
        if (this.#closed || this.#subscriber.status !== "ready") return;
        this.#available = true;
        if (this.listenerCount("frame") > 0) this.#watchFrames(true);
        if (this.#host) await this.#rebuild();
        if (this.#available) this.emit("available");
      },
      (error: unknown) => {
        this.#subscribing = false;
        this.#logger.warn?.("Could not subscribe to the cluster channels; retrying on the next reconnect", { error: String(error) });
      },
    );
  }

  #lost(): void {
    this.#available = false;
    this.#relaying = false;
    this.#dirty = true;
    // The answers travel on the link that was lost: none can arrive any more. Whether the charger got the
    // call is unknown, so it is not retried (a cross-node call is at most once).
    this.#failPending(
      (call) =>
        new ClusterUnavailableError(
          `${call.action} to ${JSON.stringify(call.id)}: the link to Redis was lost before the answer came; the charger may or may not have received it`,
        ),
    );
    this.emit("unavailable");
  }

  #failPending(error: (call: RemoteCall) => Error): void {
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of calls) call.reject(error(call));
    this.#checkDrained();
  }

  /** Runs a Redis command, turning a missing link into ClusterUnavailableError. */
  async #command<T>(run: () => Promise<T>): Promise<T> {
    if (!this.#available) throw new ClusterUnavailableError();
    try {
      return await run();
    } catch (error) {
      if (!this.#available || isConnectionError(error))
        throw new ClusterUnavailableError(`The cluster is unavailable: ${(error as Error).message}`);
      throw error;
    }
  }

  #script(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.#command(async () => {
      try {
        return await this.#commands.evalsha(script.sha, script.keys, ...keys, ...args);
      } catch (error) {
        // A restarted or failed-over Redis has an empty script cache.
        if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
        return this.#commands.eval(script.lua, script.keys, ...keys, ...args);
      }
    });
  }

  // --- Presence of this node's chargers ---

  #onConnect(chargePoint: AnyChargePoint, context: ChargePointContext): void {
    rememberProtocol(chargePoint.protocol);
    const since = Date.now();
    const entry = { chargePoint, since, value: presenceValue(this.nodeId, ++this.#nextConnection, chargePoint.ocppVersion, since) };
    this.#local.set(context.id, entry);
    if (!this.#available) {
      this.#dirty = true;
      return;
    }
    this.#register(context.id, entry, this.#host?.replaceExisting === false ? "0" : "1").catch(() => {
      this.#dirty = true;
    });
  }

  #onDisconnect(chargePoint: AnyChargePoint): void {
    const id = chargePoint.id;
    const entry = this.#local.get(id);
    if (entry?.chargePoint !== chargePoint) return;
    this.#local.delete(id);
    if (!this.#available) {
      this.#dirty = true;
      return;
    }
    this.#unregister(id, entry.value).catch(() => {
      this.#dirty = true;
    });
  }

  async #register(id: string, entry: LocalCharger, mode: "0" | "1" | "2"): Promise<void> {
    const keys = this.#keys;
    const [registered, old] = (await this.#script(
      registerScript,
      [keys.presence, keys.chargers(this.nodeId)],
      [keys.tag, id, entry.value, this.nodeId, mode, keys.events, keys.inboxPrefix, entry.since],
    )) as [number, string | null];
    if (registered === 1 || this.#local.get(id) !== entry) return;
    this.#local.delete(id);
    const holder = old ? nodeOf(old) : "another node";
    if (mode === "0") {
      // Two handshakes for one id on two nodes both passed the 409 check: the first registered keeps it.
      entry.chargePoint.close(1008, `Connected already, on node ${holder}`.slice(0, 123));
    } else {
      entry.chargePoint.close(1000, "Replaced by a new connection on another node");
    }
  }

  #unregister(id: string, value: string): Promise<unknown> {
    const keys = this.#keys;
    return this.#script(unregisterScript, [keys.presence, keys.chargers(this.nodeId)], [id, value, keys.events]);
  }

  /**
   * Makes Redis agree with this node again after an outage (or a Redis that lost its data): the node's
   * heartbeat, its stale entries removed, every local charger registered (newest connection winning).
   */
  #rebuild(): Promise<void> {
    if (this.#rebuilding) {
      this.#dirty = true;
      return this.#rebuilding;
    }
    this.#rebuilding = (async () => {
      do {
        this.#dirty = false;
        await this.#heartbeat();
        const keys = this.#keys;
        const listed = await this.#command(() => this.#commands.smembers(keys.chargers(this.nodeId)));
        const stale = listed.filter((id) => !this.#local.has(id));
        if (stale.length > 0) {
          const values = await this.#command(() => this.#commands.hmget(keys.presence, ...stale));
          await Promise.all(
            stale.map((id, i) => (values[i] && nodeOf(values[i]) === this.nodeId ? this.#unregister(id, values[i]) : undefined)),
          );
        }
        const entries = [...this.#local];
        for (let i = 0; i < entries.length; i += rebuildBatch) {
          await Promise.all(entries.slice(i, i + rebuildBatch).map(([id, entry]) => this.#register(id, entry, "2")));
        }
      } while (this.#dirty && this.#available);
    })()
      .catch((error: unknown) => {
        this.#dirty = true;
        if (this.#available) this.#logger.warn?.("Could not rebuild this node's presence; retrying", { error: String(error) });
      })
      .finally(() => {
        this.#rebuilding = undefined;
      });
    return this.#rebuilding;
  }

  async #heartbeat(): Promise<number> {
    const keys = this.#keys;
    return (await this.#script(
      heartbeatScript,
      [keys.heartbeat(this.nodeId), keys.nodes],
      [this.heartbeatTtlMs, this.nodeId, JSON.stringify({ pid: process.pid, host: hostname() })],
    )) as number;
  }

  #onTick(): void {
    if (!this.#available || this.#ticking) return;
    this.#ticking = true;
    this.#tickOnce()
      .catch((error: unknown) => {
        if (this.#available) this.#logger.warn?.("Cluster heartbeat failed", { error: String(error) });
      })
      .finally(() => {
        this.#ticking = false;
      });
  }

  async #tickOnce(): Promise<void> {
    this.#expireOverdue();
    await this.#tickFrames();
    if (this.#host) {
      // 0: the heartbeat had expired (a long pause, a failover, a Redis that lost its data): others may
      // have removed this node's chargers, so they are registered again.
      if ((await this.#heartbeat()) === 0 || this.#dirty) await this.#rebuild();
      const keys = this.#keys;
      await this.#script(reapScript, [keys.nodes, keys.presence], [keys.tag, keys.events]);
    }
    await this.#checkTargets();
  }

  // --- Frame relay (frames.ts) ---

  /** Subscribes to the relay's channel (when `subscribe`) and tells the nodes someone watches. */
  #watchFrames(subscribe: boolean): void {
    const keys = this.#keys;
    if (subscribe)
      this.#subscriber.subscribe(keys.frames).catch((error: unknown) => {
        this.#logger.warn?.("Could not subscribe to the cluster's frames; retrying on the next reconnect", { error: String(error) });
      });
    this.#commands.set(keys.framesWatched, this.nodeId, "PX", this.heartbeatTtlMs).catch(() => {});
  }

  /**
   * A key with a TTL rather than PUBSUB NUMSUB: one cheap EXISTS per node and tick, the same on one Redis
   * and on Redis Cluster (where NUMSUB counts the subscribers of one shard only).
   */
  async #tickFrames(): Promise<void> {
    if (this.listenerCount("frame") > 0) this.#watchFrames(false);
    // A failed check leaves the relay as it was: it must never cost the node its heartbeat.
    if (this.#tapped)
      this.#relaying = await this.#command(() => this.#commands.exists(this.#keys.framesWatched)).then(
        (watched) => watched === 1,
        () => this.#relaying,
      );
    if (this.#framesDropped > 0) {
      this.#logger.warn?.("The frame relay dropped frames Redis did not take in time", { dropped: this.#framesDropped });
      this.#framesDropped = 0;
    }
  }

  #relayFrame(id: string, direction: "in" | "out", text: string): void {
    const listened = this.listenerCount("frame") > 0;
    if (!listened && !this.#relaying) return;
    const frame: ClusterFrame = { node: this.nodeId, id, direction, text, at: new Date().toISOString() };
    // This member's own listeners get its frames at once (Redis down or not); the copy Redis echoes is skipped.
    if (listened) this.emit("frame", frame);
    if (!this.#relaying || !this.#available) return;
    if (this.#framesInFlight >= maxFramesInFlight) {
      this.#framesDropped++;
      return;
    }
    this.#framesInFlight++;
    this.#commands
      .publish(this.#keys.frames, encodeFrame(frame))
      .catch(() => {
        this.#framesDropped++;
      })
      .finally(() => {
        this.#framesInFlight--;
      });
  }

  #onFrameMessage(text: string): void {
    if (this.listenerCount("frame") === 0) return;
    const frame = parseFrame(text);
    if (!frame) {
      this.#logger.warn?.("Ignored a malformed cluster message", { channel: this.#keys.frames, message: text.slice(0, 200) });
      return;
    }
    if (frame.node !== this.nodeId) this.emit("frame", frame);
  }

  // --- Calls to other nodes ---

  #remote(id: string, payload: CallPayload, options: CallOptions, send: boolean): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ClusterUnavailableError("The cluster member is closed"));
    if (!this.#available) return Promise.reject(new ClusterUnavailableError());
    const action = actionOf(payload) ?? "";
    const flags =
      (options.suppress === false ? CallFlag.Throw : 0) |
      (options.skipSchemaValidation === true ? CallFlag.SkipSchemaValidation : 0) |
      (send ? CallFlag.Send : 0);
    const request = ++this.#nextRequest;
    let text: string;
    try {
      const message: CallMessage = ["call", request, this.nodeId, id, action, payload, flags, options.uniqueId ?? null];
      text = JSON.stringify(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const call: RemoteCall = {
        id,
        action,
        send,
        uniqueId: options.uniqueId,
        deadline: Date.now() + this.#callTimeoutMs,
        resolve,
        reject,
        node: undefined,
      };
      this.#pending.set(request, call);
      const keys = this.#keys;
      this.#script(routeScript, [keys.presence], [keys.tag, id, text, keys.inboxPrefix]).then(
        (reply) => {
          const [reached, value] = reply as [number, string | null | undefined];
          if (reached > 0 && value) {
            call.node = nodeOf(value);
            return;
          }
          if (!this.#take(request, call)) return;
          reject(
            new NotConnectedError(
              value
                ? `Cannot send ${action}: ${JSON.stringify(id)} is on node ${nodeOf(value)}, which is not running`
                : `Cannot send ${action}: ${JSON.stringify(id)} is not connected to any node of the cluster`,
            ),
          );
        },
        (error: Error) => {
          if (this.#take(request, call))
            reject(
              error instanceof ClusterUnavailableError ? error : new ClusterUnavailableError(`Cannot route ${action}: ${error.message}`),
            );
        },
      );
    });
  }

  /** Removes a pending call if it is still there (its answer may have won the race): true when it was. */
  #take(request: number, call: RemoteCall): boolean {
    if (this.#pending.get(request) !== call) return false;
    this.#pending.delete(request);
    this.#checkDrained();
    return true;
  }

  #onMessage(channel: string, text: string): void {
    if (channel === this.#keys.frames) {
      this.#onFrameMessage(text);
      return;
    }
    // Every member hears every connect and disconnect in the cluster: with nobody listening and no call
    // waiting on a node, an event is not worth parsing.
    if (channel === this.#keys.events && this.#pending.size === 0 && !this.#listensToEvents()) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    // Anyone with access to Redis can publish here: a message of the wrong shape is logged and dropped,
    // never allowed to throw inside the subscriber's event handler.
    const kind = wellFormed(message, channel === this.#keys.events);
    if (!kind) {
      this.#logger.warn?.("Ignored a malformed cluster message", { channel, message: text.slice(0, 200) });
      return;
    }
    const fields = message as unknown[];
    switch (kind) {
      case "call":
        this.#execute(fields as CallMessage);
        return;
      case "ok":
        this.#onAnswer(fields as OkMessage);
        return;
      case "err": {
        const request = fields[1] as number;
        const call = this.#pending.get(request);
        if (call && this.#take(request, call)) call.reject(decodeError(fields[2] as EncodedError));
        return;
      }
      case "kick": {
        const [, id, value] = fields as KickMessage;
        const entry = this.#local.get(id);
        if (entry?.value !== value) return;
        this.#local.delete(id);
        entry.chargePoint.close(1000, "Replaced by a new connection on another node");
        return;
      }
      default:
        this.#onEvent(fields as EventMessage);
    }
  }

  #listensToEvents(): boolean {
    return this.listenerCount("connect") + this.listenerCount("disconnect") + this.listenerCount("nodeDown") > 0;
  }

  #onEvent(message: EventMessage): void {
    if (message[0] === "nodeDown") {
      const node = message[1];
      this.#failCallsTo(new Set([node]));
      this.emit("nodeDown", node);
    } else if (message[0] === "connect" || message[0] === "disconnect") {
      if (this.listenerCount(message[0]) > 0) this.emit(message[0], parsePresence(message[1], message[2]));
    }
  }

  #onAnswer(message: OkMessage): void {
    const [, request, ocppVersion, result] = message;
    const call = this.#pending.get(request);
    if (!call || !this.#take(request, call)) return;
    if (call.send || result === null) {
      call.resolve(call.send ? result : undefined);
      return;
    }
    const protocol = protocolOf(ocppVersion);
    if (protocol instanceof Promise) protocol.then((loaded) => call.resolve(typedResult(loaded, call.action, result)), call.reject);
    else call.resolve(typedResult(protocol, call.action, result));
  }

  /** Runs a call another member routed here, on the local ChargePoint, and publishes how it ended. */
  #execute(message: CallMessage): void {
    const [, request, replyTo, id, action, payload, flags, uniqueId] = message;
    const chargePoint = this.#host?.chargePoints.get(id);
    if (!chargePoint) {
      this.#reply(replyTo, [
        "err",
        request,
        ["notConnected", `Cannot send ${action}: ${JSON.stringify(id)} is not connected to node ${this.nodeId}`],
      ]);
      return;
    }
    // Rebuilt as the target version's own class, so the ChargePoint checks it exactly as a local call:
    // an action the version lacks, or a payload its schema refuses, fails with the same error.
    const Request = chargePoint.protocol.actions.get(action)?.Request as (new (payload: unknown) => CallPayload) | undefined;
    const typed = Request ? new Request(payload) : (payload as CallPayload);
    const callOptions = { uniqueId: uniqueId ?? undefined, skipSchemaValidation: (flags & CallFlag.SkipSchemaValidation) !== 0 };
    let result: Promise<unknown>;
    try {
      result =
        (flags & CallFlag.Send) !== 0
          ? Promise.resolve((chargePoint as unknown as Sendable).send(typed, callOptions))
          : chargePoint.call(typed, { ...callOptions, suppress: (flags & CallFlag.Throw) === 0 });
    } catch (error) {
      result = Promise.reject(error);
    }
    this.#executing++;
    result
      .then(
        (value) => this.#reply(replyTo, ["ok", request, chargePoint.ocppVersion, value ?? null]),
        (error: unknown) => this.#reply(replyTo, ["err", request, encodeError(error, action, chargePoint.responseTimeoutMs)]),
      )
      .finally(() => {
        this.#executing--;
        this.#checkDrained();
      });
  }

  #reply(node: string, message: unknown[]): void {
    if (!this.#available) return;
    this.#commands.publish(this.#keys.inbox(node), JSON.stringify(message)).catch((error: unknown) => {
      this.#logger.warn?.("Could not send a cluster call's answer; the caller fails it when its link drops", {
        node,
        error: String(error),
      });
    });
  }

  #checkDrained(): void {
    if (this.inFlight > 0 || this.#drainWaiters.length === 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** The caller's safety net: calls whose answer is overdue (deadlines grow in call order). */
  #expireOverdue(): void {
    const now = Date.now();
    for (const [request, call] of this.#pending) {
      if (call.deadline > now) break;
      this.#take(request, call);
      call.reject(new CallTimeoutError(call.action, call.uniqueId ?? `cluster call ${request}`, this.#callTimeoutMs));
    }
  }

  /** Calls in flight to a node whose heartbeat expired can get no answer: they fail now, not at their timeout. */
  async #checkTargets(): Promise<void> {
    const nodes = new Set<string>();
    for (const call of this.#pending.values()) if (call.node) nodes.add(call.node);
    if (nodes.size === 0) return;
    const targets = [...nodes];
    const alive = await this.#command(() => Promise.all(targets.map((node) => this.#commands.exists(this.#keys.heartbeat(node)))));
    const dead = new Set(targets.filter((_, i) => alive[i] === 0));
    if (dead.size > 0) this.#failCallsTo(dead);
  }

  #failCallsTo(dead: ReadonlySet<string>): void {
    for (const [request, call] of this.#pending) {
      if (!call.node || !dead.has(call.node) || !this.#take(request, call)) continue;
      call.reject(
        new NotConnectedError(
          `${call.action} got no response: node ${call.node}, which held ${JSON.stringify(call.id)}, stopped (its heartbeat expired); the charger may or may not have received it`,
        ),
      );
    }
  }
}

const isString = (value: unknown): value is string => typeof value === "string";

/** The kind of a message of the right shape for its channel, else undefined. */
function wellFormed(message: unknown, event: boolean): string | undefined {
  if (!Array.isArray(message) || !isString(message[0])) return undefined;
  const [kind, a, b, c, d, , f, g] = message as unknown[];
  if (event) {
    if (kind === "nodeDown") return isString(a) ? kind : undefined;
    return (kind === "connect" || kind === "disconnect") && isString(a) && isString(b) ? kind : undefined;
  }
  switch (kind) {
    case "call":
      return typeof a === "number" &&
        isString(b) &&
        nodeIdPattern.test(b) &&
        isString(c) &&
        isString(d) &&
        typeof f === "number" &&
        (g === null || isString(g))
        ? kind
        : undefined;
    case "ok":
      return typeof a === "number" && isString(b) && message.length === 4 ? kind : undefined;
    case "err":
      return typeof a === "number" && Array.isArray(b) && isString(b[0]) ? kind : undefined;
    case "kick":
      return isString(a) && isString(b) ? kind : undefined;
    default:
      return undefined;
  }
}

function typedResult(protocol: OcppProtocol | undefined, action: string, payload: unknown): unknown {
  const Result = protocol?.actions.get(action)?.Result as (new (payload: unknown) => object) | undefined;
  return Result ? new Result(payload) : payload;
}

function defaultNodeId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, "-")
      .slice(0, 60) || "node";
  return `${host}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

function connectRedis(redis: ClusterOptions["redis"], connectionName: string): RedisClient {
  if (typeof redis === "function") return redis();
  // No offline queue and no retry of a command cut by a disconnect: a call is either published now or
  // refused now, never sent twice and never piled up in memory while Redis is away.
  // A Redis that stops answering without closing the connection fails commands after commandTimeout.
  const safety = { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResubscribe: false, commandTimeout: 5_000, connectionName };
  const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2_000);
  if (typeof redis === "string") return new Redis(redis, { retryStrategy, ...safety });
  return new Redis({ retryStrategy, ...redis, ...safety });
}

function isConnectionError(error: unknown): boolean {
  const message = (error as Error | undefined)?.message ?? "";
  return /Stream isn't writeable|Connection is closed|enableOfflineQueue|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|max retries/i.test(
    message,
  );
}

async function quit(client: RedisClient): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to disconnect
    }
  }
  client.disconnect();
}
