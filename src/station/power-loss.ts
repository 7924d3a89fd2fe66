/**
 * A charger that restarts after a crash or a power cut ends the transactions its state directory says
 * were open, before anything else: OCPP 1.6 StopTransaction with reason PowerLoss, the last meter value
 * it knew and that value's time; 2.0.1 / 2.1 TransactionEvent Ended with stoppedReason PowerLoss, the
 * next seqNo and the same meter value. They go through the offline queue, so they wait for the link.
 */
import type { QueueEntry, QueueRecord } from "../index.js";
import type { ChargerState, OpenTransaction } from "./charger-state.js";

/** What a simulator does to end one transaction after a power loss (queues its last message). */
export interface PowerLossEnder {
  endAfterPowerLoss(transaction: OpenTransaction & { readonly transactionId: number | string }): Promise<void>;
}

type Call = Extract<QueueEntry, { kind: "call" }>;
type Body = Record<string, unknown>;

const startOf = (entry: Call): Body | undefined => {
  if (entry.action === "StartTransaction") return entry.payload as Body;
  const body = entry.payload as Body;
  return entry.action === "TransactionEvent" && body.eventType === "Started" ? body : undefined;
};

const endsTransaction = (entry: Call, transactionId: number | string): boolean => {
  const body = entry.payload as Body;
  if (entry.action === "StopTransaction") return body.transactionId === transactionId || entry.local === transactionId;
  const info = body.transactionInfo as { transactionId?: unknown } | undefined;
  return entry.action === "TransactionEvent" && body.eventType === "Ended" && info?.transactionId === transactionId;
};

/**
 * The id to stop `transaction` with, or undefined when it never reached the queue (nothing to end). A 1.6
 * StartTransaction made durable just before the crash, its local reference not yet recorded, is found in
 * the queue by connector and timestamp: its local reference is minus its seq.
 */
function idToEnd(transaction: OpenTransaction, calls: readonly QueueRecord<Call>[]): number | string | undefined {
  if (transaction.startQueued) return transaction.transactionId;
  for (const { seq, data } of calls) {
    const start = startOf(data);
    if (!start) continue;
    if (data.action === "StartTransaction") {
      if (start.connectorId === transaction.connectorId && start.timestamp === transaction.startedAt) return -seq;
    } else if ((start.transactionInfo as { transactionId?: unknown }).transactionId === transaction.transactionId) {
      return transaction.transactionId;
    }
  }
  return undefined;
}

/**
 * Ends every transaction the previous run left open and forgets it; `records` are the queue's records
 * as restored. Resolves with the transactions ended (for the command's output).
 */
export async function endTransactionsLeftOpen(
  state: ChargerState,
  charger: PowerLossEnder,
  records: readonly QueueRecord<QueueEntry>[],
): Promise<OpenTransaction[]> {
  const calls = records.filter((record): record is QueueRecord<Call> => record.data.kind === "call");
  const ended: OpenTransaction[] = [];
  for (const transaction of state.leftOpen) {
    const transactionId = idToEnd(transaction, calls);
    // Its end already waits in the queue (the crash came between queueing it and forgetting the transaction).
    const alreadyEnding = transactionId !== undefined && calls.some(({ data }) => endsTransaction(data, transactionId));
    if (transactionId !== undefined && !alreadyEnding) {
      await charger.endAfterPowerLoss({ ...transaction, transactionId });
      ended.push({ ...transaction, transactionId });
    }
    await state.forget(transaction.connectorId);
  }
  return ended;
}
