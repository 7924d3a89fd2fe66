/**
 * The proofs of the TC_*_CS cases: the suite runs against the ocppkit simulated charger (2.0.1, real
 * WebSocket, physical actions through its control endpoint as an unattended CI run would do it), where
 * every case in scope passes; and against a deliberately wrong station (one fault per case, injected
 * into the simulator), where every case fails at the step part 6 names.
 */

import type { ServerOptions as HttpsServerOptions } from "node:https";
import {
  type CaseResult,
  type ConformanceConfig,
  type CsCase,
  type CsRunOptions,
  csCases,
  httpTrigger,
  resolveConfig,
  runCs,
} from "../../src/conformance/index.js";
import { type ConnectOptions, connect, ReconnectingConnection, TransactionQueue } from "../../src/index.js";
import { startChargerControl } from "../../src/station/control-endpoint.js";
import { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ChargePoint } from "../../src/v201/index.js";

type Body = Record<string, unknown>;

/** What makes the station wrong: it changes the simulator (its routes, what it sends) once attached. */
export type Fault = (charger: SimulatedCharger2, peer: ChargePoint) => void;

export interface FaultCase {
  readonly fault: Fault;
  /** The step the case must fail at, as the report names it. */
  readonly step: string;
  /** Config changes for this run (a feature the wrong station claims or not). */
  readonly config?: Partial<ConformanceConfig>;
}

export const stationId = "SIM-CS";

/** Short waits: the simulator answers at once; a wrong station is given a few seconds. */
export function csConfig(over: Partial<ConformanceConfig> = {}): ConformanceConfig {
  return resolveConfig({ stationId, heartbeatIntervalS: 1, responseTimeoutS: 10, actionTimeoutS: 10, ...over });
}

export function csCasesOf(block: string): CsCase[] {
  return csCases.filter((kase) => kase.block === block);
}

/**
 * A security profile for a run (A cases): the runner serves wss with `tls` and asks for `password`; the
 * simulator connects through a ReconnectingConnection (so it can reconnect and switch network profiles)
 * with `connect`'s credentials, after `prepare`.
 */
export interface SecuredLink {
  readonly tls?: HttpsServerOptions;
  readonly password?: string;
  /** `tls`: the station's own TLS settings (versions, suites, trust) for a wrong station (TC_A_04-07). */
  readonly connect: Pick<ConnectOptions, "auth" | "ca" | "cert" | "key" | "tls">;
  readonly prepare?: (charger: SimulatedCharger2) => void;
  /** The runner's endpoint one security profile higher (TC_A_19). */
  readonly upgrade?: CsRunOptions["upgrade"];
  /** The server certificate of the new CSMS root (TC_B_50, TC_M_30). */
  readonly newRootTls?: CsRunOptions["newRootTls"];
}

/**
 * Runs `cases` with the simulator as the station; `fault` makes it wrong; `secured` sets the security
 * profile. `reconnecting`: the station is the one `ocppkit charge-point` runs, a ReconnectingConnection
 * with the offline queue (for the cases that take it offline). `station`: how this station is built
 * (a user interface), before it connects.
 */
export async function runAgainstSimulator(
  cases: readonly CsCase[],
  config: ConformanceConfig,
  fault?: Fault,
  options: { secured?: SecuredLink; reconnecting?: boolean; station?: (charger: SimulatedCharger2) => void } = {},
): Promise<CaseResult[]> {
  // MessageTimeout 5 s: TC_E_41/42 wait for it on every unanswered TransactionEvent.
  const charger = new SimulatedCharger2(
    {
      id: config.stationId,
      connectors: config.evses,
      meterIntervalS: 0,
      logger: {},
      responseTimeoutMs: 5000,
      // A station that claims a permanently attached cable has one (TC_E_27).
      permanentCable: config.features.includes("PermanentCable"),
    },
    "2.0.1",
  );
  options.station?.(charger);
  const control = await startChargerControl(charger, 0);
  let running: Promise<unknown> = Promise.resolve();
  let link: ReconnectingConnection | undefined;
  const { secured } = options;
  const reconnecting = async (url: string) => {
    link = new ReconnectingConnection(url, { protocols: ["ocpp2.0.1"], retryBackOffWaitMinimumMs: 500, retryBackOffRandomRangeMs: 0 });
    const peer = charger.attach(link) as ChargePoint;
    charger.attachLink(link);
    const queue = await TransactionQueue.open(peer as never, { retryIntervalMs: 500 });
    charger.queue = queue;
    fault?.(charger, peer);
    const done = peer.start().catch(() => {});
    await charger.boot();
    await done;
    await queue.close();
  };
  try {
    return await runCs({
      config,
      cases,
      host: "127.0.0.1",
      port: 0,
      tls: secured?.tls,
      password: secured?.password,
      upgrade: secured?.upgrade,
      newRootTls: secured?.newRootTls,
      trigger: httpTrigger(control.url),
      waitForStationS: 30,
      onListening: (url) => {
        if (options.reconnecting) {
          running = reconnecting(url).catch(() => {});
          return;
        }
        running = (async () => {
          secured?.prepare?.(charger);
          const connection = secured
            ? new ReconnectingConnection(url, { protocols: ["ocpp2.0.1"], ...secured.connect, retryBackOffRandomRangeMs: 0 })
            : await connect(url, { protocols: ["ocpp2.0.1"] });
          if (connection instanceof ReconnectingConnection) link = connection;
          const peer = charger.attach(connection) as ChargePoint;
          if (link) charger.attachLink(link);
          fault?.(charger, peer);
          const done = peer.start().catch(() => {});
          await link?.whenOpen();
          await charger.boot();
          await done;
        })().catch(() => {});
      },
    });
  } finally {
    link?.close(1000, "run finished");
    charger.detach();
    control.close();
    await running;
  }
}

/** The simulator's send, with `change` deciding per message: send it (maybe changed), or drop it (undefined). */
export function onSend(charger: SimulatedCharger2, change: (action: string, body: Body) => Body | undefined): void {
  const send = charger.send.bind(charger);
  charger.send = async (action: string, body: Body) => {
    const changed = change(action, body);
    return changed === undefined ? {} : send(action, changed);
  };
}
