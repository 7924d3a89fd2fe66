/**
 * A load run with reconnecting chargers (`ocppkit load --reconnect`): chargers on ReconnectingConnection, and what their reconnections look like
 * after the central system goes away (a restart): how many links were lost, how long each charger took
 * to come back, spread over whole seconds after the loss, and how many are still down.
 */
import { type ConnectOptions, ReconnectingConnection } from "../index.js";

/** Reconnection figures of a load run. */
export interface ReconnectReport {
  /** Open links lost (a charger that lost its link twice counts twice). */
  readonly lost: number;
  /** Lost links that were open again before the end of the run. */
  readonly back: number;
  /** Chargers whose link was lost and not back when the run ended. */
  readonly down: number;
  /** From a lost link to the next open one, in ms. */
  readonly afterMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Reconnections by whole seconds after the loss: perSecond[2] came back 2 to 3 s after losing the link. */
  readonly perSecond: number[];
}

export class ReconnectStats {
  lost = 0;
  #waits: number[] = [];
  // Links lost and not open again yet.
  #down = new Set<ReconnectingConnection>();

  /** Opens a charger's link, resolving once it is open, or false when none opened by `deadline` (performance.now()). */
  async open(url: string, options: ConnectOptions, deadline: number): Promise<ReconnectingConnection | undefined> {
    const link = new ReconnectingConnection(url, options);
    let lostAt: number | undefined;
    link.on("state", (change) => {
      if (change.state === "disconnected" && !change.error && lostAt === undefined) {
        lostAt = performance.now();
        this.lost++;
        this.#down.add(link);
      } else if (change.state === "open" && lostAt !== undefined) {
        this.#waits.push(performance.now() - lostAt);
        lostAt = undefined;
        this.#down.delete(link);
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
    });
    const opened = await Promise.race([link.whenOpen().then(() => true), timedOut]).catch(() => false);
    clearTimeout(timer);
    if (!opened) {
      link.close(1000, "load run over");
      return undefined;
    }
    return link;
  }

  report(): ReconnectReport {
    const waits = [...this.#waits].sort((a, b) => a - b);
    const at = (p: number) => (waits.length ? Math.round(waits[Math.min(waits.length - 1, Math.ceil((p / 100) * waits.length) - 1)]) : 0);
    const perSecond: number[] = [];
    for (const wait of waits) {
      const second = Math.floor(wait / 1000);
      while (perSecond.length <= second) perSecond.push(0);
      perSecond[second]++;
    }
    return {
      lost: this.lost,
      back: waits.length,
      down: this.#down.size,
      afterMs: { p50: at(50), p90: at(90), p99: at(99), max: at(100) },
      perSecond,
    };
  }
}
