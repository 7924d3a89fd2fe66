/**
 * Child process of the journal crash test: `node journal-writer.js <dir> <tag> <compactAtBytes> <compactRatio>`.
 * Eight workers append numbered records as fast as they can and report on stdout, one line each, only
 * after the store has acknowledged it: `a <seq> <n>` (appended), `u <seq>` (updated), `r <seq>` (removed).
 * Three records of four are removed again, so compactions run while the parent SIGKILLs this process.
 */
import { type JournalOptions, JournalStore } from "ocppkit";

export interface WrittenRecord {
  tag: string;
  n: number;
  updated?: true;
}

const [dir, tag = "", compactAtBytes = "4096", compactRatio = "4"] = process.argv.slice(2);
// `node --test build/test` loads every file under it, this one too: without arguments it does nothing.
if (dir !== undefined) await write(dir, tag, { compactAtBytes: Number(compactAtBytes), compactRatio: Number(compactRatio) });

async function write(dir: string, tag: string, options: JournalOptions): Promise<void> {
  const store = await JournalStore.open<WrittenRecord>(dir, options);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const limit = 20_000;
  let counter = 0;
  const worker = async () => {
    while (counter < limit) {
      const n = counter++;
      const seq = await store.append({ tag, n });
      say(`a ${seq} ${n}`);
      if (seq % 4 === 1) {
        await store.update(seq, { tag, n, updated: true });
        say(`u ${seq}`);
      } else {
        await store.remove(seq);
        say(`r ${seq}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await store.close();
}
