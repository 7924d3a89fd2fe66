/**
 * The case model: one conformance test case of OCPP 2.0.1 part 6 as data (id, name, block, use cases,
 * the feature it needs) plus its scenario in code. The direction, which side is under test, is a
 * property of the case: `TC_*_CSMS` cases drive a CSMS with ocppkit playing the charging station,
 * `TC_*_CS` cases (a later runner) drive a station with ocppkit playing the CSMS. The runner, config,
 * triggers and reports are shared by both.
 */
import type { ConformanceConfig } from "./config.js";
import type { CsTest } from "./cs/cs-test.js";
import type { CsmsTest } from "./csms-test.js";

/** The system under test. */
export const Direction = { Csms: "csms", ChargingStation: "cs" } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** The functional blocks of part 6 (section 3.2 onwards). */
export const Block = {
  A: "Security",
  B: "Provisioning",
  C: "Authorization",
  E: "Transactions",
  F: "RemoteControl",
  G: "Availability",
  J: "MeterValues",
  K: "SmartCharging",
  L: "FirmwareManagement",
  M: "CertificateManagement",
  N: "Diagnostics",
  P: "DataTransfer",
} as const;
export type BlockLetter = keyof typeof Block;

/**
 * What a CSMS claims to support, like the PICS of certification: a case whose feature is not claimed in
 * the config is "not applicable". Every block is a feature; a few blocks have optional parts of their own.
 */
export const Feature = {
  ...Block,
  AuthorizationCache: "AuthorizationCache",
  GroupId: "GroupId",
  MasterPass: "MasterPass",
  CustomerInformation: "CustomerInformation",
  SignedMeterValues: "SignedMeterValues",
  BasicAuth: "BasicAuth",
  Tls: "Tls",
  ClientCertificates: "ClientCertificates",
  /** A station can reset one EVSE (B11.FR.08, B12): TC_B_25..27 need it, TC_B_28/29 need it absent. */
  ResetEvse: "ResetEvse",
  /** A station supports the optional SummaryInventory base report (TC_B_15 needs it absent). */
  SummaryInventory: "SummaryInventory",
  /** A station cancels a running firmware update for a new request (TC_L_10 needs it, TC_L_11 needs it absent). */
  CancelFirmwareUpdate: "CancelFirmwareUpdate",
  /** A station downloads firmware while a transaction runs and installs it after (TC_L_14/15; absent with the next: TC_L_12/13). */
  FirmwareDownloadDuringTransaction: "FirmwareDownloadDuringTransaction",
  /** A station downloads and installs firmware while a transaction runs (TC_L_16; TC_L_12..15 need it absent). */
  FirmwareUpdateDuringTransaction: "FirmwareUpdateDuringTransaction",
  /** A station implements ChargingStation.AllowNewSessionsPendingFirmwareUpdate (TC_L_13/15). */
  AllowNewSessionsPendingFirmwareUpdate: "AllowNewSessionsPendingFirmwareUpdate",
  /** A station has a user interface to choose what a master pass stops (C16.FR.01): TC_C_47/48 need it, TC_C_49 needs it absent. */
  UserInterface: "UserInterface",
  /**
   * A station's cable is permanently attached at the station side (TC_E_27). Not claimed by default: a
   * station has a socket and a detachable cable unless its config says otherwise.
   */
  PermanentCable: "PermanentCable",
  /**
   * A station's SecurityCtrlr.AdditionalRootCertificateCheck is true (part 6 AS-2; TC_B_47/50, TC_M_09/30/31
   * need it, TC_M_02/07 need it absent). Not claimed by default: part 6's general pre condition is false.
   */
  AdditionalRootCertificateCheck: "AdditionalRootCertificateCheck",
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

export const allFeatures: readonly Feature[] = [...new Set(Object.values(Feature))];

interface CaseBase {
  /** `TC_B_01_CSMS` */
  readonly id: string;
  /** Part 6's test case name. */
  readonly name: string;
  readonly block: BlockLetter;
  /** Part 6's "Use case Id(s)". */
  readonly useCases: readonly string[];
  /** The features the system under test must claim; default: the block's. */
  readonly features?: readonly Feature[];
  /** Why the configured system cannot be tested with it (e.g. it needs two EVSEs), or undefined. */
  readonly requires?: (config: ConformanceConfig) => string | undefined;
  /** Why the runner cannot run it (ISO 15118 certificate infrastructure, hardware): reported not applicable. */
  readonly outOfScope?: string;
}

/** A case where ocppkit plays the charging station and the CSMS is under test. */
export interface CsmsCase extends CaseBase {
  readonly direction: typeof Direction.Csms;
  /**
   * Which station identity the case connects as: "main", or "pending" for the cases whose prerequisite is a
   * CSMS that answers this station's first BootNotification with Pending (B02 / B03).
   */
  readonly station?: "main" | "pending";
  /**
   * The case boots the station itself (its scenario starts with the BootNotification); otherwise the runner
   * runs the reusable state Booted first, as the preparation every other case assumes.
   */
  readonly bootsItself?: boolean;
  /** The case opens its connections itself, with the credentials it tests (A00); nothing is opened or booted first. */
  readonly connectsItself?: boolean;
  /** The scenario: steps numbered as in part 6. */
  run(t: CsmsTest): Promise<void>;
}

/** A case where ocppkit plays the CSMS and the charging station is under test. */
export interface CsCase extends CaseBase {
  readonly direction: typeof Direction.ChargingStation;
  /** Features the station must NOT claim (a case for a station without an optional feature, TC_B_15, TC_B_28). */
  readonly withoutFeatures?: readonly Feature[];
  /** The scenario: steps numbered as in part 6. */
  run(t: CsTest): Promise<void>;
}

export type ConformanceCase = CsmsCase | CsCase;

export const Outcome = {
  Pass: "pass",
  Fail: "fail",
  NeedsAction: "needs action",
  NotApplicable: "not applicable",
  Error: "error",
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** One frame of the case's connection, as the report shows it. */
export interface FrameLog {
  readonly index: number;
  readonly time: string;
  /** Who sent it: the tool (playing the station) or the system under test. */
  readonly from: "tool" | "sut";
  readonly text: string;
}

export interface CaseResult {
  readonly id: string;
  readonly name: string;
  readonly block: BlockLetter;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Why it was not applicable, needs action, failed or errored (one line). */
  readonly reason?: string;
  /** On a failure: the step as part 6 numbers it (`2`, `Booted 2`). */
  readonly step?: string;
  /** On a failure: the named check, what it expected and what it received. */
  readonly check?: string;
  readonly expected?: string;
  readonly received?: string;
  /** On a failure or error: the frames around it. */
  readonly frames?: readonly FrameLog[];
}
