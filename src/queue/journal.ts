import { type FileHandle, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { defaultLogger, type Logger } from "../rpc/logger.js";
import { JournalCorruptError, JournalError, JournalErrorReason } from "./journal-error.js";
import { appendLine, decodeLine, headerLine, removeLine, splitLines, updateLine } from "./journal-format.js";
import { acquireLock } from "./journal-lock.js";
import type { QueueRecord, QueueStore } from "./store.js";

export interface JournalOptions {
  /**
   * What `open` does with a corrupt line that is not the last one: "error" (default) rejects with a
   * `JournalCorruptError` naming the line, "skip" logs it as a warning and keeps every other record.
   */
  corruptLines?: "error" | "skip";
  /** Compaction is considered once the file is at least this big (default 64 KiB)... */
  compactAtBytes?: number;
  /** ...and runs when fewer than `1 / compactRatio` of its lines are live records (default 4). */
  compactRatio?: number;
  /** Where skipped lines and a dropped torn tail are reported (default: `defaultLogger()`). */
  logger?: Logger;
}

const journalFile = "journal.log";
const lockFile = "journal.lock";
const compactFile = "journal.log.compact";

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A `QueueStore` in an append-only journal file with fsync (format, guarantees, compaction and lock are
 * described under "Offline queue storage" in the README). Data must be JSON: it is stored as `JSON.stringify`
 * gives it at the moment of the call, and read back with `JSON.parse`.
 *
 * Every call changes the in-memory state at once (so calls see each other in call order) and queues its
 * line; lines queued while an fsync is running go to disk together in the next write + fsync (group
 * commit), and each call resolves when the fsync covering its line has returned.
 */
export class JournalStore<T = unknown> implements QueueStore<T> {
  readonly records: readonly QueueRecord<T>[];
  /** Live records as their JSON text, in append order (a Map keeps insertion order; update keeps the position). */
  readonly #live: Map<number, string>;
  readonly #dir: string;
  readonly #path: string;
  readonly #compactAtBytes: number;
  readonly #compactRatio: number;
  readonly #releaseLock: () => Promise<void>;
  #file: FileHandle;
  #next: number;
  #size: number;
  #lines: number;
  #syncs = 0;
  #pendingText = "";
  #pendingLines = 0;
  #pendingWaiters: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #failure: JournalError | undefined;
  #closed: Promise<void> | undefined;

  private constructor(
    dir: string,
    file: FileHandle,
    releaseLock: () => Promise<void>,
    state: Replayed,
    options: Required<Pick<JournalOptions, "compactAtBytes" | "compactRatio">>,
  ) {
    this.#dir = dir;
    this.#path = join(dir, journalFile);
    this.#file = file;
    this.#releaseLock = releaseLock;
    this.#live = new Map([...state.live].map(([seq, data]) => [seq, JSON.stringify(data)]));
    this.records = [...state.live].map(([seq, data]) => ({ seq, data: data as T }));
    this.#next = state.next;
    this.#size = state.size;
    this.#lines = state.lines;
    this.#compactAtBytes = options.compactAtBytes;
    this.#compactRatio = options.compactRatio;
  }

  /**
   * Opens (creating it if needed) the journal in `dir`, takes the directory's lock and replays the file.
   * Rejects with a `JournalError`: `Unwritable`, `Locked`, or `Corrupt` (a `JournalCorruptError`).
   */
  static async open<T = unknown>(dir: string, options: JournalOptions = {}): Promise<JournalStore<T>> {
    const logger = options.logger ?? defaultLogger();
    const { compactAtBytes = 64 * 1024, compactRatio = 4 } = options;
    if (!(compactAtBytes >= 0) || !(compactRatio >= 1)) {
      throw new RangeError(`JournalStore: compactAtBytes must be >= 0 and compactRatio >= 1 (got ${compactAtBytes}, ${compactRatio})`);
    }
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw fsError(dir, `cannot create journal directory ${dir}`, error);
    }
    const releaseLock = await acquireLock(join(dir, lockFile));
    let file: FileHandle | undefined;
    try {
      // A leftover from a compaction that crashed before its rename: the journal itself is still complete.
      await unlink(join(dir, compactFile)).catch(() => {});
      const path = join(dir, journalFile);
      const state = await replay(path, options.corruptLines ?? "error", logger);
      file = await open(path, "a").catch((error: unknown) => {
        throw fsError(path, `cannot open journal ${path} for writing`, error);
      });
      if (state.tornBytes > 0) {
        // New lines must not follow the torn bytes, or the next open would take them for a corrupt middle line.
        logger.warn?.("journal: dropped a torn end (a write cut short by a crash, never acknowledged)", {
          path,
          offset: state.size,
          bytes: state.tornBytes,
        });
        await file.truncate(state.size);
        await file.datasync();
      }
      if (state.size === 0) {
        // A new file: its header and its directory entry must be durable before any record is acknowledged.
        const header = headerLine(state.next);
        await writeAll(file, header);
        await file.datasync();
        await syncDirectory(dir);
        state.size = Buffer.byteLength(header);
      }
      return new JournalStore<T>(dir, file, releaseLock, state, { compactAtBytes, compactRatio });
    } catch (error) {
      await file?.close().catch(() => {});
      await releaseLock();
      if (error instanceof JournalError) throw error;
      throw fsError(dir, `cannot open journal in ${dir}`, error);
    }
  }

  /** fsyncs of the journal since open (compactions included): with group commit, far fewer than calls under load. */
  get syncs(): number {
    return this.#syncs;
  }

  append(data: T): Promise<number> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const json = toJson(data);
    if (typeof json !== "string") return Promise.reject(json);
    const seq = this.#next++;
    this.#live.set(seq, json);
    return this.#enqueue(appendLine(seq, json)).then(() => seq);
  }

  update(seq: number, data: T): Promise<void> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    if (!this.#live.has(seq)) {
      return Promise.reject(new JournalError(JournalErrorReason.UnknownSeq, this.#path, `journal has no record with seq ${seq}`));
    }
    const json = toJson(data);
    if (typeof json !== "string") return Promise.reject(json);
    this.#live.set(seq, json);
    return this.#enqueue(updateLine(seq, json));
  }

  /** Removing a seq that is not in the store (already removed, never appended) does nothing and resolves. */
  remove(seq: number): Promise<void> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    if (!this.#live.delete(seq)) return Promise.resolve();
    return this.#enqueue(removeLine(seq));
  }

  /** Waits for every call made before it to be durable, then closes the file and releases the lock. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#flushing;
      await this.#file.close().catch(() => {});
      await this.#releaseLock();
    })();
    return this.#closed;
  }

  #refusal(): JournalError | undefined {
    if (this.#closed) return new JournalError(JournalErrorReason.Closed, this.#path, `journal ${this.#path} is closed`);
    return this.#failure;
  }

  #enqueue(line: string): Promise<void> {
    this.#pendingText += line;
    this.#pendingLines++;
    return new Promise<void>((resolve, reject) => {
      this.#pendingWaiters.push({ resolve, reject });
      // Started from a microtask, so that every call made in the same synchronous run joins the first batch.
      this.#flushing ??= Promise.resolve().then(() => this.#flushLoop());
    });
  }

  async #flushLoop(): Promise<void> {
    while (this.#pendingWaiters.length > 0) {
      const waiters = this.#pendingWaiters;
      const text = this.#pendingText;
      const lines = this.#pendingLines;
      this.#pendingWaiters = [];
      this.#pendingText = "";
      this.#pendingLines = 0;
      try {
        if (this.#failure) throw this.#failure;
        if (this.#shouldCompact(lines)) {
          // The snapshot is taken now and already holds the effect of every pending call, so their lines are not written.
          await this.#compact();
        } else {
          await writeAll(this.#file, text);
          await this.#file.datasync();
          this.#syncs++;
          this.#size += Buffer.byteLength(text);
          this.#lines += lines;
        }
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // After a failed write or fsync the file's state is unknown (the kernel may have dropped the dirty
        // pages), so no later line may be acknowledged: the store fails closed and has to be reopened.
        this.#failure ??= new JournalError(
          JournalErrorReason.Failed,
          this.#path,
          `journal ${this.#path} could not be written (${errorCode(error)}); reopen the store`,
          { cause: error },
        );
        for (const waiter of waiters) waiter.reject(this.#failure);
      }
    }
    this.#flushing = undefined;
  }

  #shouldCompact(pendingLines: number): boolean {
    return this.#size >= this.#compactAtBytes && this.#lines + pendingLines > this.#compactRatio * (this.#live.size + 1);
  }

  /**
   * Writes header + live records to a new file, fsyncs it, renames it over the journal and fsyncs the
   * directory. A crash before the rename leaves the old journal (and a leftover that `open` deletes); after
   * it, the directory holds either the old or the new file, and both describe the same live records.
   */
  async #compact(): Promise<void> {
    let text = headerLine(this.#next);
    for (const [seq, json] of this.#live) text += appendLine(seq, json);
    // Calls made while the compaction runs change #live too; their lines follow in the new file.
    const lines = this.#live.size;
    const target = join(this.#dir, compactFile);
    const next = await open(target, "w");
    try {
      await writeAll(next, text);
      await next.datasync();
      this.#syncs++;
    } finally {
      await next.close();
    }
    await rename(target, this.#path);
    await syncDirectory(this.#dir);
    const file = await open(this.#path, "a");
    await this.#file.close().catch(() => {});
    this.#file = file;
    this.#size = Buffer.byteLength(text);
    this.#lines = lines;
  }
}

interface Replayed {
  live: Map<number, unknown>;
  next: number;
  /** Bytes of complete, valid lines (the file is truncated to this if a torn line follows). */
  size: number;
  lines: number;
  tornBytes: number;
}

async function replay(path: string, corruptLines: "error" | "skip", logger: Logger): Promise<Replayed> {
  const state: Replayed = { live: new Map(), next: 1, size: 0, lines: 0, tornBytes: 0 };
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return state;
    throw fsError(path, `cannot read journal ${path}`, error);
  }
  // A bad line is only known to be a torn tail once no valid line follows it, so bad lines wait here.
  let suspects: { line: number; offset: number; problem: string }[] = [];
  let lineNumber = 0;
  const corrupt = (line: number, offset: number, problem: string) => {
    if (corruptLines === "error") throw new JournalCorruptError(path, line, offset, problem);
    logger.warn?.("journal: skipped a corrupt line", { path, line, offset, problem });
  };
  for (const { bytes, offset, complete } of splitLines(file)) {
    lineNumber++;
    const entry = complete ? decodeLine(bytes) : "no newline at the end";
    if (typeof entry === "string") {
      suspects.push({ line: lineNumber, offset, problem: entry });
      continue;
    }
    if (state.size === 0 && (entry.op !== "header" || suspects.length > 0) && corruptLines === "error") {
      // Refuse to take over (and later compact away) a file that never was a journal of ours.
      throw new JournalCorruptError(path, 1, 0, "the first line is not an ocppkit journal header");
    }
    for (const suspect of suspects) corrupt(suspect.line, suspect.offset, suspect.problem);
    suspects = [];
    state.size = offset + bytes.length + 1;
    if (entry.op === "header") {
      if (lineNumber !== 1) corrupt(lineNumber, offset, "a header after the first line");
      state.next = Math.max(state.next, entry.next);
      continue;
    }
    state.lines++;
    state.next = Math.max(state.next, entry.seq + 1);
    if (entry.op === "append") {
      if (state.live.has(entry.seq)) corrupt(lineNumber, offset, `seq ${entry.seq} appended twice`);
      state.live.set(entry.seq, entry.data);
    } else if (!state.live.has(entry.seq)) {
      corrupt(lineNumber, offset, `${entry.op} of seq ${entry.seq}, which is not in the journal`);
    } else if (entry.op === "update") {
      state.live.set(entry.seq, entry.data);
    } else {
      state.live.delete(entry.seq);
    }
  }
  if (state.size === 0 && suspects.some((suspect) => suspect.problem !== "no newline at the end")) {
    // No valid line at all, yet complete lines: not a header cut short but someone else's file (or garbage).
    throw new JournalCorruptError(path, 1, 0, "no valid line; this is not an ocppkit journal");
  }
  // Only the batch being written when the process died can be incomplete; it was never acknowledged.
  state.tornBytes = file.length - state.size;
  return state;
}

/** The JSON text of `data`, or the TypeError of JSON.stringify (a BigInt, a cycle) for the call to reject with. */
function toJson(data: unknown): string | TypeError {
  try {
    // undefined, a function or a symbol has no JSON text; null keeps the line valid and says what was stored.
    return JSON.stringify(data) ?? "null";
  } catch (error) {
    return error instanceof TypeError ? error : new TypeError(String(error));
  }
}

async function writeAll(file: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
    // A regular file takes at least one byte or fails with an error (ENOSPC, EFBIG); 0 would loop for ever.
    if (bytesWritten === 0) throw new Error("write(2) wrote nothing");
    written += bytesWritten;
  }
}

/** Makes a created or renamed directory entry durable (POSIX: fsync of the file alone does not). */
async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsError(path: string, message: string, error: unknown): JournalError {
  return new JournalError(JournalErrorReason.Unwritable, path, `${message}: ${errorCode(error)}`, { cause: error });
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
