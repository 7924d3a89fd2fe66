/**
 * What a 2.x station reports when its connection comes back (B04): offline longer than
 * OCPPCommCtrlr.OfflineThreshold, the state of every connector (B04.FR.01); shorter, only of the
 * connectors whose state changed meanwhile (B04.FR.02). A reboot reports them all anyway.
 */
import type { LinkStateChange } from "../transport/reconnecting-connection.js";

export interface OfflineStatusHost {
  /** OfflineThreshold, in seconds. */
  offlineThresholdS(): number;
  /** The station is registered (not rebooting or Pending: nothing but a BootNotification goes then, B03). */
  registered(): boolean;
  evseIds(): readonly number[];
  /** Reports the connector's current state. */
  send(evseId: number): Promise<void>;
}

export class OfflineStatus {
  readonly #host: OfflineStatusHost;
  #offlineSince: number | undefined;
  readonly #changed = new Set<number>();

  constructor(host: OfflineStatusHost) {
    this.#host = host;
  }

  /** A connector's state changed while offline: it is reported once the connection is back. */
  changed(evseId: number): void {
    this.#changed.add(evseId);
  }

  /** A boot reports every connector: nothing is left to report. */
  reset(): void {
    this.#changed.clear();
  }

  /** The link's state changes: the offline period starts with a lost link and ends with the next open one. */
  onState(change: LinkStateChange): void {
    if (change.state === "disconnected") {
      this.#offlineSince ??= performance.now();
      return;
    }
    if (change.state !== "open" || this.#offlineSince === undefined) return;
    const offlineMs = performance.now() - this.#offlineSince;
    this.#offlineSince = undefined;
    if (!this.#host.registered()) return;
    const changed = [...this.#changed];
    this.#changed.clear();
    const all = offlineMs > this.#host.offlineThresholdS() * 1000;
    sendEach(this.#host, all ? this.#host.evseIds() : changed).catch(() => {});
  }
}

async function sendEach(host: OfflineStatusHost, evseIds: readonly number[]): Promise<void> {
  for (const id of evseIds) await host.send(id);
}
