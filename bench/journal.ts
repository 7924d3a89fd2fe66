/**
 * Journal appends per second, one JSON line: `sequential` awaits each append before the next (one fsync
 * each), `grouped` has `--writers` callers appending at once, so group commit shares the fsyncs.
 * Compiled with the tests: `npx tsc -p tsconfig.test.json && node build/bench/journal.js [--count=500] [--writers=50]`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JournalStore } from "ocppkit";

const option = (name: string, fallback: number) =>
  Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const count = option("count", 500);
const writers = option("writers", 50);
const payload = {
  connectorId: 1,
  transactionId: 42,
  meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: "1234.5" }] }],
};

async function measure(dir: string, parallel: number) {
  const store = await JournalStore.open(dir, { logger: {} });
  const syncs = store.syncs;
  let left = count;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left-- > 0) await store.append(payload);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const fsyncs = store.syncs - syncs;
  await store.close();
  return { appends: count, writers: parallel, fsyncs, appendsPerSecond: Math.round(count / seconds) };
}

const root = await mkdtemp(join(tmpdir(), "ocppkit-bench-journal-"));
try {
  const sequential = await measure(join(root, "sequential"), 1);
  const grouped = await measure(join(root, "grouped"), writers);
  console.log(JSON.stringify({ benchmark: "journal", dir: tmpdir(), sequential, grouped }));
} finally {
  await rm(root, { recursive: true, force: true });
}
