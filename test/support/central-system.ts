import type { AddressInfo } from "node:net";
import { InternalError, silentLogger } from "ocppkit";
import { ChargePoint } from "ocppkit/v16";
import { type WebSocket, WebSocketServer } from "ws";

export interface Received {
  readonly action: string;
  readonly payload: Record<string, unknown>;
  readonly uniqueId: string;
  /** Which WebSocket connection (1, 2, ...) carried it. */
  readonly link: number;
}

type BootStatus = "Accepted" | "Pending" | "Rejected";

const answered = [
  "BootNotification",
  "Heartbeat",
  "StatusNotification",
  "StartTransaction",
  "MeterValues",
  "StopTransaction",
  "SecurityEventNotification",
];

/**
 * A plain `ws` server on 127.0.0.1 with one v16 ChargePoint per connection, recording every CALL it
 * receives and misbehaving on request (CALLERRORs, silence, Pending/Rejected boots).
 */
export class TestCentralSystem {
  #server: WebSocketServer;
  #port = 0;
  #links = 0;
  #sockets = new Set<WebSocket>();
  #waiters = new Set<() => void>();
  readonly received: Received[] = [];
  /** The subprotocols each handshake offered, in order. */
  readonly offered: string[][] = [];
  /** Statuses of the next BootNotifications, consumed in order; Accepted when empty. */
  bootStatuses: BootStatus[] = [];
  bootInterval = 1;
  /** Answer the next N CALLs of an action with a CALLERROR (InternalError). */
  readonly failNext = new Map<string, number>();
  /** Answer with a CALLERROR (InternalError) every CALL this returns true for. */
  fail: ((received: Received) => boolean) | undefined;
  /** Never answer CALLs of these actions. */
  readonly silent = new Set<string>();
  nextTransactionId = 100;
  /** The central system's side of each connection, in order: to send CALLs to the charger. */
  readonly sessions: ChargePoint[] = [];
  /** How long a session's own CALLs wait for the charger's answer. */
  sessionTimeoutMs = 10_000;

  private constructor(server: WebSocketServer) {
    this.#server = server;
  }

  static async start(port = 0): Promise<TestCentralSystem> {
    const system = new TestCentralSystem(undefined as unknown as WebSocketServer);
    await system.#listen(port);
    return system;
  }

  get port(): number {
    return this.#port;
  }

  url(id = "CP-1"): string {
    return `ws://127.0.0.1:${this.#port}/ocpp/${id}`;
  }

  /** Resolves once `predicate` holds (checked after every received CALL and new connection). */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  get connections(): number {
    return this.#links;
  }

  actions(): string[] {
    return this.received.map((r) => r.action);
  }

  /** Stops the server and drops every connection, as a crash of the central system would. */
  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Closes every open connection from the server side, the server staying up. */
  closeLinks(code = 1000, reason = ""): void {
    for (const socket of this.#sockets) socket.close(code, reason);
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.#listen(this.#port);
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  async #listen(port: number): Promise<void> {
    const server = new WebSocketServer({
      host: "127.0.0.1",
      port,
      handleProtocols: (protocols) => {
        this.offered.push([...protocols]);
        for (const supported of ["ocpp1.6", "ocpp2.0.1"]) if (protocols.has(supported)) return supported;
        return false;
      },
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    this.#port = (server.address() as AddressInfo).port;
    server.on("connection", (socket) => this.#accept(socket));
  }

  #accept(socket: WebSocket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    const link = ++this.#links;
    const session = new ChargePoint("CP", socket, { logger: silentLogger, responseTimeoutMs: this.sessionTimeoutMs });
    this.sessions.push(session);
    for (const action of answered) {
      session.route(
        action,
        (payload: Record<string, unknown>, uniqueId: string) => {
          const received = { action, payload, uniqueId, link };
          this.received.push(received);
          queueMicrotask(() => this.#notify());
          if (this.silent.has(action)) return new Promise(() => {});
          if (this.fail?.(received)) throw new InternalError("told to fail");
          const failures = this.failNext.get(action) ?? 0;
          if (failures > 0) {
            this.failNext.set(action, failures - 1);
            throw new InternalError("told to fail");
          }
          return this.#answer(action);
        },
        { callUniqueIdRequired: true, skipSchemaValidation: true },
      );
    }
    session.start().catch(() => {});
    this.#notify();
  }

  #answer(action: string): object {
    const now = new Date().toISOString();
    switch (action) {
      case "BootNotification":
        return { status: this.bootStatuses.shift() ?? "Accepted", currentTime: now, interval: this.bootInterval };
      case "Heartbeat":
        return { currentTime: now };
      case "StartTransaction":
        return { transactionId: this.nextTransactionId++, idTagInfo: { status: "Accepted" } };
      case "StopTransaction":
        return { idTagInfo: { status: "Accepted" } };
      default:
        return {};
    }
  }
}
