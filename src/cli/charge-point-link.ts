/**
 * `ocppkit charge-point` on a ReconnectingConnection: the offline queue and the state directory, the
 * power-loss stops of a previous run, and the link's life as events. Runs until the charger is
 * stopped, or a connection fails in a way retrying cannot fix (CliError with its exit code).
 */
import { type ChargePoint, type Logger, type ReconnectingConnection, TransactionQueue } from "../index.js";
import { ChargerState } from "../station/charger-state.js";
import type { AnyCharger } from "../station/chargers.js";
import { endTransactionsLeftOpen } from "../station/power-loss.js";
import { tlsFailureType } from "../station/tls-failures.js";
import { type CliError, ExitCode, oneLine } from "./cli-errors.js";
import { explainConnectError } from "./connect-error.js";
import type { EventLog } from "./event-log.js";

export interface ReconnectingRun {
  readonly charger: AnyCharger;
  readonly link: ReconnectingConnection;
  /** The state directory (--queue-dir / --state-dir); without it the queue is in memory. */
  readonly directory?: string;
  readonly url: string;
  readonly subprotocol: string;
  readonly log: EventLog;
  readonly logger: Logger;
  /** Starts reading the prompt (once a session can start, offline included). */
  readonly listen: () => void;
  readonly stopping: () => boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function runReconnecting(run: ReconnectingRun): Promise<number> {
  const { charger, link, log, logger, url } = run;
  const id = charger.id;
  let fail: (error: CliError) => void = () => {};
  const failed = new Promise<CliError>((resolve) => {
    fail = resolve;
  });
  let queue: TransactionQueue<object> | undefined;
  let opens = 0;
  // Listened to before the first await: the first attempt starts on the next microtask.
  link.on("state", (change) => {
    if (change.state === "connecting") {
      log("connecting", { url, attempt: change.attempt });
    } else if (change.state === "open") {
      opens++;
      log("connected", { url, protocol: change.protocol }, `${id} connected to ${url} (${change.protocol})`);
      // The queue registered once; a link that comes back reports the connectors again (a 2.x station
      // decides itself which, by OfflineThreshold).
      if (opens > 1 && !("reportsReconnect" in charger))
        charger.sendAllStatuses().catch((error: unknown) => logger.warn?.(`status failed: ${oneLine(error)}`));
    } else if (change.state === "disconnected" && !run.stopping()) {
      const queued = queue?.size ?? 0;
      const { code, reason, retryInMs, error } = change;
      // With another network connection or security profile to fall back to, a refusal is one failed attempt (B10, 1.6 A05).
      // Once connected the configuration was right: a CSMS certificate refused later is retried, as a
      // station in the field does (it reports it with a security event, part 6 TC_A_05_CS).
      const refusedLater = opens > 0 && tlsFailureType(error?.message ?? "") !== undefined;
      if (error && !error.retryable && !charger.fallsBack && !refusedLater) {
        fail(explainConnectError("charge-point", url, run.subprotocol, error));
        return;
      }
      if (error) {
        log(
          "connectFailed",
          { url, attempt: change.failures, reason, retryInMs, queued },
          `${id} cannot connect (${reason}); trying again in ${seconds(retryInMs)}, ${queued} messages queued`,
        );
      } else {
        log(
          "disconnected",
          { code, reason, retryInMs, queued },
          `${id} disconnected (${code}${reason ? ` ${reason}` : ""}); reconnecting in ${seconds(retryInMs)}, ${queued} messages queued`,
        );
      }
    }
  });
  const peer = charger.attach(link);
  charger.attachLink(link);
  queue = await TransactionQueue.open(peer as ChargePoint<object>, { directory: run.directory, retryIntervalMs: 5_000, logger });
  // After the queue: its journal's lock keeps a second charger out of the directory.
  let state: ChargerState | undefined;
  try {
    state = run.directory === undefined ? undefined : ChargerState.open(run.directory, id);
  } catch (error) {
    link.close(1000, "charge point shutting down");
    await queue.close();
    throw error;
  }
  charger.queue = queue;
  charger.recorder = state;
  let heldOffline = false;
  queue.on("queued", ({ seq, action, position }) => {
    const offline = !link.isOpen;
    heldOffline ||= offline;
    log("queued", { seq, action, position, offline }, offline ? `${action} queued while offline (position ${position})` : undefined);
  });
  queue.on("delivered", ({ seq, action }) => log("delivered", { seq, action }));
  queue.on("retry", ({ seq, action, failures, retryInMs, error }) =>
    log("retried", { seq, action, failures, retryInMs, error: oneLine(error) }),
  );
  queue.on("dropped", ({ seq, action, error }) =>
    log(
      "dropped",
      { seq, action, failures: error.failures, message: error.message },
      `${action} dropped from the offline queue: ${error.message}`,
    ),
  );
  queue.on("drained", () => {
    log("drained", {}, heldOffline ? `${id} delivered everything it queued offline` : undefined);
    heldOffline = false;
  });
  queue.on("transactionId", ({ local, id: real }) => {
    charger.learnTransactionId(local, real);
    log("transactionId", { local, transactionId: real }, `offline transaction ${local} is transaction ${real}`);
  });

  const running = peer.start().catch(() => {});
  let outcome: CliError | undefined;
  try {
    if (state) {
      // Before any new session and before the boot: what the last run left open ends first.
      for (const ended of await endTransactionsLeftOpen(state, charger, queue.store.records)) {
        log("powerLoss", {
          connectorId: ended.connectorId,
          transactionId: ended.transactionId,
          meterWh: ended.meterWh,
          meterAt: ended.meterAt,
          ...(ended.seqNo === undefined ? {} : { seqNo: ended.seqNo }),
        });
      }
    }
    run.listen();
    if (run.stopping()) link.close(1000, "charge point shutting down");
    let finished = false;
    charger.boot().catch((error: unknown) => {
      if (!run.stopping() && !finished) logger.warn?.(`boot failed: ${oneLine(error)}`);
    });
    outcome = await Promise.race([running.then(() => undefined), failed]);
    finished = true;
  } finally {
    if (outcome || link.state !== "closed") link.close(1000, "charge point shutting down");
    await running;
    await queue.close();
    await state?.flush();
  }
  if (outcome) throw outcome;
  return ExitCode.Ok;
}
