/**
 * Child process of the journal write-failure test: `node journal-filler.js <dir>`, started under a small
 * file size limit (`ulimit -f`) so that a write fails with EFBIG. Appends one record at a time and prints
 * `a <seq>` per acknowledged append, then one JSON line with the reasons of the first failed append and
 * of the append tried after it.
 */
import { JournalError, JournalStore } from "ocppkit";

const [dir] = process.argv.slice(2);
// `node --test build/test` loads every file under it, this one too: without arguments it does nothing.
if (dir !== undefined) await fill(dir);

async function fill(dir: string): Promise<void> {
  const store = await JournalStore.open<string>(dir, { logger: {} });
  const reasonOf = (error: unknown) =>
    error instanceof JournalError ? { reason: error.reason, message: error.message } : { error: String(error) };
  for (let n = 0; n < 10_000; n++) {
    try {
      process.stdout.write(`a ${await store.append("x".repeat(100 + (n % 7)))}\n`);
    } catch (error) {
      const next = await store.append("after").then(
        (seq) => ({ seq }),
        (later: unknown) => reasonOf(later),
      );
      process.stdout.write(`${JSON.stringify({ failed: reasonOf(error), next })}\n`);
      break;
    }
  }
  await store.close();
}
