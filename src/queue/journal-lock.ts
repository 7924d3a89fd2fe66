import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { JournalError, JournalErrorReason } from "./journal-error.js";

/** Lock files this process holds: a second open in the same process is refused even though the pid is ours. */
const heldHere = new Set<string>();

/**
 * An advisory lock: a file holding the owner's pid, created with link(2) so it appears atomically and
 * complete (never empty while its owner is still writing it). A lock whose pid is not running is stale
 * and taken over; so is one with our own pid that this process does not hold (a container restarts its
 * process with the same pid). Limits, accepted for a guard against starting a charger twice: a foreign
 * process that reused the dead owner's pid keeps the lock (the error names the file to delete), and two
 * processes taking over the same stale lock at the same instant may both succeed.
 */
export async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const path = resolve(lockPath);
  if (heldHere.has(path)) {
    throw new JournalError(JournalErrorReason.Locked, path, `journal lock ${path} is held by another store in this process`);
  }
  const scratch = `${path}.${process.pid}`;
  try {
    await writeFile(scratch, `${process.pid}\n`);
  } catch (error) {
    throw unwritable(path, error);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(scratch, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw unwritable(path, error);
      }
      const owner = await readOwner(path);
      if (attempt < 2 && (owner === undefined || owner === process.pid || !isRunning(owner))) {
        await unlink(path).catch(() => {});
        continue;
      }
      throw new JournalError(
        JournalErrorReason.Locked,
        path,
        owner === undefined
          ? `journal lock ${path} keeps reappearing: another process is opening the same journal`
          : `journal lock ${path} is held by running process ${owner}; if that process is not an ocppkit queue, delete the file`,
      );
    }
  } finally {
    await unlink(scratch).catch(() => {});
  }
  heldHere.add(path);
  return async () => {
    heldHere.delete(path);
    await unlink(path).catch(() => {});
  };
}

async function readOwner(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unwritable(path: string, error: unknown): JournalError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return new JournalError(JournalErrorReason.Unwritable, path, `cannot create journal lock ${path}: ${code || String(error)}`, {
    cause: error,
  });
}
