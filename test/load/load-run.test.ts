import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import fc from "fast-check";
import { startCentralSystem } from "../../src/csms/index.js";
import { LoadProbeError, loadSucceeded, runLoad, Samples } from "../../src/load/index.js";

test("a load run of 2.0.1 chargers against the development central system reports every call answered", async (t) => {
  const csms = await startCentralSystem({ host: "127.0.0.1", port: 0, versions: ["2.0.1"], logger: {} });
  t.after(() => csms.close());
  const progress: number[] = [];
  const report = await runLoad({
    urls: [new URL(csms.url)],
    count: 6,
    ratePerS: 50,
    durationS: 2,
    intervalS: 0.2,
    idPrefix: "LR-",
    version: "2.0.1",
    connection: {},
    onProgress: (state) => progress.push(state.calls),
  });
  assert.equal(report.connected, 6);
  assert.equal(report.errors, 0);
  assert.equal(report.connectFailures, 0);
  // Boot and a status notification per charger at least.
  assert.ok(report.calls >= 12, `calls ${report.calls}`);
  assert.ok(progress.length >= 1, "progress once a second");
  assert.equal(loadSucceeded(report), true);
});

test("a load run whose first charger cannot connect fails once with a LoadProbeError naming the URL", async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  await assert.rejects(
    runLoad({
      urls: [new URL(`ws://127.0.0.1:${port}/ocpp`)],
      count: 3,
      ratePerS: 10,
      durationS: 1,
      intervalS: 1,
      idPrefix: "LR-",
      version: "1.6",
      connection: {},
    }),
    (error: unknown) =>
      error instanceof LoadProbeError && error.code === "ERR_LOAD_PROBE" && error.url === `ws://127.0.0.1:${port}/ocpp/LR-00001`,
  );
});

test("a run with a dropped link or a failed call is not a success", () => {
  const passed = {
    event: "report",
    chargers: 2,
    connected: 2,
    notStarted: 0,
    connectFailures: 0,
    disconnects: 0,
    calls: 10,
    errors: 0,
    callsPerSecond: 5,
    latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 },
    durationS: 2,
    errorKinds: {},
  } as const;
  assert.equal(loadSucceeded(passed), true);
  assert.equal(loadSucceeded({ ...passed, disconnects: 1 }), false);
  assert.equal(loadSucceeded({ ...passed, errors: 1 }), false);
  assert.equal(loadSucceeded({ ...passed, notStarted: 1 }), false);
  // With reconnecting chargers a dropped link that came back is fine; one still down is not.
  const reconnect = { lost: 1, back: 1, down: 0, afterMs: { p50: 1, p90: 1, p99: 1, max: 1 }, perSecond: [1], lostInFlight: 0 };
  assert.equal(loadSucceeded({ ...passed, disconnects: 1, reconnect }), true);
  assert.equal(loadSucceeded({ ...passed, reconnect: { ...reconnect, down: 1 } }), false);
});

test("latency percentiles are the nearest rank of every sample, however many", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
      fc.integer({ min: 1, max: 100 }),
      (values, p) => {
        const samples = new Samples();
        for (const value of values) samples.push(value);
        const sorted = [...values].sort((a, b) => a - b);
        const expected = Math.round(sorted[Math.ceil((p / 100) * sorted.length) - 1] * 10) / 10;
        assert.deepEqual(samples.percentiles(p), [expected]);
      },
    ),
    { numRuns: 200 },
  );
  assert.deepEqual(new Samples().percentiles(50, 99), [0, 0]);
});
