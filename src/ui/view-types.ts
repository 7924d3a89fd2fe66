/**
 * What the page is told over its live stream: the server folds every frame into these views, so a page
 * opened late sees boot information and transactions that happened before it was opened. The page
 * imports this module too.
 */

export type OcppVersionName = "1.6" | "2.0.1" | "2.1";

export interface ConnectorView {
  /** "Available", "Charging", ... as the charger last reported it. */
  readonly status: string;
  readonly errorCode?: string;
  readonly updatedAt: string;
}

export interface ChargerView {
  readonly id: string;
  readonly version: OcppVersionName;
  /** The cluster node the charger is connected to, when the fleet spans several. */
  readonly node?: string;
  readonly connectedSince: string;
  /** Set once the charger left: when, and the WebSocket close code and reason. */
  readonly goneAt?: string;
  readonly closeCode?: number;
  readonly closeReason?: string;
  readonly lastMessageAt?: string;
  readonly lastAction?: string;
  readonly boot?: { readonly vendor?: string; readonly model?: string; readonly firmware?: string };
  /** By connector ("1") in 1.6, by EVSE and connector ("1/1") in 2.x. */
  readonly connectors: Readonly<Record<string, ConnectorView>>;
}

export interface LogRecord {
  /** Increases by one per record in this server's lifetime: the page's key. */
  readonly seq: number;
  readonly time: string;
  readonly chargerId: string;
  readonly node?: string;
  readonly from: "chargePoint" | "centralSystem";
  readonly type: "CALL" | "CALLRESULT" | "CALLERROR" | "SEND" | "UNREADABLE";
  /** The OCPP message id: a CALL and its answer share it. */
  readonly messageId: string;
  readonly action?: string;
  readonly payload?: unknown;
  readonly errorCode?: string;
  readonly errorDescription?: string;
  /** On an answer: the seq of the CALL it answers, and the milliseconds between them. */
  readonly callSeq?: number;
  readonly latencyMs?: number;
}

export interface MeterSample {
  /** Milliseconds since the epoch, as the charger stamped it. */
  readonly t: number;
  readonly energyWh?: number;
  readonly powerW?: number;
}

export interface TransactionView {
  /** `${chargerId}/${transactionId}`. */
  readonly key: string;
  readonly chargerId: string;
  readonly transactionId: string;
  readonly connector?: string;
  /** idTag (1.6) or idToken (2.x). */
  readonly idToken?: string;
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly stopReason?: string;
  /** Energy delivered so far, from the meter register relative to its value at the start. */
  readonly energyWh: number;
  readonly powerW?: number;
  readonly samples: readonly MeterSample[];
}

/** A transaction's change on the live stream: its figures, and only the meter samples added by this change. */
export interface TransactionUpdate extends Omit<TransactionView, "samples"> {
  readonly addedSamples: readonly MeterSample[];
}

/** Meter samples kept per transaction (the oldest go first). */
export const samplesPerTransaction = 500;

export interface Snapshot {
  readonly chargers: readonly ChargerView[];
  readonly transactions: readonly TransactionView[];
  readonly log: readonly LogRecord[];
  /** The versions served, for the command panel. */
  readonly versions: readonly OcppVersionName[];
}

/** One message of the live stream (server-sent events: the `event` field is `kind`). */
export type StreamMessage =
  | { readonly kind: "snapshot"; readonly data: Snapshot }
  | { readonly kind: "charger"; readonly data: ChargerView }
  | { readonly kind: "transaction"; readonly data: TransactionUpdate }
  | { readonly kind: "log"; readonly data: LogRecord };

/** An action the central system may send in a version, with a valid example payload. */
export interface ActionInfo {
  readonly action: string;
  readonly example: Record<string, unknown>;
}

/** What the control endpoint answers (JSON body), whatever its HTTP status. */
export type ControlAnswer =
  | { readonly outcome: "result"; readonly action: string; readonly payload: unknown; readonly latencyMs: number }
  | {
      readonly outcome: "callError";
      readonly action: string;
      readonly code: string;
      readonly description: string;
      readonly details: unknown;
      readonly latencyMs: number;
    }
  | {
      readonly outcome: "refused";
      /** Stable: Unauthorized, UnknownCharger, UnknownVersion, WrongVersion, UnknownAction, NotSentByCentralSystem, InvalidPayload, BadRequest, Timeout, Failed. */
      readonly problem: string;
      readonly message: string;
      /** For InvalidPayload: the JSON pointer of the field at fault ("" for the payload itself). */
      readonly field?: string;
      readonly code?: string;
    };
