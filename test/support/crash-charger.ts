/**
 * The charger process of the crash test (test/queue/crash.test.ts), killed with SIGKILL at random
 * points and started again. It queues MeterValues numbered `from` to `count - 1` in a journal and
 * prints "queued N" once message N is durable, "ready" when the queue is open, and "drained" (then
 * exits 0) when the central system has everything.
 *
 * `node --test build/test` runs every file under a `test` folder: without OCPPKIT_CRASH_CHILD it does nothing.
 */
import { ReconnectingConnection, silentLogger, TransactionQueue } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v16";

const meterValueOf = (payload: Record<string, unknown>) =>
  Number((payload.meterValue as { sampledValue: { value: string }[] }[])[0].sampledValue[0].value);

async function main(url: string, directory: string, from: number, count: number): Promise<void> {
  const connection = new ReconnectingConnection(url, { minDelayMs: 5, maxDelayMs: 50, pingIntervalMs: 0 });
  const charger = new ChargePoint("CP-CRASH", connection, { responseTimeoutMs: 5_000, logger: silentLogger });
  charger.start().catch(() => {});
  const queue = await TransactionQueue.open(charger, {
    directory,
    registered: true,
    attempts: 1_000,
    retryIntervalMs: 5,
    logger: silentLogger,
  });
  process.stdout.write("ready\n");
  // Like a real charger, the application re-creates what it had not seen acknowledged, minus what the
  // queue restored: a message durable but not yet acknowledged when the crash hit is not queued twice.
  for (const { data } of queue.store.records) {
    if (data.kind === "call") from = Math.max(from, meterValueOf(data.payload) + 1);
  }
  const timestamp = new Date().toISOString();
  // Batches of concurrent calls: the journal commits each batch with one fsync.
  for (let first = from; first < count; first += 25) {
    const batch: Promise<void>[] = [];
    for (let n = first; n < Math.min(count, first + 25); n++) {
      const meter = new call.MeterValues({
        connectorId: 1,
        transactionId: 1,
        meterValue: [{ timestamp, sampledValue: [{ value: String(n) }] }],
      });
      // Pipes to the parent are synchronous on Linux: once written, the line survives a SIGKILL.
      batch.push(queue.call(meter).then(() => void process.stdout.write(`queued ${n}\n`)));
    }
    await Promise.all(batch);
  }
  await queue.drained();
  process.stdout.write("drained\n");
  await queue.close();
  charger.close();
}

if (process.env.OCPPKIT_CRASH_CHILD) {
  const [url, directory, from, count] = process.argv.slice(2);
  main(url, directory, Number(from), Number(count)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
