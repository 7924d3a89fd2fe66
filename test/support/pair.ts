/** A central-system peer and a charge-point peer of one version, connected over a real WebSocket on 127.0.0.1. */
import type { AddressInfo } from "node:net";
import { type ChargePoint, type ConnectionLike, connect, type Logger } from "ocppkit";
import { type WebSocket, WebSocketServer } from "ws";

export interface PeerClass<C> {
  readonly protocol?: { readonly subprotocol: string };
  new (id: string, connection: ConnectionLike, options?: { logger?: Logger; responseTimeoutMs?: number }): C;
}

export interface Pair<C> {
  /** The central system's instance for the connected charger. */
  readonly csms: C;
  /** The charger's instance. */
  readonly station: C;
  /** Frames the central system received, in order. */
  readonly csmsIn: string[];
  /** Frames the charger received, in order. */
  readonly stationIn: string[];
  close(): Promise<void>;
}

const recorder = (into: string[], logger: Logger): Logger => ({
  ...logger,
  frame: (_id, direction, text) => {
    if (direction === "in") into.push(text);
  },
});

export async function connectPair<C extends ChargePoint>(
  Peer: PeerClass<C>,
  options: { logger?: Logger; responseTimeoutMs?: number; csmsLogger?: Logger; stationLogger?: Logger } = {},
): Promise<Pair<C>> {
  const subprotocol = Peer.protocol?.subprotocol ?? "ocpp1.6";
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => (offered.has(subprotocol) ? subprotocol : false),
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
  const csmsIn: string[] = [];
  const stationIn: string[] = [];
  const base: Logger = options.logger ?? {};
  const timeouts = { responseTimeoutMs: options.responseTimeoutMs ?? 5_000 };
  const connection = await connect(`ws://127.0.0.1:${port}/ocpp/CS-1`, { protocols: [subprotocol] });
  const station = new Peer("CS-1", connection, { ...timeouts, logger: recorder(stationIn, options.stationLogger ?? base) });
  const csms = new Peer("CS-1", await accepted, { ...timeouts, logger: recorder(csmsIn, options.csmsLogger ?? base) });
  const running = [station.start(), csms.start()];
  return {
    csms,
    station,
    csmsIn,
    stationIn,
    async close() {
      station.close();
      await Promise.allSettled(running);
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves once `list` holds `count` entries; bounded by `rounds` turns of the event loop and a short wait each. */
export async function waitFor(check: () => boolean, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("condition not met in time");
}
