/**
 * What a simulated charger must remember across a crash, kept in its state directory (`--queue-dir`,
 * alias `--state-dir`) next to the offline queue's journal: the transactions that are open, the last
 * meter reading of each, and in 2.x the next `seqNo`. A charger that restarts ends what was open with
 * reason PowerLoss (1.6 section 4.10 / StopTransaction; 2.0.1 E06 / TransactionEvent Ended), since the
 * session cannot have survived the power going.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";

/** One open transaction as the state directory keeps it. */
export interface OpenTransaction {
  readonly connectorId: number;
  /**
   * 1.6: the central system's id, or the queue's local reference (negative) while it is unknown; absent
   * until the StartTransaction is durable in the queue. 2.x: the id the station made.
   */
  readonly transactionId?: number | string;
  /** True once the transaction's first message (StartTransaction / TransactionEvent Started) is in the queue. */
  readonly startQueued: boolean;
  readonly idTag: string;
  /** The start message's timestamp: finds a 1.6 StartTransaction whose local reference was not recorded yet. */
  readonly startedAt: string;
  /** The last meter reading known, in Wh, and when it was taken. */
  readonly meterWh: number;
  readonly meterAt: string;
  /** 2.x: the seqNo of the next TransactionEvent of this transaction. */
  readonly seqNo?: number;
}

/** What a simulator tells the state directory (or nothing, without one). */
export interface TransactionRecorder {
  /** Durable once the promise resolves: call before the message it describes is queued. */
  save(transaction: OpenTransaction): Promise<void>;
  /** The transaction ended (its last message is queued). */
  forget(connectorId: number): Promise<void>;
}

const stateFile = "charger-state.json";

interface StateFileV1 {
  readonly version: 1;
  readonly chargePoint: string;
  readonly transactions: readonly OpenTransaction[];
}

/** The state file: rewritten whole (temporary file, fsync, rename) on every change, one write at a time. */
export class ChargerState implements TransactionRecorder {
  readonly directory: string;
  readonly chargePoint: string;
  /** The transactions the previous run left open (read at open; the recovery ends them). */
  readonly leftOpen: readonly OpenTransaction[];
  #open = new Map<number, OpenTransaction>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(directory: string, chargePoint: string, leftOpen: OpenTransaction[]) {
    this.directory = directory;
    this.chargePoint = chargePoint;
    this.leftOpen = leftOpen;
    for (const transaction of leftOpen) this.#open.set(transaction.connectorId, transaction);
  }

  /**
   * Reads the state directory (created if needed). A state file of another charge point id is refused:
   * ending its transactions under this id would stop sessions the central system never gave us.
   */
  static open(directory: string, chargePoint: string): ChargerState {
    mkdirSync(directory, { recursive: true });
    let text: string | undefined;
    try {
      text = readFileSync(join(directory, stateFile), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (text === undefined) return new ChargerState(directory, chargePoint, []);
    let parsed: StateFileV1;
    try {
      parsed = JSON.parse(text) as StateFileV1;
    } catch {
      throw new Error(`${join(directory, stateFile)} is not valid JSON; move it away to start without it`);
    }
    if (parsed.version !== 1 || !Array.isArray(parsed.transactions)) {
      throw new Error(`${join(directory, stateFile)} is not a charger state file of this version`);
    }
    if (parsed.chargePoint !== chargePoint) {
      throw new Error(`${directory} holds the state of charge point ${parsed.chargePoint}, not ${chargePoint}; give each charger its own`);
    }
    return new ChargerState(directory, chargePoint, [...parsed.transactions]);
  }

  /** The transactions open now. */
  get transactions(): OpenTransaction[] {
    return [...this.#open.values()];
  }

  save(transaction: OpenTransaction): Promise<void> {
    this.#open.set(transaction.connectorId, transaction);
    return this.#write();
  }

  forget(connectorId: number): Promise<void> {
    if (!this.#open.delete(connectorId)) return this.#writing;
    return this.#write();
  }

  /** Resolves when every change made so far is on disk. */
  flush(): Promise<void> {
    return this.#writing;
  }

  #write(): Promise<void> {
    // A snapshot now, written after the writes before it: the file always moves forward.
    const body: StateFileV1 = { version: 1, chargePoint: this.chargePoint, transactions: this.transactions };
    const text = `${JSON.stringify(body)}\n`;
    // A failed write fails its own callers; the next one tries again with the newer snapshot.
    this.#writing = this.#writing.catch(() => {}).then(() => writeDurably(this.directory, text));
    return this.#writing;
  }
}

async function writeDurably(directory: string, text: string): Promise<void> {
  const path = join(directory, stateFile);
  const temporary = `${path}.tmp`;
  const file = await open(temporary, "w");
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  // The rename is durable once the directory is synced.
  const dir = await open(directory, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
