import type { WebSocket } from "ws";

/**
 * Pings every watched socket each interval and terminates the ones that did not answer the previous
 * ping with a pong (RFC 6455 section 5.5.2). One timer serves all sockets, however many are connected.
 * OCPP-J 1.6 section 5.3 and 2.0.1 part 4 section 5.2 leave liveness to WebSocket ping/pong.
 */
export class Keepalive {
  readonly intervalMs: number;
  // The server's open sockets (its sessions, keyed by socket): a set of its own would repeat an entry
  // per connection. The server calls forget() when one closes.
  readonly #sockets: ReadonlyMap<WebSocket, unknown>;
  readonly #awaitingPong = new Set<WebSocket>();
  #timer: NodeJS.Timeout | undefined;
  // Shared by every watched socket (called with the socket as `this`), not a closure per socket.
  readonly #onPong: (this: WebSocket) => void;

  constructor(intervalMs: number, sockets: ReadonlyMap<WebSocket, unknown>) {
    this.intervalMs = intervalMs;
    this.#sockets = sockets;
    const awaitingPong = this.#awaitingPong;
    this.#onPong = function (this: WebSocket) {
      awaitingPong.delete(this);
    };
  }

  watch(socket: WebSocket): void {
    if (this.intervalMs <= 0) return;
    socket.on("pong", this.#onPong);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.intervalMs);
      this.#timer.unref();
    }
  }

  forget(socket: WebSocket): void {
    this.#awaitingPong.delete(socket);
    if (this.#sockets.size === 0) this.stop();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    for (const socket of this.#sockets.keys()) {
      if (this.#awaitingPong.has(socket)) {
        this.forget(socket);
        socket.terminate();
        continue;
      }
      this.#awaitingPong.add(socket);
      try {
        socket.ping();
      } catch {
        // Not open any more: its close event removes it.
      }
    }
  }
}
