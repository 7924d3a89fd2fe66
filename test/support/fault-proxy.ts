import { type AddressInfo, createConnection, createServer, type Server, type Socket } from "node:net";

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A TCP proxy on 127.0.0.1 that sits between a charger and its central system and breaks the link on
 * demand: cut it (both sockets destroyed, as when a cellular modem loses its bearer), stall it (bytes
 * stop flowing in both directions but the sockets stay open, as behind a dead NAT), refuse new
 * connections (server unreachable), or cut the next server-to-client chunk in the middle of a frame.
 */
export class FaultProxy {
  readonly #server: Server;
  #targetPort: number;
  #pairs = new Set<Pair>();
  #stalled = false;
  #refusing = false;
  #cutMidFrame = false;
  /** Connections accepted so far (refused ones included). */
  accepted = 0;

  private constructor(server: Server, targetPort: number) {
    this.#server = server;
    this.#targetPort = targetPort;
  }

  static async start(targetPort: number): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, targetPort);
    server.on("connection", (client) => proxy.#accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Points new connections at another port (a central system restarted elsewhere). */
  set targetPort(port: number) {
    this.#targetPort = port;
  }

  /** Destroys every open connection at once. */
  cut(): void {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Stops passing bytes (both ways) on current and new connections; the sockets stay open. */
  stall(): void {
    this.#stalled = true;
  }

  /** Passes bytes again. What arrived while stalled is lost, as on a dead link. */
  unstall(): void {
    this.#stalled = false;
  }

  /** While true, new connections are closed as soon as they arrive. */
  refuse(refusing = true): void {
    this.#refusing = refusing;
  }

  /** The next chunk from the server is delivered only half, then the connection is cut. */
  cutNextServerFrameInHalf(): void {
    this.#cutMidFrame = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.accepted++;
    if (this.#refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: "127.0.0.1", port: this.#targetPort });
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.on("data", (chunk: Buffer) => {
      if (!this.#stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (this.#stalled) return;
      if (this.#cutMidFrame && chunk.length > 1) {
        this.#cutMidFrame = false;
        client.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => drop());
        return;
      }
      client.write(chunk);
    });
  }
}
