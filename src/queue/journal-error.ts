/** Why a journal operation failed. */
export const JournalErrorReason = {
  /** The directory or a file in it cannot be created, opened or written (permissions, read-only disk, not a directory). */
  Unwritable: "Unwritable",
  /** Another process (or another store in this process) has the directory open. */
  Locked: "Locked",
  /** A line in the middle of the journal is not a valid record. */
  Corrupt: "Corrupt",
  /** A write or fsync failed earlier; the store refuses further work until it is reopened. */
  Failed: "Failed",
  /** The store was closed. */
  Closed: "Closed",
  /** `update` named a seq that is not (or no longer) in the store. */
  UnknownSeq: "UnknownSeq",
} as const;
export type JournalErrorReason = (typeof JournalErrorReason)[keyof typeof JournalErrorReason];

/**
 * A local storage failure of the offline queue. Not an `OcppError`: it never travels to the peer, so it
 * has no OCPP code; `reason` says what went wrong and `path` where.
 */
export class JournalError extends Error {
  readonly reason: JournalErrorReason;
  /** The file or directory concerned. */
  readonly path: string;

  constructor(reason: JournalErrorReason, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.reason = reason;
    this.path = path;
  }
}

/** A line that is neither a valid record nor a torn last line (see "Offline queue storage" in the README). */
export class JournalCorruptError extends JournalError {
  /** 1-based line number in the journal file. */
  readonly line: number;
  /** Byte offset of the start of the line. */
  readonly offset: number;

  constructor(path: string, line: number, offset: number, problem: string) {
    super(
      JournalErrorReason.Corrupt,
      path,
      `journal ${path} is corrupt at line ${line} (byte ${offset}): ${problem}; ` +
        `records after it are intact: open with { corruptLines: "skip" } to skip the bad line and keep them`,
    );
    this.line = line;
    this.offset = offset;
  }
}
