/** The queue holds `maxSize` messages and this one is not critical: it was not queued (nothing persisted). */
export class QueueFullError extends Error {
  readonly action: string;
  constructor(action: string, maxSize: number) {
    super(`${action} was not queued: the transaction message queue is full (${maxSize} messages)`);
    this.name = "QueueFullError";
    this.action = action;
  }
}

/**
 * A queued message was given up: the central system failed to process it `failures` times (OCPP 1.6
 * section 3.7.1), or it can never be sent. `cause` is the last failure.
 */
export class MessageDroppedError extends Error {
  readonly action: string;
  readonly failures: number;
  override readonly cause: Error;
  constructor(action: string, failures: number, cause: Error) {
    super(`${action} was dropped from the queue after ${failures} failed attempt${failures === 1 ? "" : "s"}: ${cause.message}`);
    this.name = "MessageDroppedError";
    this.action = action;
    this.failures = failures;
    this.cause = cause;
  }
}
