/**
 * The station's state over a restart: one small JSON file, `station.json`, in the charger's state
 * directory (the one that also holds the offline queue), with a section per OCPP version so a charger
 * started as another version starts fresh. Written whole, atomically (a temporary file, fsync, rename),
 * after each change, and always before the answer to the command that changed it goes out (`durably`):
 * a station killed after answering Accepted still has what it accepted. A file that cannot be read is set aside as station.json.corrupt and the station
 * starts fresh, saying so.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Handler } from "../rpc/routing.js";
import type { Routable } from "./station-2.js";

export const stateFileName = "station.json";

export class StationStateFile {
  readonly path: string;
  readonly #dir: string;
  readonly #section: string;
  #pending: (() => unknown) | undefined;
  /** Told when the file could not be read or written (the station goes on). */
  onProblem: (message: string) => void = () => {};

  constructor(dir: string, section: string) {
    this.#dir = dir;
    this.path = join(dir, stateFileName);
    this.#section = section;
  }

  #readAll(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      throw new Error("not a JSON object");
    } catch (error) {
      renameSync(this.path, `${this.path}.corrupt`);
      this.onProblem(
        `${this.path} could not be read (${error instanceof Error ? error.message : String(error)}): kept as station.json.corrupt, starting fresh`,
      );
      return {};
    }
  }

  /** This version's saved state, undefined when there is none. */
  load(): unknown {
    return this.#readAll()[this.#section];
  }

  /** Saves `state()` once the current task is done (changes made together are written once). */
  save(state: () => unknown): void {
    const first = this.#pending === undefined;
    this.#pending = state;
    if (first) queueMicrotask(() => this.flush());
  }

  /** Writes the pending state now. */
  flush(): void {
    const state = this.#pending;
    this.#pending = undefined;
    if (!state) return;
    try {
      mkdirSync(this.#dir, { recursive: true });
      const all = this.#readAll();
      all[this.#section] = state();
      const temporary = `${this.path}.${process.pid}.tmp`;
      const fd = openSync(temporary, "w");
      try {
        writeSync(fd, `${JSON.stringify(all, null, 1)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch (error) {
      this.onProblem(`${this.path} could not be written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * `peer` whose handlers write the pending state before their answer is sent: a CSMS told Accepted
 * is never told so about a change a crash right after the answer would lose (a sync handler's answer
 * goes out before any microtask, so the deferred save alone would come too late).
 */
export function durably(peer: Routable, file: () => StationStateFile | undefined): Routable {
  const flushed = <T>(value: T): T => {
    file()?.flush();
    return value;
  };
  return {
    route: (action, handler, options) =>
      peer.route(
        action,
        (payload: never, uniqueId: string) => {
          const result = handler(payload, uniqueId);
          return result instanceof Promise ? result.then(flushed) : flushed(result);
        },
        options,
      ),
    routeAfter: (action: string, handler: Handler, options) => peer.routeAfter(action, handler, options),
  };
}
