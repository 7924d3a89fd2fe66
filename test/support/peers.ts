/**
 * Real peers on 127.0.0.1 for the tests: a `ws` server on a random port, connected pairs of v16
 * ChargePoints (one per role), a raw `ws` client that sends hand-written frames, and a logger that
 * records what the engine reports.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type ChargePoint as AnyChargePoint, type ChargePointOptions, connect, type Logger, WsConnection } from "ocppkit";
import { ChargePoint } from "ocppkit/v16";
import { WebSocket, WebSocketServer } from "ws";

/** Registers cleanup: a test's `t`, or suiteCleanup() for a suite. */
export interface Cleanup {
  after(fn: () => unknown): void;
}

/** Cleanup for resources shared by a suite: register with `cleanup`, run `closeAll` in the suite's after(). */
export function suiteCleanup(): { readonly cleanup: Cleanup; closeAll(): Promise<void> } {
  const steps: (() => unknown)[] = [];
  return {
    cleanup: { after: (fn) => steps.push(fn) },
    closeAll: async () => {
      for (const step of steps.reverse()) await step();
    },
  };
}

export interface Accepted {
  /** The server side of the socket, already wrapped so no message is lost before a ChargePoint listens. */
  readonly socket: WebSocket;
  readonly connection: WsConnection;
  readonly request: IncomingMessage;
}

export interface TestServer {
  readonly port: number;
  /** ws://127.0.0.1:<port> */
  readonly url: string;
  /** The next accepted connection, in order of arrival. */
  accepted(): Promise<Accepted>;
  close(): Promise<void>;
}

/** A `ws` server on 127.0.0.1, random port, that accepts the ocpp1.6 subprotocol (or the first offered). */
export async function startServer(cleanup: Cleanup): Promise<TestServer> {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => (offered.has("ocpp1.6") ? "ocpp1.6" : ([...offered][0] ?? false)),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const arrived: Accepted[] = [];
  const waiting: ((accepted: Accepted) => void)[] = [];
  server.on("connection", (socket, request) => {
    const accepted = { socket, connection: new WsConnection(socket), request };
    const take = waiting.shift();
    if (take) take(accepted);
    else arrived.push(accepted);
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    });
    return closed;
  };
  cleanup.after(close);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    accepted: () => {
      const first = arrived.shift();
      return first ? Promise.resolve(first) : new Promise((resolve) => waiting.push(resolve));
    },
    close,
  };
}

export interface Recorded {
  readonly level: "warn" | "error";
  readonly message: string;
  readonly context?: Record<string, unknown>;
}

/** A logger hook that keeps every report and frame, for assertions. */
export function recordingLogger(): Logger & { readonly records: Recorded[]; readonly frames: [string, string][] } {
  const records: Recorded[] = [];
  const frames: [string, string][] = [];
  return {
    records,
    frames,
    frame: (_id, direction, text) => frames.push([direction, text]),
    warn: (message, context) => records.push({ level: "warn", message, context }),
    error: (message, context) => records.push({ level: "error", message, context }),
  };
}

export type ChargePointClass<T extends AnyChargePoint> = new (id: string, connection: WsConnection, options: ChargePointOptions) => T;

export interface PairOptions<C extends AnyChargePoint, S extends AnyChargePoint> {
  /** Class of the charger side (client). Default: ChargePoint from ocppkit/v16. */
  readonly chargePoint?: ChargePointClass<C>;
  /** Class of the central system side (server). Default: ChargePoint from ocppkit/v16. */
  readonly centralSystem?: ChargePointClass<S>;
  readonly responseTimeoutMs?: number;
  readonly id?: string;
}

export interface Pair<C extends AnyChargePoint, S extends AnyChargePoint> {
  /** The charger, connected with connect() as a client. */
  readonly chargePoint: C;
  /** The central system's ChargePoint for that charger, on the server side of the same socket. */
  readonly centralSystem: S;
  readonly chargePointLog: ReturnType<typeof recordingLogger>;
  readonly centralSystemLog: ReturnType<typeof recordingLogger>;
  /** The start() promises (already started). */
  readonly chargePointRunning: Promise<void>;
  readonly centralSystemRunning: Promise<void>;
  readonly server: TestServer;
}

/** Two connected, started v16 ChargePoints: a charger (client) and its central system (server side). */
export async function connectedPair<C extends AnyChargePoint = ChargePoint, S extends AnyChargePoint = ChargePoint>(
  cleanup: Cleanup,
  options: PairOptions<C, S> = {},
): Promise<Pair<C, S>> {
  const server = await startServer(cleanup);
  const id = options.id ?? "CP-1";
  const connection = await connect(`${server.url}/${id}`);
  const accepted = await server.accepted();
  const chargePointLog = recordingLogger();
  const centralSystemLog = recordingLogger();
  const ChargerClass = (options.chargePoint ?? ChargePoint) as ChargePointClass<C>;
  const CentralClass = (options.centralSystem ?? ChargePoint) as ChargePointClass<S>;
  const timeout = { responseTimeoutMs: options.responseTimeoutMs ?? 5_000 };
  const chargePoint = new ChargerClass(id, connection, { ...timeout, logger: chargePointLog });
  const centralSystem = new CentralClass(id, accepted.connection, { ...timeout, logger: centralSystemLog });
  const chargePointRunning = chargePoint.start();
  const centralSystemRunning = centralSystem.start();
  // Their outcome is asserted where it matters; an abnormal close at cleanup must not fail the test.
  chargePointRunning.catch(() => {});
  centralSystemRunning.catch(() => {});
  cleanup.after(() => chargePoint.close());
  return { chargePoint, centralSystem, chargePointLog, centralSystemLog, chargePointRunning, centralSystemRunning, server };
}

/** A plain `ws` client that sends hand-written frames and reads what comes back, one message at a time. */
export class RawPeer {
  readonly socket: WebSocket;
  /** Every text received, in order. */
  readonly received: string[] = [];
  #read = 0;
  #waiting: (() => void) | undefined;
  #closed: Promise<{ code: number; reason: string }>;

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      this.received.push(data.toString());
      this.#waiting?.();
    });
    this.#closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Sends a frame: a string as it is (possibly broken on purpose), anything else as JSON. */
  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next text received that was not read yet. */
  async nextText(): Promise<string> {
    while (this.#read >= this.received.length) {
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
      this.#waiting = undefined;
    }
    return this.received[this.#read++];
  }

  /** The next message received, parsed. */
  async next(): Promise<unknown[]> {
    return JSON.parse(await this.nextText()) as unknown[];
  }

  /** Sends a CALL and reads until its answer arrives; returns the answer and what came before it. */
  async roundTrip(frame: [2, string, string, object]): Promise<{ answer: unknown[]; before: unknown[][] }> {
    this.send(frame);
    const before: unknown[][] = [];
    for (;;) {
      const message = await this.next();
      if ((message[0] === 3 || message[0] === 4) && message[1] === frame[1]) return { answer: message, before };
      before.push(message);
    }
  }

  /** Resolves when the socket has closed. */
  closed(): Promise<{ code: number; reason: string }> {
    return this.#closed;
  }
}

export interface RawSetup<T extends AnyChargePoint> {
  /** The ChargePoint under test, on the server side, started. */
  readonly chargePoint: T;
  readonly running: Promise<void>;
  readonly log: ReturnType<typeof recordingLogger>;
  /** The hand-written side. */
  readonly raw: RawPeer;
  readonly accepted: Accepted;
}

/**
 * A ChargePoint (server side, started) facing a raw `ws` client. `prepare` runs before start(), e.g.
 * to route handlers.
 */
export async function rawPeerWith<T extends AnyChargePoint = ChargePoint>(
  cleanup: Cleanup,
  options: { readonly chargePoint?: ChargePointClass<T>; readonly responseTimeoutMs?: number; readonly start?: boolean } = {},
): Promise<RawSetup<T>> {
  const server = await startServer(cleanup);
  const socket = new WebSocket(`${server.url}/CP-RAW`, ["ocpp1.6"]);
  const raw = new RawPeer(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  cleanup.after(() => socket.terminate());
  const accepted = await server.accepted();
  const log = recordingLogger();
  const Class = (options.chargePoint ?? ChargePoint) as ChargePointClass<T>;
  const chargePoint = new Class("CP-RAW", accepted.connection, { responseTimeoutMs: options.responseTimeoutMs ?? 5_000, logger: log });
  const running = options.start === false ? Promise.resolve() : chargePoint.start();
  running.catch(() => {});
  return { chargePoint, running, log, raw, accepted };
}

/** Settles state: `undefined` while pending, else how it settled. */
export function watch(promise: Promise<unknown>): { readonly state: () => "pending" | "resolved" | "rejected" } {
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => {
      state = "resolved";
    },
    () => {
      state = "rejected";
    },
  );
  return { state: () => state };
}
