import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { JournalCorruptError, JournalError, JournalErrorReason, type JournalOptions, JournalStore, type Logger } from "ocppkit";

type Warning = { message: string; context?: Record<string, unknown> };

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ocppkit-journal-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function recordingLogger(): { logger: Logger; warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { logger: { warn: (message, context) => warnings.push({ message, context }) }, warnings };
}

async function openStore<T>(t: TestContext, dir: string, options: JournalOptions = {}): Promise<JournalStore<T>> {
  const store = await JournalStore.open<T>(dir, { logger: {}, ...options });
  t.after(() => store.close());
  return store;
}

test("records appended, updated and removed are there after reopen, in append order, with their latest data", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore<{ n: number; text?: string }>(t, dir);
  assert.deepEqual(store.records, []);
  const first = await store.append({ n: 1 });
  const second = await store.append({ n: 2 });
  const third = await store.append({ n: 3, text: "é ✓ \n \u2028" });
  await store.update(first, { n: 10 });
  await store.remove(second);
  await store.close();

  const reopened = await openStore<{ n: number; text?: string }>(t, dir);
  assert.deepEqual(reopened.records, [
    { seq: first, data: { n: 10 } },
    { seq: third, data: { n: 3, text: "é ✓ \n \u2028" } },
  ]);
});

test("seq numbers keep increasing across reopen, also after every record was removed and compacted away", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir, { compactAtBytes: 1 });
  const seqs = [await store.append("a"), await store.append("b"), await store.append("c")];
  assert.deepEqual(seqs, [1, 2, 3]);
  for (const seq of seqs) await store.remove(seq);
  await store.append("d");
  await store.close();
  const text = await readFile(join(dir, "journal.log"), "utf8");
  assert.equal(text.split("\n").length, 3, `compacted to header + one record: ${text}`);

  const reopened = await openStore(t, dir);
  assert.deepEqual(reopened.records, [{ seq: 4, data: "d" }]);
  await reopened.remove(4);
  assert.equal(await reopened.append("e"), 5);
});

test("data is stored as JSON at the moment of the call", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore<{ list: number[] }>(t, dir);
  const data = { list: [1] };
  const pending = store.append(data);
  data.list.push(2);
  await pending;
  await store.close();
  assert.deepEqual((await openStore(t, dir)).records, [{ seq: 1, data: { list: [1] } }]);
});

test("data without a JSON text is refused and takes no seq", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore<unknown>(t, dir);
  await assert.rejects(store.append({ big: 1n }), TypeError);
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  await assert.rejects(store.append(cyclic), TypeError);
  assert.equal(await store.append("fine"), 1);
  await assert.rejects(store.update(1, 2n), TypeError);
  await store.close();
  assert.deepEqual((await openStore(t, dir)).records, [{ seq: 1, data: "fine" }]);
});

test("update of an unknown seq is refused; remove of an unknown seq does nothing", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  const seq = await store.append("x");
  await store.remove(seq);
  await assert.rejects(
    store.update(seq, "y"),
    (error: unknown) => error instanceof JournalError && error.reason === JournalErrorReason.UnknownSeq,
  );
  await store.remove(seq);
  await store.remove(999);
  await store.close();
  assert.deepEqual((await openStore(t, dir)).records, []);
});

test("calls after close are refused with a Closed JournalError", async (t) => {
  const store = await openStore(t, await tempDir(t));
  const pending = store.append("before");
  await store.close();
  assert.equal(await pending, 1, "a call made before close is completed");
  await assert.rejects(
    store.append("after"),
    (error: unknown) => error instanceof JournalError && error.reason === JournalErrorReason.Closed,
  );
});

test("a torn last line is dropped with a warning and the next append follows the last valid line", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  await store.append("kept");
  await store.close();
  const path = join(dir, "journal.log");
  await appendFile(path, '12345678 ["a",2,"half');

  const { logger, warnings } = recordingLogger();
  const reopened = await openStore(t, dir, { logger });
  assert.deepEqual(reopened.records, [{ seq: 1, data: "kept" }]);
  assert.match(warnings[0]?.message ?? "", /torn/);
  assert.equal(await reopened.append("next"), 2);
  await reopened.close();
  assert.deepEqual((await openStore(t, dir)).records, [
    { seq: 1, data: "kept" },
    { seq: 2, data: "next" },
  ]);
});

test("invalid lines with no valid line after them are a torn batch: dropped, not reported as corruption", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  await store.append("kept");
  await store.close();
  // A power cut during a batch can leave zeroed blocks where its first lines were and half of its last.
  const torn = Buffer.concat([Buffer.alloc(40), Buffer.from('\n\0\0\0\n12345678 ["a",4,')]);
  await appendFile(join(dir, "journal.log"), torn);

  const { logger, warnings } = recordingLogger();
  const reopened = await openStore(t, dir, { logger });
  assert.deepEqual(reopened.records, [{ seq: 1, data: "kept" }]);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.context?.bytes, torn.length);
  await reopened.append("next");
  await reopened.close();
  assert.deepEqual((await openStore(t, dir)).records, [
    { seq: 1, data: "kept" },
    { seq: 2, data: "next" },
  ]);
});

test("options out of range are refused before anything is created", async (t) => {
  const dir = join(await tempDir(t), "never");
  await assert.rejects(JournalStore.open(dir, { compactRatio: 0.5 }), RangeError);
  await assert.rejects(JournalStore.open(dir, { compactAtBytes: Number.NaN }), RangeError);
  await assert.rejects(stat(dir), { code: "ENOENT" });
});

test("a corrupt line in the middle rejects open with a JournalCorruptError naming the line", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  for (const word of ["one", "two", "three"]) await store.append(word);
  await store.close();
  const path = join(dir, "journal.log");
  const lines = (await readFile(path, "utf8")).split("\n");
  lines[2] = lines[2]!.replace('"two"', '"TWO"');
  await writeFile(path, lines.join("\n"));

  await assert.rejects(JournalStore.open(dir, { logger: {} }), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError);
    assert.equal(error.reason, JournalErrorReason.Corrupt);
    assert.equal(error.line, 3);
    assert.match(error.message, /line 3.*checksum/);
    return true;
  });
});

test("with corruptLines skip, a corrupt middle line is logged and every other record is kept", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  for (const word of ["one", "two", "three"]) await store.append(word);
  await store.close();
  const path = join(dir, "journal.log");
  const lines = (await readFile(path, "utf8")).split("\n");
  lines[2] = "garbage that is not a record";
  await writeFile(path, lines.join("\n"));

  const { logger, warnings } = recordingLogger();
  const reopened = await openStore(t, dir, { logger, corruptLines: "skip" });
  assert.deepEqual(reopened.records, [
    { seq: 1, data: "one" },
    { seq: 3, data: "three" },
  ]);
  assert.deepEqual(
    warnings.map((warning) => warning.context?.line),
    [3],
  );
  assert.equal(await reopened.append("four"), 4);
});

test("a file that is not a journal is refused, not overwritten", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "journal.log");
  await writeFile(path, "some other program's log\nsecond line\n");
  await assert.rejects(JournalStore.open(dir, { logger: {} }), JournalCorruptError);
  assert.equal(await readFile(path, "utf8"), "some other program's log\nsecond line\n");
});

test("a second store on the same directory is refused while the first is open, and allowed after close", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore(t, dir);
  await assert.rejects(
    JournalStore.open(dir, { logger: {} }),
    (error: unknown) => error instanceof JournalError && error.reason === "Locked",
  );
  await store.close();
  const again = await openStore(t, dir);
  assert.deepEqual(again.records, []);
});

test("a lock held by a running process is refused; a stale lock of a dead process is taken over", async (t) => {
  const dir = await tempDir(t);
  const lock = join(dir, "journal.lock");
  const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  t.after(() => sleeper.kill("SIGKILL"));
  await writeFile(lock, `${sleeper.pid}\n`);
  await assert.rejects(JournalStore.open(dir, { logger: {} }), (error: unknown) => {
    assert.ok(error instanceof JournalError);
    assert.equal(error.reason, JournalErrorReason.Locked);
    assert.match(error.message, new RegExp(`process ${sleeper.pid}`));
    return true;
  });
  const exited = new Promise((resolve) => sleeper.once("exit", resolve));
  sleeper.kill("SIGKILL");
  await exited;
  const store = await openStore(t, dir);
  assert.equal(await readFile(lock, "utf8"), `${process.pid}\n`);
  await store.close();
  await assert.rejects(stat(lock), { code: "ENOENT" }, "close removes the lock file");
});

test("a lock with this process's pid that this process does not hold is stale (a restarted container reuses its pid)", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "journal.lock"), `${process.pid}\n`);
  const store = await openStore(t, dir);
  assert.equal(await store.append("taken over"), 1);
});

test("a directory that cannot be created is reported as an Unwritable JournalError", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "a-file");
  await writeFile(file, "");
  await assert.rejects(JournalStore.open(join(file, "queue"), { logger: {} }), (error: unknown) => {
    assert.ok(error instanceof JournalError);
    assert.equal(error.reason, JournalErrorReason.Unwritable);
    assert.match(error.message, /ENOTDIR|EEXIST/);
    return true;
  });
});

test("concurrent appends share fsyncs and keep their call order on disk and in their seqs", async (t) => {
  const dir = await tempDir(t);
  const store = await openStore<number>(t, dir);
  const before = store.syncs;
  const seqs = await Promise.all(Array.from({ length: 500 }, (_, i) => store.append(i)));
  assert.deepEqual(
    seqs,
    Array.from({ length: 500 }, (_, i) => i + 1),
  );
  assert.ok(store.syncs - before <= 2, `500 appends made in one run took ${store.syncs - before} fsyncs`);

  // Calls made while a batch is being fsync'd go together in the next one, after it.
  const first = Array.from({ length: 100 }, (_, i) => store.append(1000 + i));
  await new Promise((resolve) => setImmediate(resolve));
  const second = Array.from({ length: 100 }, (_, i) => store.append(2000 + i));
  const order: number[] = [];
  await Promise.all([...first, ...second].map((pending) => pending.then((seq) => order.push(seq))));
  assert.deepEqual(
    order,
    Array.from({ length: 200 }, (_, i) => 501 + i),
  );
  await store.close();
  const reopened = await openStore<number>(t, dir);
  assert.deepEqual(
    reopened.records.map((record) => record.data),
    [
      ...Array.from({ length: 500 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => 1000 + i),
      ...Array.from({ length: 100 }, (_, i) => 2000 + i),
    ],
  );
});

test("a failed write rejects its call and every later one, and reopening keeps exactly the acknowledged records", {
  skip: process.platform === "win32",
}, async (t) => {
  const dir = await tempDir(t);
  const filler = join(dirname(fileURLToPath(import.meta.url)), "../support/journal-filler.js");
  // ulimit -f counts 1 KiB blocks in bash: writes past 8 KiB fail with EFBIG (Node ignores SIGXFSZ).
  const { stdout } = await promisify(execFile)("bash", ["-c", 'ulimit -f 8 && exec "$0" "$@"', process.execPath, filler, dir]);
  const lines = stdout.trim().split("\n");
  const outcome = JSON.parse(lines.pop()!);
  assert.equal(outcome.failed.reason, JournalErrorReason.Failed);
  assert.match(outcome.failed.message, /EFBIG.*reopen/);
  assert.equal(outcome.next.reason, JournalErrorReason.Failed, "the call after the failure is refused too");
  const acknowledged = lines.map((line) => Number(line.split(" ")[1]));
  assert.ok(acknowledged.length > 20, `${acknowledged.length} appends fit in 8 KiB`);

  const { logger, warnings } = recordingLogger();
  const reopened = await openStore<string>(t, dir, { logger });
  assert.deepEqual(
    reopened.records.map((record) => record.seq),
    acknowledged,
  );
  assert.match(warnings[0]?.message ?? "", /torn/, "the half-written line is dropped");
});
