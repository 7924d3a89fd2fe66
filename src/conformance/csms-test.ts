/**
 * What a TC_*_CSMS case sees: the tool playing the charging station on one connection. On top of the
 * verbs every case has (CaseTest: `send`, `expect`, steps and reusable states), the CSMS sends a message
 * (`receive`, started by a trigger where part 6 says "Manual Action"), the OCTT responds
 * (`IncomingCall.reply`, by default with the station model's answer), and the station's usual messages.
 */
import { randomUUID } from "node:crypto";
import { validatePayload } from "../index.js";
import type { AfterOptions, Handler, OnOptions } from "../rpc/routing.js";
import { Station2 } from "../station/index.js";
import { actionSender, type ChargePoint, protocol } from "../v201/index.js";
import type { FrameLog } from "./case.js";
import { CaseTest, type CaseTestOptions } from "./case-test.js";
import type { IdToken } from "./config.js";
import { CheckFailure, StepError } from "./failures.js";
import { Truststore } from "./truststore.js";

type Body = Record<string, unknown>;

/** A CALL the CSMS sent, held until the case answers it. */
export interface IncomingCall {
  readonly action: string;
  readonly payload: Body;
  /** Step `step`: the OCTT responds with `body`, or with the station model's answer when omitted. */
  reply(step: number | string, body?: Body): Promise<void>;
}

interface Waiter {
  readonly action: string;
  readonly resolve: (call: IncomingCall) => void;
}

/** A client certificate and its key: PEM files, or PEM text (a certificate the CSMS just signed). */
export type ClientCertificate = { readonly cert: string; readonly key: string } | { readonly certPem: string; readonly keyPem: string };

/** Where and how the station connects after the CSMS upgraded its security profile (TC_A_19). */
export interface UpgradedConnection {
  /** The base URL of the new network connection profile (`<Configured ocppCsmsUrl>`). */
  readonly url: string;
  readonly securityProfile: number;
  readonly clientCertificate?: ClientCertificate;
}

/** What the station remembers from case to case within a run, as a real one would across reboots. */
export interface StationMemory {
  /** The BasicAuthPassword the CSMS set (TC_A_09), used instead of the configured one from then on. */
  basicAuthPassword?: string;
  /** The connection of a higher security profile the CSMS moved the station to (TC_A_19), used from then on. */
  upgraded?: UpgradedConnection;
}

/** Credentials other than the configured ones (A00: a wrong username or password, another client certificate). */
export interface Credentials {
  readonly basic?: { readonly username: string; readonly password: string };
  readonly clientCertificate?: ClientCertificate;
  /** Another connection than the station's current one (TC_A_19: the upgraded, or the configured one). */
  readonly connection?: UpgradedConnection | "configured";
}

/** A CALL the case waits for before it sends what makes the CSMS send it (CertificateSigned after SignCertificate). */
export interface ExpectedCall {
  /** Step `step`: the CALL has come, or comes within config actionTimeoutS. */
  arrival(step: number | string): Promise<IncomingCall>;
}

/** The reusable states of part 6 section 3.18 the station can be in. */
export type StateName =
  | "Booted"
  | "Authorized"
  | "EVConnectedPreSession"
  | "EnergyTransferStarted"
  | "EnergyTransferSuspended"
  | "StopAuthorized"
  | "EVConnectedPostSession"
  | "EVDisconnected";

/** What the simulated station is doing, as the reusable states leave it. */
export interface StationState {
  /** The last reusable state executed. */
  state?: StateName;
  booted: boolean;
  evConnected: boolean;
  authorized: boolean;
  /** The running transaction: its id and the next seqNo. */
  transaction?: { id: string; seqNo: number };
  /** The last transaction, also after it ended. */
  lastTransaction?: { id: string; seqNo: number };
  /** The last idToken that authorized (sent once in TransactionEvent). */
  idToken?: IdToken;
}

/** What a CALL of the CSMS gets when no step claims it: the station model's answer, else these. */
const defaultAnswers: Readonly<Record<string, (payload: Body) => Body>> = {
  ChangeAvailability: () => ({ status: "Accepted" }),
  ClearCache: () => ({ status: "Accepted" }),
  ClearChargingProfile: () => ({ status: "Unknown" }),
  ClearDisplayMessage: () => ({ status: "Unknown" }),
  CustomerInformation: () => ({ status: "Accepted" }),
  DataTransfer: () => ({ status: "UnknownVendorId" }),
  DeleteCertificate: () => ({ status: "NotFound" }),
  GetInstalledCertificateIds: () => ({ status: "NotFound" }),
  GetLocalListVersion: () => ({ versionNumber: 0 }),
  GetLog: () => ({ status: "Rejected" }),
  GetTransactionStatus: () => ({ messagesInQueue: false }),
  InstallCertificate: () => ({ status: "Accepted" }),
  RequestStartTransaction: () => ({ status: "Rejected" }),
  RequestStopTransaction: () => ({ status: "Rejected" }),
  Reset: () => ({ status: "Rejected" }),
  SetNetworkProfile: () => ({ status: "Rejected" }),
  TriggerMessage: () => ({ status: "Rejected" }),
  UnlockConnector: () => ({ status: "UnlockFailed" }),
  UpdateFirmware: () => ({ status: "Rejected" }),
};

export interface CsmsTestOptions extends CaseTestOptions {
  /** Opens a new connection to the system under test as this station (with other credentials for the A cases). */
  readonly open: (credentials?: Credentials) => Promise<ChargePoint>;
  readonly frames: FrameLog[];
  /** The station's URL (the A cases probe its TLS). */
  readonly url: string;
  readonly memory: StationMemory;
}

export class CsmsTest extends CaseTest {
  protected readonly sut = "CSMS";
  readonly url: string;
  readonly memory: StationMemory;
  readonly #stations = new Map<number, StationState>();
  #evse: number;
  /** The station's installed CA certificates (M03-M05). */
  readonly truststore = new Truststore();
  /** The station model: device model, reports, monitoring. */
  readonly model: Station2;
  #cp: ChargePoint | undefined;
  #ended: Promise<void> = Promise.resolve();
  readonly #open: (credentials?: Credentials) => Promise<ChargePoint>;
  readonly #frames: FrameLog[];
  readonly #stationHandlers = new Map<string, { on?: Handler; after?: Handler }>();
  #waiters: Waiter[] = [];
  #background: Promise<unknown>[] = [];

  constructor(options: CsmsTestOptions) {
    super(options);
    this.#open = options.open;
    this.url = options.url;
    this.memory = options.memory;
    this.#evse = options.config.evseId;
    this.#frames = options.frames;
    const c = options.config;
    const stations = this.#stations;
    this.model = new Station2(
      {
        send: (action, body) => this.call(this.currentStep, action, body),
        background: (_what, work) => {
          const step = this.currentStep;
          this.#background.push(
            work().catch((error: unknown) => {
              this.failLater(error instanceof CheckFailure ? error : new StepError(step, String((error as Error).message ?? error)));
            }),
          );
        },
        get connectors() {
          return Array.from({ length: c.evses }, (_, i) => {
            const state = stations.get(i + 1);
            return { id: i + 1, status: state?.evConnected ? "Occupied" : "Available", transactionId: state?.transaction?.id };
          });
        },
        // The model's own follow-ups of a CSMS command (end a session, report a status, reboot, send what a
        // TriggerMessage asked for) stay silent: a case sends exactly the messages its table prescribes.
        stopSession: async () => {},
        sendStatus: async () => {},
        reboot: async () => {},
        trigger: async () => {},
        online: true,
      },
      {
        evses: c.evses,
        model: c.model,
        vendorName: c.vendorName,
        serialNumber: c.serialNumber,
        firmwareVersion: c.firmwareVersion,
        powerW: 22_000,
        identity: options.stationId,
        securityProfile: c.securityProfile,
        heartbeatIntervalS: c.heartbeatIntervalS,
        txUpdatedIntervalS: 0,
      },
    );
    this.model.route({
      route: (action: string, handler: Handler, _options?: OnOptions) => {
        this.#stationHandlers.set(action, { ...this.#stationHandlers.get(action), on: handler });
        return this;
      },
      routeAfter: (action: string, handler: Handler, _options?: AfterOptions) => {
        this.#stationHandlers.set(action, { ...this.#stationHandlers.get(action), after: handler });
        return this;
      },
    });
  }

  /** Opens the case's connection: every CALL of the CSMS comes to this test. */
  async connect(credentials?: Credentials): Promise<void> {
    const cp = await this.#open(credentials);
    for (const [action, sender] of Object.entries(actionSender)) {
      if (sender === "ChargePoint") continue;
      cp.route(action, (payload: Body) => this.#incoming(action, payload), { skipSchemaValidation: true });
    }
    this.#ended = cp.start().catch(() => {});
    this.#cp = cp;
  }

  protected frameCount(): number {
    return this.#frames.length;
  }

  protected async connection(label: string): Promise<ChargePoint> {
    if (!this.#cp) throw this.fail(new StepError(label, "not connected"));
    return this.#cp;
  }

  /** Closes the connection (part 6: "The OCTT closes the WebSocket connection"), waiting until it is closed. */
  async disconnect(step: number | string): Promise<void> {
    this.currentStep = this.label(step);
    const cp = this.#cp;
    this.#cp = undefined;
    if (!cp || cp.closed) return;
    cp.close(1000, "closed by the test case");
    // Bounded: a peer that never completes the closing handshake is cut off by ws itself after a while.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#ended, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }

  /**
   * Steps `step`..`step + 1` of the A cases: the OCTT opens a connection, the CSMS must upgrade it to a
   * WebSocket (`accept`) or refuse it.
   */
  async expectConnection(step: number | string, accept: boolean, credentials?: Credentials): Promise<void> {
    this.currentStep = this.label(step);
    let failure: Error | undefined;
    try {
      await this.connect(credentials);
    } catch (error) {
      failure = error as Error;
    }
    const check = accept ? "the CSMS upgrades the connection to a WebSocket" : "the CSMS refuses the connection";
    if (accept && failure) throw this.fail(new CheckFailure(this.label(step), check, "an open WebSocket", failure.message));
    if (!accept && !failure) {
      await this.disconnect(step);
      throw this.fail(new CheckFailure(this.label(step), check, "a refused upgrade or handshake", "an open WebSocket"));
    }
  }

  /** Reconnects after `seconds` (part 6: "waits …, then it will reconnect to the CSMS"). */
  async reconnect(step: number | string, seconds = this.config.transactionDurationS): Promise<void> {
    await this.disconnect(step);
    await this.wait(seconds);
    try {
      await this.connect();
    } catch (error) {
      throw this.fail(
        new CheckFailure(this.label(step), "the CSMS accepts the reconnection", "a WebSocket connection", (error as Error).message),
      );
    }
  }

  /** The state of the EVSE the steps act on (the configured one unless inside `onEvse`). */
  get station(): StationState {
    let state = this.#stations.get(this.#evse);
    if (!state) {
      state = { booted: false, evConnected: false, authorized: false };
      this.#stations.set(this.#evse, state);
    }
    return state;
  }

  /** The EVSE the steps act on: `<Configured evseId>` unless inside `onEvse`. */
  get evseId(): number {
    return this.#evse;
  }

  /** Its connector: `<Configured connectorId>` on the configured EVSE, 1 on the others. */
  get connectorId(): number {
    return this.#evse === this.config.evseId ? this.config.connectorId : 1;
  }

  /** Runs steps on another EVSE (cases with a transaction on each EVSE, C16). */
  async onEvse<T>(evseId: number, run: () => Promise<T>): Promise<T> {
    const previous = this.#evse;
    this.#evse = evseId;
    try {
      return await run();
    } finally {
      this.#evse = previous;
    }
  }

  // ---- the CSMS sends ----

  /**
   * Part 6's "Manual Action": asks the trigger to make the CSMS send `action` (with `payload` as its
   * parameters), then waits for that CALL (config actionTimeoutS). The CALL is held until the case replies.
   */
  async receive(step: number | string, action: string, request: { instruction: string; payload: Body }): Promise<IncomingCall> {
    const label = this.begin(step);
    const arrived = this.#waitFor(action);
    let triggerFailed: ((error: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      triggerFailed = reject;
    });
    this.askTrigger(label, action, request.payload, request.instruction).catch((error: unknown) => triggerFailed?.(error));
    try {
      return await this.#arrival(label, action, Promise.race([arrived.call, failed]));
    } catch (error) {
      arrived.cancel();
      throw error;
    }
  }

  /**
   * A CALL the CSMS will send in reaction to the tool's next message: claimed from now on (a CSMS may send
   * it right after its answer, before the case's next line runs), awaited with `arrival`.
   */
  willReceive(action: string): ExpectedCall {
    const arrived = this.#waitFor(action);
    return {
      arrival: async (step) => {
        this.currentStep = this.label(step);
        try {
          return await this.#arrival(this.currentStep, action, arrived.call);
        } catch (error) {
          arrived.cancel();
          throw error;
        }
      },
    };
  }

  /** Waits for a CALL the CSMS sends on its own (after a message of the tool), bounded by actionTimeoutS. */
  async expectCall(step: number | string, action: string): Promise<IncomingCall> {
    const label = this.begin(step);
    const arrived = this.#waitFor(action);
    try {
      return await this.#arrival(label, action, arrived.call);
    } catch (error) {
      arrived.cancel();
      throw error;
    }
  }

  async #arrival(label: string, action: string, arrived: Promise<IncomingCall>): Promise<IncomingCall> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            this.fail(
              new CheckFailure(
                label,
                `the CSMS sends ${action}Request`,
                `${action}Request within ${this.config.actionTimeoutS} s`,
                "nothing",
              ),
            ),
          ),
        this.config.actionTimeoutS * 1000,
      );
    });
    try {
      const call = await Promise.race([arrived, timeout]);
      this.raisePending();
      return call;
    } finally {
      clearTimeout(timer);
    }
  }

  #waitFor(action: string): { call: Promise<IncomingCall>; cancel: () => void } {
    let waiter: Waiter | undefined;
    const call = new Promise<IncomingCall>((resolve) => {
      waiter = { action, resolve };
      this.#waiters.push(waiter);
    });
    return { call, cancel: () => (this.#waiters = this.#waiters.filter((w) => w !== waiter)) };
  }

  /** Every CALL of the CSMS: checked against its schema, given to the step waiting for it, else answered by the station. */
  #incoming(action: string, payload: Body): Promise<Body> | Body {
    const problem = this.invalidCall(action, payload);
    if (problem) {
      this.#wake();
      throw problem;
    }
    const spec = protocol.actions.get(action);
    const waiter = this.#waiters.find((w) => w.action === action);
    if (!waiter) return this.#answer(action, payload);
    this.#waiters = this.#waiters.filter((w) => w !== waiter);
    return new Promise<Body>((resolve) => {
      waiter.resolve({
        action,
        payload,
        reply: async (step, body) => {
          this.currentStep = this.label(step);
          const answer = body ?? (await this.#answer(action, payload));
          const invalid = spec?.response && validatePayload(spec.response, answer);
          if (invalid) throw new StepError(this.currentStep, `the tool's ${action}Response is invalid: ${invalid.description}`);
          resolve(answer);
          if (body !== undefined) return;
          const after = this.#stationHandlers.get(action)?.after;
          if (after) this.#afterwards(() => after(payload as never, ""));
        },
      });
    });
  }

  async #answer(action: string, payload: Body): Promise<Body> {
    const model = this.#stationHandlers.get(action);
    if (model?.on) {
      const answer = (await model.on(payload as never, "")) as Body;
      const after = model.after;
      if (after) this.#afterwards(() => after(payload as never, ""));
      return answer;
    }
    return defaultAnswers[action]?.(payload) ?? {};
  }

  /** An @after follow-up of the station model, once the answer is on the wire; finish() waits for it. */
  #afterwards(work: () => unknown): void {
    this.#background.push(new Promise((resolve) => setImmediate(resolve)).then(work));
  }

  /** A failure found outside the step that waits: wake every waiter so the case ends now. */
  #wake(): void {
    const failure = this.pending;
    if (!failure) return;
    for (const waiter of this.#waiters) waiter.resolve(Promise.reject(failure) as never);
    this.#waiters = [];
  }

  /** Ends the case: background sends (NotifyReport parts) must have succeeded. */
  async finish(): Promise<void> {
    while (this.#background.length) {
      const all = this.#background;
      this.#background = [];
      await Promise.all(all);
    }
    this.raisePending();
  }

  // ---- the station's usual messages ----

  bootPayload(reason: string): Body {
    const c = this.config;
    return {
      reason,
      chargingStation: { model: c.model, vendorName: c.vendorName, firmwareVersion: c.firmwareVersion, serialNumber: c.serialNumber },
    };
  }

  /** StatusNotification and the NotifyEvent of Connector.AvailabilityState (part 6: "notifies the CSMS about the state"). */
  async notifyConnector(
    step: number | string,
    status: string,
    evseId = this.config.evseId,
    connectorId = this.config.connectorId,
  ): Promise<void> {
    await this.send(step, "StatusNotification", { timestamp: this.now(), connectorStatus: status, evseId, connectorId });
    await this.send(step, "NotifyEvent", {
      generatedAt: this.now(),
      seqNo: 0,
      tbc: false,
      eventData: [
        {
          eventId: Math.floor(Math.random() * 1_000_000),
          timestamp: this.now(),
          trigger: "Delta",
          actualValue: status,
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector", evse: { id: evseId, connectorId } },
          variable: { name: "AvailabilityState" },
        },
      ],
    });
  }

  /** Every connector's state after a boot. */
  async notifyAllConnectors(step: number | string, status = "Available", occupied?: number): Promise<void> {
    for (let evse = 1; evse <= this.config.evses; evse++)
      await this.notifyConnector(step, evse === occupied ? "Occupied" : status, evse, 1);
  }

  /**
   * A TransactionEventRequest of the running transaction (a new one for `Started`); the transactionId,
   * seqNo, timestamp and evse are filled in.
   */
  async transactionEvent(
    step: number | string,
    event: {
      eventType: "Started" | "Updated" | "Ended";
      triggerReason: string;
      chargingState?: string;
      stoppedReason?: string;
      idToken?: IdToken;
      remoteStartId?: number;
      meterValue?: Body[];
      offline?: boolean;
      /** Part 6 sometimes skips or reuses seqNo values (TC_E_31). */
      seqNo?: number;
      /** The last transaction again, after it ended (TC_E_19). */
      ended?: boolean;
      /** customData on the request and on its transactionInfo (TC_P_03). */
      customData?: Body;
    },
  ): Promise<Body> {
    if (event.ended && this.station.lastTransaction) this.station.transaction = this.station.lastTransaction;
    if (event.eventType === "Started" || !this.station.transaction) this.station.transaction = { id: randomUUID(), seqNo: 0 };
    const tx = this.station.transaction;
    this.station.lastTransaction = tx;
    const seqNo = event.seqNo ?? tx.seqNo++;
    const payload: Body = {
      eventType: event.eventType,
      timestamp: this.now(),
      triggerReason: event.triggerReason,
      seqNo,
      transactionInfo: {
        transactionId: tx.id,
        ...(event.chargingState ? { chargingState: event.chargingState } : {}),
        ...(event.stoppedReason ? { stoppedReason: event.stoppedReason } : {}),
        ...(event.remoteStartId === undefined ? {} : { remoteStartId: event.remoteStartId }),
        ...(event.customData ? { customData: event.customData } : {}),
      },
      ...(event.customData ? { customData: event.customData } : {}),
      evse: { id: this.evseId, connectorId: this.connectorId },
      ...(event.idToken ? { idToken: event.idToken } : {}),
      ...(event.meterValue ? { meterValue: event.meterValue } : {}),
      ...(event.offline ? { offline: true } : {}),
    };
    const response = await this.send(step, "TransactionEvent", payload);
    if (event.eventType === "Ended") this.station.transaction = undefined;
    return response;
  }

  /** A SignedMeterValueType for a reading (the signature is a placeholder: a CSMS stores it, it does not verify it). */
  signedMeterValue(wh: number): Body {
    return {
      signedMeterData: Buffer.from(`ocppkit:${this.caseId}:${wh}`).toString("base64"),
      signingMethod: "ECDSA-secp256r1-SHA256",
      encodingMethod: "OCMF",
      publicKey: Buffer.from("ocppkit-test-public-key").toString("base64"),
    };
  }

  /** A meter value of the energy register (Wh), with an optional reading context. */
  meterValue(wh: number, context?: string, extra: Body = {}): Body {
    return {
      timestamp: this.now(),
      sampledValue: [
        { value: wh, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "Wh" }, ...(context ? { context } : {}), ...extra },
      ],
    };
  }
}
