import type { Payload } from "../rpc/frame.js";

/**
 * Which messages of an OCPP version go through the TransactionQueue, and how. The queue itself knows
 * no action names: a version (or an application with its own rules) plugs in here.
 */
export interface QueuePolicy {
  /** True when a CALL of `action` with this payload is a transaction-related message to queue. */
  queues(action: string, payload: Payload): boolean;
  /** Admitted even when the queue is full: messages a central system must never miss (a transaction's end). */
  critical(action: string, payload: Payload): boolean;
  /**
   * Versions whose central system assigns the transaction id (1.6): messages queued before it is known
   * carry a local reference instead, rewritten when the response to `startAction` arrives.
   */
  readonly transactionIds?: TransactionIdRules;
  /**
   * While the BootNotification is Rejected, the central system's CALLs are answered with SecurityError
   * (2.0.1 B03.FR.08) rather than left unanswered (1.6 section 4.2): see RegistrationGate.
   */
  readonly answerWhileRejected?: boolean;
}

export interface TransactionIdRules {
  /** The action whose CALLRESULT carries the central system's transaction id ("StartTransaction"). */
  readonly startAction: string;
  /** The action that ends a transaction ("StopTransaction"): its delivery retires the local reference. */
  readonly stopAction: string;
  /** The transaction id in a `startAction` response, or undefined when it has none. */
  idFromResponse(response: Payload): number | undefined;
  /** The transaction id (or local reference) a queued message carries, if any. */
  idOf(action: string, payload: Payload): number | undefined;
  /** The payload with its transaction id replaced. */
  withId(action: string, payload: Payload, id: number): Payload;
}

const transactionIdOf = (payload: Payload): number | undefined =>
  typeof (payload as { transactionId?: unknown }).transactionId === "number"
    ? (payload as { transactionId: number }).transactionId
    : undefined;

/**
 * OCPP 1.6 section 3.7: StartTransaction, StopTransaction and MeterValues of a transaction (those with a
 * transactionId; other MeterValues are not transaction-related) are queued, and SecurityEventNotification
 * too, as certified chargers do: a security event lost to an outage is the one nobody investigates.
 * Start and Stop are critical.
 */
export const ocpp16QueuePolicy: QueuePolicy = {
  queues(action, payload) {
    if (action === "StartTransaction" || action === "StopTransaction" || action === "SecurityEventNotification") return true;
    return action === "MeterValues" && transactionIdOf(payload) !== undefined;
  },
  critical: (action) => action === "StartTransaction" || action === "StopTransaction",
  transactionIds: {
    startAction: "StartTransaction",
    stopAction: "StopTransaction",
    idFromResponse: transactionIdOf,
    idOf: (action, payload) => (action === "MeterValues" || action === "StopTransaction" ? transactionIdOf(payload) : undefined),
    withId: (_action, payload, id) => ({ ...payload, transactionId: id }),
  },
};

/**
 * OCPP 2.0.1 and 2.1 (E/TransactionEvent rules): every TransactionEvent is queued, and
 * SecurityEventNotification as for 1.6. Started and Ended events are critical. The charging station creates the transactionId, so nothing is rewritten.
 */
export const ocpp201QueuePolicy: QueuePolicy = {
  answerWhileRejected: true,
  queues: (action) => action === "TransactionEvent" || action === "SecurityEventNotification",
  critical(action, payload) {
    if (action !== "TransactionEvent") return false;
    const eventType = (payload as { eventType?: unknown }).eventType;
    return eventType === "Started" || eventType === "Ended";
  },
};

/** The built-in policy of an OCPP version ("1.6", "2.0.1", "2.1"). */
export function queuePolicyFor(ocppVersion: string): QueuePolicy {
  if (ocppVersion === "1.6") return ocpp16QueuePolicy;
  if (ocppVersion === "2.0.1" || ocppVersion === "2.1") return ocpp201QueuePolicy;
  throw new TypeError(`No built-in queue policy for OCPP ${ocppVersion}: pass one in the policy option`);
}
