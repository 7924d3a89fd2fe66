/**
 * The physical side of a 2.x charging session, one EVSE at a time, and the transaction it makes (2.0.1
 * part 2 E01-E10, F01-F03): the parking bay, the cable at the station side and at the EV side, the
 * driver's authorization, the power path and the energy flow are separate facts, each changed by a
 * physical action (the control endpoint's) or by the CSMS (RequestStart/StopTransaction, an idTokenInfo).
 * The transaction starts when the first of TxStartPoint's points holds (E01) and ends when one of
 * TxStopPoint's points that held stops holding (E06); every change in between is a TransactionEvent
 * Updated with the change's triggerReason (E02.FR.*), numbered by seqNo, through the driver's queue.
 */

type Body = Record<string, unknown>;

/** The physical actions the session model takes (the control endpoint's `OCPPKIT_ACTION`, beyond PowerCycle). */
export const SessionAction = {
  /** Drive the EV into the parking bay (the bay sensor: TxStartPoint ParkingBayOccupancy). */
  DriveIn: "DriveIn",
  /** Drive the EV out of the parking bay. */
  DriveOut: "DriveOut",
  /** Connect the EV and EVSE (both ends of the cable). */
  PlugIn: "PlugIn",
  /** Disconnect the EV and EVSE (both ends; at the station side for a detachable cable). */
  Unplug: "Unplug",
  /** The EVSE loses the connection with the EV at the EV side; the cable stays in the station (E09, E10). */
  EVSideDisconnect: "EVSideDisconnect",
  /** The EV side of the cable is connected again (E10). */
  EVSideReconnect: "EVSideReconnect",
  /** Present an idToken: authorizes a session, or stops the one it (or its group) started (C01, E07). */
  PresentIdToken: "PresentIdToken",
  /** The EV suspends the energy transfer, or is not ready for it (SuspendedEV). */
  EVSuspend: "EVSuspend",
  /** The EV takes energy again. */
  EVResume: "EVResume",
} as const;
export type SessionAction = (typeof SessionAction)[keyof typeof SessionAction];

/** Why the transaction changed: TransactionEvent's triggerReason and, when it ends it, stoppedReason. */
interface Cause {
  readonly triggerReason: string;
  readonly stoppedReason?: string;
}

const TxPoint = {
  ParkingBayOccupancy: "ParkingBayOccupancy",
  EVConnected: "EVConnected",
  Authorized: "Authorized",
  PowerPathClosed: "PowerPathClosed",
  EnergyTransfer: "EnergyTransfer",
} as const;

/** The EVSE record the driver keeps (the same the rest of the simulator reads: RequestStopTransaction, meter, reset). */
export interface SessionEvse {
  readonly id: number;
  status: string;
  transactionId?: string;
  idTag?: string;
  seqNo: number;
  remoteStartId?: number;
  startedAt?: string;
  meterAt?: string;
}

/** What the session model needs of the simulator that runs it. */
export interface SessionHost {
  evse(evseId: number): SessionEvse | undefined;
  /** A device model list (TxCtrlr.TxStartPoint) or flag (TxCtrlr.StopTxOnInvalidId) as the station holds it now. */
  list(component: string, variable: string): string[];
  enabled(component: string, variable: string): boolean;
  value(component: string, variable: string): string | undefined;
  /** Local list, cache or an AuthorizeRequest decide (C01, C10-C15). */
  authorize(idToken: string): Promise<boolean>;
  mayStart(evseId: number, idToken: string): boolean;
  /**
   * Whether `presented` may stop the session `startedBy` authorized, as the stoppedReason of the stop:
   * Local (E07: the same token; C09: an Accepted one of its group), MasterPass (C16: every transaction), or undefined: no stop.
   */
  mayStop(evseId: number, startedBy: string, presented: string): Promise<string | undefined>;
  /** The reservation a session for `idToken` on `evseId` uses up (`reservationId` for the Started event). */
  useReservation(evseId: number, idToken: string): Body;
  sendStatus(evseId: number, status: string): Promise<void>;
  /** Sends (or queues, offline) a TransactionEvent; its response. */
  transactionEvent(body: Body): Promise<Body>;
  /** `meterValue` for a Started or Ended event (SampledDataCtrlr Tx*Measurands). */
  meterValue(evseId: number, event: "Started" | "Ended"): Body;
  /** A transaction started: TxProfiles apply, the meter runs. */
  started(evseId: number): void;
  /** The transaction ended: the meter stops, TxProfiles go; the status the idle EVSE shows. */
  ended(evseId: number): string;
  /** The status of an EVSE without a transaction and without an EV: Available, Reserved or Unavailable. */
  idleStatus(evseId: number): string;
  log(text: string): void;
  newTransactionId(): string;
}

interface Authorization {
  readonly idToken: string;
  readonly type: string;
  readonly remoteStartId?: number;
}

/** One EVSE's physical state and its transaction. */
class EvseSession {
  bayOccupied = false;
  /** The cable is in the station's socket. */
  cable = false;
  /** The EV end of the cable is connected (and talks to the EVSE). */
  evSide = false;
  authorization: Authorization | undefined;
  powerPathClosed = false;
  /** The EV wants energy (false: SuspendedEV). */
  evReady = true;
  /** The idToken that must be presented to unlock the cable (UnlockOnEVSideDisconnect false, E09.FR.03). */
  lockedFor: string | undefined;
  /** The transaction's idToken has not yet been sent (the first event after authorization carries it). */
  idTokenPending = false;
  /** The next event is the first after a RequestStartTransaction: triggerReason RemoteStart, remoteStartId. */
  remotePending = false;
  /** Why the transaction was deauthorized, for the stoppedReason of its Ended event later (E06). */
  stopReason: string | undefined;
  timer: NodeJS.Timeout | undefined;

  constructor(readonly id: number) {}

  get evConnected(): boolean {
    return this.cable && this.evSide;
  }

  get energyTransfer(): boolean {
    return this.powerPathClosed && this.evReady;
  }

  points(): Set<string> {
    const points = new Set<string>();
    if (this.bayOccupied) points.add(TxPoint.ParkingBayOccupancy);
    if (this.evConnected) points.add(TxPoint.EVConnected);
    if (this.authorization) points.add(TxPoint.Authorized);
    if (this.powerPathClosed) points.add(TxPoint.PowerPathClosed);
    if (this.energyTransfer) points.add(TxPoint.EnergyTransfer);
    return points;
  }

  /** TransactionEvent's chargingState (2.0.1 ChargingStateEnumType) from the physical state. */
  chargingState(): string {
    if (!this.evConnected) return "Idle";
    if (!this.powerPathClosed) return "EVConnected";
    return this.evReady ? "Charging" : "SuspendedEV";
  }
}

export class Sessions {
  /** Set once physical actions drive the station (the control endpoint): remote starts then wait for the EV. */
  physical = false;
  readonly #host: SessionHost;
  readonly #sessions = new Map<number, EvseSession>();

  constructor(host: SessionHost) {
    this.#host = host;
  }

  #session(evseId: number): EvseSession {
    let session = this.#sessions.get(evseId);
    if (!session) {
      session = new EvseSession(evseId);
      this.#sessions.set(evseId, session);
    }
    return session;
  }

  /** The charging state of the EVSE's transaction (for the periodic Updated events), if the model runs it. */
  chargingState(evseId: number): string | undefined {
    const session = this.#sessions.get(evseId);
    return session && this.#host.evse(evseId)?.transactionId !== undefined ? session.chargingState() : undefined;
  }

  /** Whether the cable is in the EVSE's socket: its connector is Occupied, with a transaction or not (after a reboot too). */
  cableIn(evseId: number): boolean {
    return this.#sessions.get(evseId)?.cable ?? false;
  }

  /** Whether the model holds a session on the EVSE (a stop then goes through it). */
  owns(evseId: number): boolean {
    const s = this.#sessions.get(evseId);
    return s !== undefined && (s.cable || s.bayOccupied || s.authorization !== undefined);
  }

  /**
   * Carries out a physical action at `evseId`: throws at once, with a one-line reason, when it makes no
   * sense now (an unknown action, plugging in twice); else the returned promise is the station's reaction.
   */
  act(action: string, evseId: number, idToken?: { idToken?: string; type?: string }): Promise<void> {
    const s = this.#session(evseId);
    const problem = this.#problem(s, action, idToken);
    if (problem) throw new Error(problem);
    return this.#act(s, action as SessionAction, idToken);
  }

  #problem(s: EvseSession, action: string, idToken?: { idToken?: string }): string | undefined {
    if (!Object.values(SessionAction).includes(action as SessionAction))
      return `unknown action '${action}': ${Object.values(SessionAction).join(", ")} or PowerCycle`;
    if (action === SessionAction.PlugIn && s.cable) return `EVSE ${s.id} already has the EV connected`;
    if ((action === SessionAction.Unplug && !s.cable) || (action === SessionAction.EVSideDisconnect && !s.evConnected))
      return `EVSE ${s.id} has no EV connected`;
    if (action === SessionAction.EVSideReconnect && (!s.cable || s.evSide)) return `EVSE ${s.id} has no cable waiting for the EV`;
    if (action === SessionAction.PresentIdToken && !idToken?.idToken) return "PresentIdToken needs payload.idToken.idToken";
    return undefined;
  }

  async #act(s: EvseSession, action: SessionAction, idToken?: { idToken?: string; type?: string }): Promise<void> {
    const evseId = s.id;
    switch (action) {
      case SessionAction.DriveIn:
        return this.#change(s, { triggerReason: "EVDetected" }, () => {
          s.bayOccupied = true;
        });
      case SessionAction.DriveOut:
        return this.#change(s, { triggerReason: "EVDeparted", stoppedReason: s.stopReason ?? "Local" }, () => {
          s.bayOccupied = false;
        });
      case SessionAction.PlugIn: {
        clearTimeout(s.timer);
        await this.#host.sendStatus(evseId, "Occupied");
        await this.#change(s, { triggerReason: "CablePluggedIn" }, () => {
          s.cable = true;
          s.evSide = true;
        });
        return this.#closePowerPath(s);
      }
      case SessionAction.Unplug: {
        s.lockedFor = undefined;
        const stoppedReason = s.stopReason ?? "EVDisconnected";
        // Part 6 EVDisconnected: the connector's new state first, then the transaction's event.
        await this.#host.sendStatus(evseId, this.#host.idleStatus(evseId));
        await this.#change(s, { triggerReason: "EVCommunicationLost", stoppedReason }, () => {
          s.cable = false;
          s.evSide = false;
          s.powerPathClosed = false;
          s.evReady = true;
        });
        if (this.#host.evse(evseId)?.transactionId === undefined) s.stopReason = undefined;
        this.#connectionTimer(s);
        return;
      }
      case SessionAction.EVSideDisconnect: {
        // E09: StopTxOnEVSideDisconnect deauthorizes; UnlockOnEVSideDisconnect false keeps the cable locked until the idToken unlocks it.
        const stop = this.#host.enabled("TxCtrlr", "StopTxOnEVSideDisconnect");
        if (stop && !this.#host.enabled("OCPPCommCtrlr", "UnlockOnEVSideDisconnect")) s.lockedFor = s.authorization?.idToken;
        await this.#change(s, { triggerReason: "EVCommunicationLost", stoppedReason: "EVDisconnected" }, () => {
          s.evSide = false;
          s.powerPathClosed = false;
          // An EV that comes back takes energy again (E10): its suspension ended with the connection.
          s.evReady = true;
          if (stop) s.authorization = undefined;
        });
        this.#connectionTimer(s);
        return;
      }
      case SessionAction.EVSideReconnect: {
        clearTimeout(s.timer);
        await this.#change(s, { triggerReason: "CablePluggedIn" }, () => {
          s.evSide = true;
        });
        return this.#closePowerPath(s);
      }
      case SessionAction.EVSuspend:
        return this.#change(s, { triggerReason: "ChargingStateChanged", stoppedReason: "StoppedByEV" }, () => {
          s.evReady = false;
        });
      case SessionAction.EVResume:
        return this.#change(s, { triggerReason: "ChargingStateChanged" }, () => {
          s.evReady = true;
        });
      case SessionAction.PresentIdToken:
        return this.#present(s, idToken?.idToken ?? "", idToken?.type ?? "ISO14443");
    }
  }

  /** A presented idToken: unlocks a locked cable, stops the session it started, or authorizes a new one (C01, E07). */
  async #present(s: EvseSession, idToken: string, type: string): Promise<void> {
    if (s.lockedFor !== undefined && s.lockedFor === idToken) {
      s.lockedFor = undefined;
      this.#host.log(`EVSE ${s.id}: cable unlocked by ${idToken}`);
      return;
    }
    if (s.authorization) {
      const stoppedReason = await this.#host.mayStop(s.id, s.authorization.idToken, idToken);
      if (stoppedReason === undefined) return;
      const cause = { triggerReason: "StopAuthorized", stoppedReason };
      if (stoppedReason !== "MasterPass") return this.#deauthorize(s, cause, { idToken, type });
      // C16.FR.02 (a station without a user interface): the master pass stops every ongoing transaction.
      for (const other of this.#sessions.values()) await this.#deauthorize(other, cause, { idToken, type });
      return;
    }
    if (!this.#host.mayStart(s.id, idToken)) {
      this.#host.log(`EVSE ${s.id} is reserved or unavailable: ${idToken} may not charge there`);
      return;
    }
    if (!(await this.#host.authorize(idToken))) {
      this.#host.log(`idToken ${idToken} was not accepted`);
      return;
    }
    await this.#authorize(s, { idToken, type }, { triggerReason: "Authorized" });
  }

  /**
   * RequestStartTransaction (F01, F02): Accepted on a free EVSE, with the transactionId when one already
   * runs (TxStartPoint EVConnected and the EV plugged in first); the authorization follows in `afterRemoteStart`.
   */
  remoteStart(evseId: number): { status: string; transactionId?: string } {
    const s = this.#session(evseId);
    const evse = this.#host.evse(evseId);
    if (!evse || s.authorization) return { status: "Rejected" };
    return { status: "Accepted", ...(evse.transactionId === undefined ? {} : { transactionId: evse.transactionId }) };
  }

  /** After the answer: AuthorizeRemoteStart asks the CSMS first (F01.FR.02), then the session is authorized. */
  async afterRemoteStart(evseId: number, idToken: { idToken: string; type: string }, remoteStartId: number): Promise<void> {
    const s = this.#session(evseId);
    if (s.authorization) return;
    if (this.#host.enabled("AuthCtrlr", "AuthorizeRemoteStart") && !(await this.#host.authorize(idToken.idToken))) {
      this.#host.log(`remote start ${remoteStartId}: idToken ${idToken.idToken} was not accepted`);
      return;
    }
    s.remotePending = true;
    await this.#authorize(s, { ...idToken, remoteStartId }, { triggerReason: "RemoteStart" });
  }

  /** RequestStopTransaction (F03): deauthorizes the transaction, stoppedReason Remote. */
  async remoteStop(evseId: number): Promise<void> {
    const s = this.#session(evseId);
    const cause = { triggerReason: "RemoteStop", stoppedReason: "Remote" };
    if (s.authorization) await this.#deauthorize(s, cause);
    // A transaction that was never authorized (started by EVConnected) ends when the CSMS stops it.
    else await this.#end(s, cause);
  }

  /** A stop for a reason of the station (reset, power loss): the transaction ends now, whatever the stop points. */
  async stop(evseId: number, cause: { triggerReason: string; stoppedReason: string }): Promise<void> {
    const s = this.#session(evseId);
    clearTimeout(s.timer);
    s.authorization = undefined;
    s.powerPathClosed = false;
    if (this.#host.evse(evseId)?.transactionId !== undefined) await this.#end(s, cause);
  }

  async #authorize(s: EvseSession, authorization: Authorization, cause: Cause): Promise<void> {
    await this.#change(s, cause, () => {
      s.authorization = authorization;
      s.idTokenPending = true;
      s.stopReason = undefined;
    });
    if (!s.authorization) return;
    if (s.evConnected) await this.#closePowerPath(s);
    else this.#connectionTimer(s);
  }

  async #deauthorize(s: EvseSession, cause: Cause, by?: { idToken: string; type: string }): Promise<void> {
    if (!s.authorization) return;
    clearTimeout(s.timer);
    const wasPowered = s.powerPathClosed;
    s.stopReason = cause.stoppedReason;
    const before = s.points();
    s.authorization = undefined;
    s.powerPathClosed = false;
    const evse = this.#host.evse(s.id);
    if (evse?.transactionId === undefined) return;
    if (this.#ended(s, before)) return this.#end(s, cause, by);
    // The transaction goes on (TxStopPoint EVConnected, ParkingBayOccupancy): the stop, then the energy stopping.
    await this.#event(s, "Updated", cause, { ...(by ? { idToken: { idToken: by.idToken, type: by.type } } : {}) }, false);
    if (wasPowered) await this.#event(s, "Updated", { triggerReason: "ChargingStateChanged" }, {});
  }

  /** The EV is connected and the session authorized: the station closes the power path and energy flows (or the EV waits). */
  async #closePowerPath(s: EvseSession): Promise<void> {
    if (!s.evConnected || !s.authorization || s.powerPathClosed) return;
    const evse = this.#host.evse(s.id);
    const running = evse?.transactionId !== undefined;
    const starts = this.#startPoints();
    // E01 S4: with SignReadings the start reading is signed before the power path closes; DataSigned starts the transaction then.
    if (!running && starts.includes("DataSigned") && this.#host.enabled("SampledDataCtrlr", "SignReadings")) {
      await this.#start(s, { triggerReason: "SignedDataReceived" });
      await this.#change(s, { triggerReason: "ChargingStateChanged" }, () => {
        s.powerPathClosed = true;
      });
      return;
    }
    if (!running && starts.includes(TxPoint.PowerPathClosed)) {
      // Started when the power path closes, before energy flows: SuspendedEVSE first (part 6 EnergyTransferStarted step 7).
      s.powerPathClosed = true;
      await this.#start(s, { triggerReason: "ChargingStateChanged" }, "SuspendedEVSE");
      return this.#event(s, "Updated", { triggerReason: "ChargingStateChanged" }, {});
    }
    await this.#change(s, { triggerReason: "ChargingStateChanged" }, () => {
      s.powerPathClosed = true;
    });
  }

  /** EVConnectionTimeOut (E03.FR.05, E10.FR.02): an authorization without a connected EV ends when it runs out. */
  #connectionTimer(s: EvseSession): void {
    clearTimeout(s.timer);
    if (!s.authorization || s.evConnected) return;
    const seconds = Number(this.#host.value("TxCtrlr", "EVConnectionTimeOut"));
    if (!(seconds > 0)) return;
    s.timer = setTimeout(() => {
      this.#deauthorize(s, { triggerReason: "EVConnectTimeout", stoppedReason: "Timeout" }).catch((error: unknown) =>
        this.#host.log(`EVConnectionTimeOut on EVSE ${s.id}: ${(error as Error).message}`),
      );
    }, seconds * 1000);
    s.timer.unref();
  }

  #startPoints(): string[] {
    return this.#host.list("TxCtrlr", "TxStartPoint");
  }

  /** True when a stop point that held before no longer holds (E06.FR.*). */
  #ended(s: EvseSession, before: Set<string>): boolean {
    const now = s.points();
    return this.#host.list("TxCtrlr", "TxStopPoint").some((point) => before.has(point) && !now.has(point));
  }

  /** One change of the physical state: the transaction starts, ends or reports it, as the points say. */
  async #change(s: EvseSession, cause: Cause, apply: () => void): Promise<void> {
    const before = s.points();
    const chargingBefore = s.chargingState();
    apply();
    const evse = this.#host.evse(s.id);
    if (!evse) return;
    if (evse.transactionId === undefined) {
      const now = s.points();
      if (this.#startPoints().some((point) => now.has(point))) await this.#start(s, cause);
      return;
    }
    if (this.#ended(s, before)) return this.#end(s, cause);
    // Nothing a CSMS hears of: the same points and the same charging state.
    if (s.chargingState() === chargingBefore && [...before].join() === [...s.points()].join()) return;
    await this.#event(s, "Updated", cause, {});
  }

  async #start(s: EvseSession, cause: Cause, chargingState = s.chargingState()): Promise<void> {
    const evse = this.#host.evse(s.id);
    if (!evse) return;
    const transactionId = this.#host.newTransactionId();
    evse.transactionId = transactionId;
    evse.seqNo = 0;
    evse.startedAt = new Date().toISOString();
    evse.meterAt = evse.startedAt;
    evse.idTag = s.authorization?.idToken;
    evse.remoteStartId = s.authorization?.remoteStartId;
    this.#host.started(s.id);
    this.#host.log(`transaction ${transactionId} started on EVSE ${s.id} (${cause.triggerReason})`);
    const reservation = s.authorization ? this.#host.useReservation(s.id, s.authorization.idToken) : {};
    await this.#event(s, "Started", cause, { ...reservation, ...this.#host.meterValue(s.id, "Started") }, true, chargingState);
  }

  async #end(s: EvseSession, cause: Cause, by?: { idToken: string; type: string }): Promise<void> {
    const evse = this.#host.evse(s.id);
    if (!evse || evse.transactionId === undefined) return;
    const transactionId = evse.transactionId;
    // Ended by the EV stopping the energy (TxStopPoint EnergyTransfer): the EV is still connected (part 6 TC_E_22).
    const chargingState = cause.stoppedReason === "StoppedByEV" ? "EVConnected" : s.chargingState();
    // Over before the Ended event is answered: a RequestStartTransaction right after it finds the EVSE free.
    evse.transactionId = undefined;
    await this.#event(
      s,
      "Ended",
      cause,
      {
        ...(by ? { idToken: { idToken: by.idToken, type: by.type } } : {}),
        ...this.#host.meterValue(s.id, "Ended"),
      },
      true,
      chargingState,
      cause.stoppedReason ?? s.stopReason ?? "Local",
      transactionId,
    );
    evse.idTag = undefined;
    s.stopReason = undefined;
    s.remotePending = false;
    // The authorization ends with its transaction: a new session needs a new one (E06).
    s.authorization = undefined;
    s.powerPathClosed = false;
    clearTimeout(s.timer);
    // A cable still in after the end keeps the connector Occupied; an empty one shows what the station holds (Available, Unavailable).
    // An EVSE made Inoperative during the transaction is Unavailable once it ends, cable or not (G03.FR.04, G04.FR.04;
    // part 6 TC_G_11/14/17 step 4: reported after the step that ended the transaction).
    const idle = this.#host.ended(s.id);
    if ((!s.cable || idle === "Unavailable") && evse.status !== idle) await this.#host.sendStatus(s.id, idle);
    this.#host.log(`transaction ${transactionId} ended on EVSE ${s.id} (${cause.triggerReason})`);
  }

  /**
   * A TransactionEvent of the EVSE's transaction; the first after an authorization carries its idToken,
   * the first after a RequestStartTransaction is RemoteStart with the remoteStartId (part 6 section 2.1).
   */
  async #event(
    s: EvseSession,
    eventType: "Started" | "Updated" | "Ended",
    cause: Cause,
    extra: Body,
    withChargingState = true,
    chargingState = s.chargingState(),
    stoppedReason?: string,
    transactionId = this.#host.evse(s.id)?.transactionId,
  ): Promise<void> {
    const evse = this.#host.evse(s.id);
    if (!evse || transactionId === undefined) return;
    const remote = s.remotePending && s.authorization?.remoteStartId !== undefined;
    const idToken = s.idTokenPending && s.authorization && !("idToken" in extra);
    const body: Body = {
      eventType,
      timestamp: new Date().toISOString(),
      triggerReason: remote ? "RemoteStart" : cause.triggerReason,
      seqNo: evse.seqNo++,
      transactionInfo: {
        transactionId,
        ...(withChargingState ? { chargingState } : {}),
        ...(stoppedReason ? { stoppedReason } : {}),
        ...(remote ? { remoteStartId: s.authorization?.remoteStartId } : {}),
      },
      evse: { id: s.id, connectorId: 1 },
      ...(idToken && s.authorization ? { idToken: { idToken: s.authorization.idToken, type: s.authorization.type } } : {}),
      ...extra,
    };
    if (remote) s.remotePending = false;
    if (idToken) s.idTokenPending = false;
    const response = await this.#host.transactionEvent(body);
    // E05 / C15: a token the CSMS does not accept deauthorizes the transaction (StopTxOnInvalidId).
    const status = (response.idTokenInfo as { status?: string } | undefined)?.status;
    if (idToken && status !== undefined && status !== "Accepted" && this.#host.enabled("TxCtrlr", "StopTxOnInvalidId"))
      await this.#deauthorize(s, { triggerReason: "Deauthorized", stoppedReason: "DeAuthorized" });
  }
}
