/**
 * A central system (ocppkit/server, validating every payload against the version's schemas) with the
 * real `ocppkit charge-point` simulator connected to it as a child process: tests send CSMS commands
 * over the socket and read the station's follow-up CALLs in the order they arrived.
 */
import { type Connection, type ConnectionReceiver, type PayloadClass, silentLogger } from "ocppkit";
import { CentralSystem } from "ocppkit/server";
import * as v16 from "ocppkit/v16";
import * as v21 from "ocppkit/v21";
import * as v201 from "ocppkit/v201";
import { CliProcess } from "../cli/cli-process.js";

export type Version = "1.6" | "2.0.1" | "2.1";
type Body = Record<string, unknown>;

export interface Received {
  /** The action of a CALL from the station, or `<Action>Response` for the station's answer to a test's command. */
  readonly action: string;
  readonly payload: Body;
}

const kits = { "1.6": v16, "2.0.1": v201, "2.1": v21 } as const;

type Session = { call(payload: object, options: { suppress: false }): Promise<unknown>; route(...args: never[]): unknown };

export interface StationOptions {
  readonly version: Version;
  readonly connectors?: number;
  readonly args?: readonly string[];
  /** Environment of the simulator process (e.g. NODE_EXTRA_CA_CERTS for an https:// file server). */
  readonly env?: Record<string, string>;
  /** Answers of the central system by action (defaults: Accepted boots, accepted tokens, empty answers). */
  readonly answers?: Record<string, (request: Body) => Body>;
}

export class StationUnderTest {
  readonly received: Received[] = [];
  readonly version: Version;
  charger!: CliProcess;
  #central!: CentralSystem;
  #session: Session | undefined;
  #waiters = new Set<() => void>();
  #port = 0;
  #args: readonly string[] = [];
  #env: Record<string, string> = {};

  private constructor(version: Version) {
    this.version = version;
  }

  static async start(t: { after(fn: () => unknown): void }, options: StationOptions): Promise<StationUnderTest> {
    const station = new StationUnderTest(options.version);
    const kit = kits[options.version];
    const answers: Record<string, (request: Body) => Body> = {
      BootNotification: () => ({ status: "Accepted", currentTime: new Date().toISOString(), interval: 300 }),
      Heartbeat: () => ({ currentTime: new Date().toISOString() }),
      Authorize: () => (options.version === "1.6" ? { idTagInfo: { status: "Accepted" } } : { idTokenInfo: { status: "Accepted" } }),
      TransactionEvent: (request) => (request.idToken ? { idTokenInfo: { status: "Accepted" } } : {}),
      StartTransaction: () => ({ transactionId: 7, idTagInfo: { status: "Accepted" } }),
      StopTransaction: () => ({}),
      DataTransfer: () => ({ status: "Accepted" }),
      SignCertificate: () => ({ status: "Accepted" }),
      ...options.answers,
    };
    station.#central = new CentralSystem({
      protocols: [`ocpp${options.version}`],
      logger: silentLogger,
      createChargePoint: ({ id, connection }) => {
        const session = new (kit.ChargePoint as unknown as typeof v201.ChargePoint)(id, station.#recording(connection), {
          logger: silentLogger,
        });
        for (const [action, sender] of Object.entries(kit.actionSender as Record<string, string>)) {
          if (sender === "CentralSystem") continue;
          session.route(action, (payload: Body) => {
            station.received.push({ action, payload });
            queueMicrotask(() => station.#notify());
            return (answers[action] ?? (() => ({})))(payload);
          });
        }
        station.#session = session as unknown as Session;
        return session;
      },
    });
    const address = await station.#central.listen(0, "127.0.0.1");
    station.#port = address.port;
    t.after(() => station.#central.close({ timeoutMs: 100 }));
    station.#args = ["--id", "CS1", "--version", options.version, "--connectors", String(options.connectors ?? 2), ...(options.args ?? [])];
    station.#env = options.env ?? {};
    station.#spawn();
    t.after(() => station.charger.stop());
    // 1.6 reports connector 0 (the charge point) too.
    const statuses = (options.connectors ?? 2) + (options.version === "1.6" ? 1 : 0);
    await station.waitFor((r) => r.action === "StatusNotification" && station.count("StatusNotification") >= statuses);
    return station;
  }

  #spawn(): void {
    this.charger = new CliProcess(["charge-point", this.url, "--meter-interval", "0", ...this.#args], this.#env);
  }

  /** The URL the simulator was started with (without its id). */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}/ocpp`;
  }

  /** Stops the simulator process and starts it again with the same arguments (a restart of the station). */
  async restart(): Promise<void> {
    await this.charger.stop();
    const before = this.received.length;
    this.#spawn();
    await this.waitFor((r, i) => i >= before && r.action === "BootNotification");
  }

  /**
   * The connection as the session sees it, noting each CALLRESULT to the test's commands in `received`
   * in wire order (the place of an answer among the station's CALLs: a follow-up must come after it).
   */
  #recording(connection: Connection): Connection {
    const sent = new Map<string, string>();
    return {
      get protocol() {
        return connection.protocol;
      },
      get isOpen() {
        return connection.isOpen;
      },
      maxConsecutiveBadFrames: connection.maxConsecutiveBadFrames,
      send: (text: string) => {
        const frame = JSON.parse(text) as unknown[];
        if (frame[0] === 2) sent.set(String(frame[1]), String(frame[2]));
        connection.send(text);
      },
      close: (code?: number, reason?: string) => connection.close(code, reason),
      listen: (receiver: ConnectionReceiver) =>
        connection.listen({
          ...receiver,
          message: (text: string) => {
            const frame = JSON.parse(text) as unknown[];
            const action = sent.get(String(frame[1]));
            if ((frame[0] === 3 || frame[0] === 4) && action !== undefined) {
              this.received.push({ action: `${action}${frame[0] === 3 ? "Response" : "Error"}`, payload: (frame[2] ?? {}) as Body });
            }
            receiver.message(text);
          },
          close: (code: number, reason: string) => receiver.close(code, reason),
        }),
    };
  }

  /** Stops the central system and drops its connections: the station is offline from now on. */
  async stopCentral(): Promise<void> {
    await this.#central.close({ timeoutMs: 100 });
  }

  /** Waits for a JSON event line of the simulator (it runs with --json). */
  event(
    test: (line: { event?: string; message?: string; connectorId?: number }) => boolean,
  ): Promise<{ event?: string; message?: string }> {
    return this.charger.waitForJson(test, 20_000);
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  count(action: string): number {
    return this.received.filter((r) => r.action === action).length;
  }

  of(action: string): Body[] {
    return this.received.filter((r) => r.action === action).map((r) => r.payload);
  }

  /** Resolves with the first received CALL (already there or still to come) that passes `test`. */
  waitFor(test: (received: Received, index: number) => boolean, timeoutMs = 20_000): Promise<Received> {
    const find = () => this.received.find((r, i) => test(r, i));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no matching CALL within ${timeoutMs} ms; received: ${this.received.map((r) => r.action).join(", ")}`));
      }, timeoutMs);
      const check = () => {
        const match = find();
        if (!match) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(match);
      };
      this.#waiters.add(check);
    });
  }

  /** Sends a CSMS command to the station and resolves with its answer (schema-checked by the central system). */
  async call(action: string, payload: Body): Promise<Body> {
    if (!this.#session) throw new Error("the station is not connected");
    const Payload = (kits[this.version].call as unknown as Record<string, PayloadClass>)[action];
    const result = await this.#session.call(new Payload(payload as never) as object, { suppress: false });
    // The payload as it came on the wire, not the callResult class instance.
    const answer = JSON.parse(JSON.stringify(result)) as Body;
    return answer;
  }

  /** Actions received since `from` (an index into `received`). */
  actionsSince(from: number): string[] {
    return this.received.slice(from).map((r) => r.action);
  }
}
