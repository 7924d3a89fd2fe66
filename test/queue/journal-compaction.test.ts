import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { JournalStore } from "ocppkit";

interface Item {
  n: number;
  note: string;
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ocppkit-journal-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("compaction keeps live records in order with their latest data, while calls keep coming, and survives reopen", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "journal.log");
  const store = await JournalStore.open<Item>(dir, { compactAtBytes: 4096, logger: {} });
  t.after(() => store.close());
  const expected = new Map<number, Item>();
  let largest = 0;
  for (let round = 0; round < 20; round++) {
    // One burst per round, not awaited call by call: compactions run with calls queued behind them.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const item = { n: round * 100 + i, note: "x".repeat(40) };
      calls.push(store.append(item).then((seq) => expected.set(seq, item)));
    }
    const seqs = [...expected.keys()];
    for (const seq of seqs.filter((_, index) => index % 5 !== 0)) {
      calls.push(store.remove(seq));
      expected.delete(seq);
    }
    for (const seq of seqs.filter((_, index) => index % 10 === 0)) {
      const item = { n: -seq, note: "updated" };
      calls.push(store.update(seq, item));
      expected.set(seq, item);
    }
    await Promise.all(calls);
    largest = Math.max(largest, (await stat(path)).size);
  }
  const lastSeq = await store.append({ n: 9999, note: "last" });
  expected.set(lastSeq, { n: 9999, note: "last" });
  await store.close();

  const written = 20 * 30 * 80;
  assert.ok(largest < written / 2, `the journal stayed small (at most ${largest} bytes for ~${written} bytes of appends)`);
  const reopened = await JournalStore.open<Item>(dir, { logger: {} });
  t.after(() => reopened.close());
  assert.deepEqual(
    reopened.records,
    [...expected].map(([seq, data]) => ({ seq, data })),
  );
  assert.equal(await reopened.append({ n: 0, note: "after" }), lastSeq + 1);
});

test("a file left by a compaction that crashed before its rename is ignored and removed", async (t) => {
  const dir = await tempDir(t);
  const store = await JournalStore.open<string>(dir, { logger: {} });
  await store.append("one");
  await store.close();
  // What a crash after writing part of the new file, before the rename, leaves behind.
  await writeFile(join(dir, "journal.log.compact"), '00000000 ["ocppkit-journal",1,1]\n0000');

  const reopened = await JournalStore.open<string>(dir, { logger: {} });
  t.after(() => reopened.close());
  assert.deepEqual(reopened.records, [{ seq: 1, data: "one" }]);
  await assert.rejects(stat(join(dir, "journal.log.compact")), { code: "ENOENT" });
});

test("after compactions the journal is still a header line followed by checksummed JSON records", async (t) => {
  const dir = await tempDir(t);
  const store = await JournalStore.open<string>(dir, { compactAtBytes: 1, logger: {} });
  for (let i = 0; i < 8; i++) await store.remove(await store.append(`r${i}`));
  await store.append("kept");
  await store.close();
  const lines = (await readFile(join(dir, "journal.log"), "utf8")).split("\n");
  assert.equal(lines.pop(), "", "the last line ends with a newline");
  assert.match(lines[0]!, /^[0-9a-f]{8} \["ocppkit-journal",1,\d+\]$/);
  for (const line of lines.slice(1)) assert.match(line, /^[0-9a-f]{8} \["[aur]",\d+(,.*)?\]$/);
  assert.ok(lines.length <= 6, `compacted: ${lines.length} lines for 17 calls`);
  assert.equal(lines.at(-1)!.slice(9), '["a",9,"kept"]');
});
