import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { JournalStore, type QueueRecord } from "ocppkit";
import type { WrittenRecord } from "../support/journal-writer.js";

const writer = join(dirname(fileURLToPath(import.meta.url)), "../support/journal-writer.js");

interface Acknowledged {
  appended: Map<number, number>;
  updated: Set<number>;
  removed: Set<number>;
}

/** Runs the writer on `dir` until it has acknowledged `target` appends, then SIGKILLs it. */
async function runAndKill(dir: string, tag: string, target: number, compaction: readonly string[]): Promise<Acknowledged> {
  const acknowledged: Acknowledged = { appended: new Map(), updated: new Set(), removed: new Set() };
  const child = spawn(process.execPath, [writer, dir, tag, ...compaction], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let buffered = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      const [kind, seq, n] = line.split(" ");
      if (kind === "a") acknowledged.appended.set(Number(seq), Number(n));
      else if (kind === "u") acknowledged.updated.add(Number(seq));
      else if (kind === "r") acknowledged.removed.add(Number(seq));
    }
    if (acknowledged.appended.size >= target) child.kill("SIGKILL");
  });
  const signal = await exited;
  clearTimeout(guard);
  assert.equal(signal, "SIGKILL", `the writer ended by itself before ${target} appends: ${stderr}`);
  assert.ok(acknowledged.appended.size >= target, `killed by the guard after ${acknowledged.appended.size} of ${target} appends`);
  return acknowledged;
}

test("after SIGKILL at random points, every acknowledged record is in the journal, in order, once", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "ocppkit-journal-crash-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  /** What the journal held after the previous run; the writer never touches it. */
  let before: readonly QueueRecord<WrittenRecord>[] = [];

  for (let run = 1; run <= 6; run++) {
    const tag = `run${run}`;
    const target = 20 + Math.floor(Math.random() * 300);
    // Even runs compact after almost every batch, so the kill often lands inside a compaction.
    const compaction = run % 2 === 0 ? ["1024", "1"] : ["2048", "4"];
    const acknowledged = await runAndKill(dir, tag, target, compaction);
    const interrupted = await stat(join(dir, "journal.log.compact")).then(
      () => " during a compaction",
      () => "",
    );
    const context = `run ${run}, killed after ${target} appends${interrupted}`;

    // The lock of the killed writer is stale: this open takes it over.
    const store = await JournalStore.open<WrittenRecord>(dir, { logger: {} });
    const records = store.records;
    await store.close();

    const seqs = records.map((record) => record.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      `${context}: records in append order`,
    );
    assert.equal(new Set(seqs).size, seqs.length, `${context}: no seq twice`);
    const names = records.map((record) => `${record.data.tag}/${record.data.n}`);
    assert.equal(new Set(names).size, names.length, `${context}: no record appended twice`);

    assert.deepEqual(records.slice(0, before.length), before, `${context}: records of earlier runs untouched`);
    const fresh = new Map(records.slice(before.length).map((record) => [record.seq, record.data]));
    for (const [seq, data] of fresh) {
      assert.equal(data.tag, tag, `${context}: seq ${seq} was written by this run`);
      const n = acknowledged.appended.get(seq);
      if (n !== undefined) assert.equal(data.n, n, `${context}: seq ${seq} holds what was appended`);
    }
    for (const [seq, n] of acknowledged.appended) {
      if (acknowledged.removed.has(seq)) {
        assert.ok(!fresh.has(seq), `${context}: seq ${seq} was removed and acknowledged`);
      } else if (seq % 4 === 1) {
        assert.equal(fresh.get(seq)?.n, n, `${context}: acknowledged seq ${seq} survived`);
        if (acknowledged.updated.has(seq)) assert.equal(fresh.get(seq)?.updated, true, `${context}: update of ${seq} survived`);
      }
    }
    // Lines reach the disk in call order, so a record that survived means every record appended
    // before it (and never removed) survived too: no holes.
    const first = Math.min(...acknowledged.appended.keys());
    const last = Math.max(...fresh.keys());
    for (let seq = first; seq <= last; seq++) {
      if (seq % 4 === 1) assert.ok(fresh.has(seq), `${context}: seq ${seq} is missing below surviving seq ${last}`);
    }
    before = records;
  }
});
