/**
 * The reusable states of a charging session in part 6 (Tables 235-244: ParkingBayOccupied,
 * EVConnectedPreSession, Authorized, EnergyTransferStarted, EnergyTransferSuspended, StopAuthorized,
 * EVConnectedPostSession, EVDisconnected, ParkingBayUnoccupied), as one object per EVSE that remembers
 * where the session is: which steps a state needs depends on TxStartPoint / TxStopPoint and on what
 * happened before (part 6: "This step needs to be executed when ... the transaction already started").
 */
import type { IdToken } from "../config.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { expectConnectorState, field, requestId } from "./states.js";

type Body = Record<string, unknown>;
/** A device model setting the OCTT makes before a case (part 6 "Configuration State"). */
export type Setting = readonly [component: string, variable: string, value: string, instance?: string];

const endsOnDeauthorize = (stopPoints: readonly string[]) =>
  stopPoints.some((p) => p === "Authorized" || p === "PowerPathClosed" || p === "EnergyTransfer" || p === "DataSigned");

export class TxSession {
  readonly t: CsTest;
  readonly evseId: number;
  startPoints: string[] = [];
  stopPoints: string[] = [];
  authorizeRemoteStart = false;
  transactionId: string | undefined;
  /** The transaction started / ended (seen in a TransactionEvent). */
  started = false;
  ended = false;
  bay = false;
  evConnected = false;
  authorized = false;
  /** Energy flows (state EnergyTransferStarted reached, not yet suspended or stopped). */
  charging = false;
  /** Authorized remotely, and no TransactionEvent yet: the next one is RemoteStart (part 6 section 2.1). */
  remotePending = false;
  token: IdToken;
  #restore: Setting[] = [];

  constructor(t: CsTest, evseId = t.evseId) {
    this.t = t;
    this.evseId = evseId;
    this.token = t.config.idTokens.valid;
  }

  /**
   * Part 6 "Before": the settings the case needs (the old values are put back by `cleanup`), then what the
   * tool knows of the station: TxStartPoint, TxStopPoint and AuthorizeRemoteStart.
   */
  async prepare(settings: readonly Setting[] = []): Promise<this> {
    const t = this.t;
    if (settings.length) {
      const read = await t.send("Before", "GetVariables", { getVariableData: settings.map(([c, v, , i]) => variable(c, v, i)) });
      const results = (read.getVariableResult as Body[] | undefined) ?? [];
      this.#restore = settings.map(([c, v, , instance], i) => [c, v, String(results[i]?.attributeValue ?? ""), instance] as const);
      await this.#set(settings);
    }
    const read = await t.send("Before", "GetVariables", {
      getVariableData: [
        variable("TxCtrlr", "TxStartPoint"),
        variable("TxCtrlr", "TxStopPoint"),
        variable("AuthCtrlr", "AuthorizeRemoteStart"),
      ],
    });
    const value = (i: number) => String(field(read, `getVariableResult.${i}.attributeValue`) ?? "");
    this.startPoints = value(0).split(",").filter(Boolean);
    this.stopPoints = value(1).split(",").filter(Boolean);
    this.authorizeRemoteStart = value(2) === "true";
    return this;
  }

  async #set(settings: readonly Setting[]): Promise<void> {
    const result = await this.t.send("Before", "SetVariables", {
      setVariableData: settings.map(([c, v, value, instance]) => ({ ...variable(c, v, instance), attributeValue: value })),
    });
    settings.forEach(([c, v], i) => {
      const status = field(result, `setVariableResult.${i}.attributeStatus`);
      this.t.expect("Before", `SetVariablesResponse ${c}.${v} attributeStatus`, status, "Accepted");
    });
  }

  /**
   * Not part 6: the EVSE is made idle for the next case (a transaction still open stopped remotely, the EV
   * unplugged and driven out), and the settings of `prepare` put back.
   */
  async cleanup(): Promise<void> {
    const t = this.t;
    const evse = { evseId: this.evseId, connectorId: t.connectorId };
    if (this.started && !this.ended && this.transactionId) {
      const since = t.mark();
      await t.send("after", "RequestStopTransaction", { transactionId: this.transactionId });
      if (this.authorized ? endsOnDeauthorize(this.stopPoints) : true) {
        const id = this.transactionId;
        await t.expectCall("after", "TransactionEvent", {
          since,
          where: (p) => p.eventType === "Ended" && field(p, "transactionInfo.transactionId") === id,
          describe: "the transaction ending",
        });
        this.ended = true;
      }
    }
    if (this.evConnected) {
      const since = t.mark();
      await t.act("after", PhysicalAction.Unplug, "Disconnect the EV and EVSE", evse);
      await expectConnectorState(t, "after", "Available", this.evseId, t.connectorId, since);
    }
    if (this.bay) await t.act("after", PhysicalAction.DriveOut, "Drive EV out of parking bay", evse);
    if (this.#restore.length) await this.#set(this.#restore);
  }

  // ---- the TransactionEvents of this EVSE ----

  /**
   * Step `step`: the station's next TransactionEvent of this EVSE (periodic meter values aside), checked
   * against part 6's rules for every transaction: the first is Started, a RemoteStart-authorized one says so.
   */
  async event(step: number | string, describe: string): Promise<Body> {
    const t = this.t;
    const call: StationCall = await t.expectCall(step, "TransactionEvent", {
      where: (p) =>
        p.triggerReason !== "MeterValuePeriodic" &&
        (this.transactionId !== undefined
          ? field(p, "transactionInfo.transactionId") === this.transactionId
          : field(p, "evse.id") === this.evseId),
      describe,
    });
    const body = call.payload;
    if (!this.started) {
      t.expect(step, "TransactionEventRequest eventType (the first of the transaction)", body.eventType, "Started");
      this.started = true;
      this.transactionId = String(field(body, "transactionInfo.transactionId"));
    }
    if (this.remotePending) {
      t.expect(step, "TransactionEventRequest triggerReason (the first after RequestStartTransaction)", body.triggerReason, "RemoteStart");
      t.expectThat(
        step,
        "TransactionEventRequest transactionInfo.remoteStartId",
        field(body, "transactionInfo.remoteStartId") !== undefined,
        "present",
        field(body, "transactionInfo"),
      );
      this.remotePending = false;
    }
    if (body.eventType === "Ended") this.ended = true;
    return body;
  }

  /** `triggerReason` must be one of `allowed` (or RemoteStart, already checked, on the first event after a remote start). */
  trigger(step: number | string, body: Body, allowed: readonly string[]): void {
    if (body.triggerReason === "RemoteStart" && allowed.includes("ChargingStateChanged")) return;
    this.t.expectOneOf(step, "TransactionEventRequest triggerReason", body.triggerReason, allowed);
  }

  chargingState(step: number | string, body: Body, allowed: readonly string[]): void {
    this.t.expectOneOf(
      step,
      "TransactionEventRequest transactionInfo.chargingState",
      field(body, "transactionInfo.chargingState"),
      allowed,
    );
  }

  idToken(step: number | string, body: Body, token = this.token): void {
    this.t.expect(step, "TransactionEventRequest idToken.idToken", field(body, "idToken.idToken"), token.idToken);
    this.t.expect(step, "TransactionEventRequest idToken.type", field(body, "idToken.type"), token.type);
  }

  /** Whether the station's transaction has started, or starts at `point` now. */
  #startsAt(...points: string[]): boolean {
    return !this.started && points.some((p) => this.startPoints.includes(p));
  }

  #act(action: PhysicalAction, instruction: string, payload: Body = {}): Promise<void> {
    return this.t.act("Manual Action", action, instruction, { evseId: this.evseId, connectorId: this.t.connectorId, ...payload });
  }

  // ---- the reusable states ----

  /** ParkingBayOccupied (Table 235): optional; run when TxStartPoint or TxStopPoint names the bay. */
  async parkingBayOccupied(): Promise<void> {
    if (this.bay || ![...this.startPoints, ...this.stopPoints].includes("ParkingBayOccupancy")) return;
    await this.t.state("ParkingBayOccupied", async () => {
      await this.#act(PhysicalAction.DriveIn, "Drive EV into parking bay");
      this.bay = true;
      if (this.#startsAt("ParkingBayOccupancy")) this.trigger(1, await this.event(1, "EVDetected"), ["EVDetected"]);
    });
  }

  /** EVConnectedPreSession (Table 236). */
  async evConnectedPreSession(): Promise<void> {
    await this.parkingBayOccupied();
    await this.t.state("EVConnectedPreSession", async () => {
      const since = this.t.mark();
      await this.#act(PhysicalAction.PlugIn, "Connect the EV and EVSE");
      this.evConnected = true;
      await expectConnectorState(this.t, 1, "Occupied", this.evseId, this.t.connectorId, since);
      const expected = this.started || this.#startsAt("EVConnected") || (this.authorized && this.#startsAt("PowerPathClosed"));
      if (!expected) return;
      const wasStarted = this.started;
      const body = await this.event(3, "after the EV is connected");
      this.t.expect(3, "TransactionEventRequest eventType", body.eventType, wasStarted ? "Updated" : "Started");
      this.trigger(3, body, ["CablePluggedIn", "ChargingStateChanged", "RemoteStart"]);
      this.chargingState(3, body, ["EVConnected", "SuspendedEVSE", ...(this.authorized ? ["Charging"] : [])]);
      this.t.expect(3, "TransactionEventRequest evse.id", field(body, "evse.id"), this.evseId);
      this.t.expect(3, "TransactionEventRequest evse.connectorId", field(body, "evse.connectorId"), this.t.connectorId);
    });
  }

  /** Authorized (Table 237), Main A: the driver presents `token` at the station. */
  async authorizedLocal(token = this.token): Promise<void> {
    if (!this.evConnected) await this.parkingBayOccupied();
    await this.t.state("Authorized", async () => {
      this.token = token;
      await this.#act(PhysicalAction.PresentIdToken, "Present idToken", { idToken: token });
      const authorize = await this.t.expectCall(1, "Authorize");
      this.t.expect(1, "AuthorizeRequest idToken.idToken", field(authorize.payload, "idToken.idToken"), token.idToken);
      this.t.expect(1, "AuthorizeRequest idToken.type", field(authorize.payload, "idToken.type"), token.type);
      this.authorized = true;
      if (!this.started && !this.#startsAt("Authorized")) return;
      const wasStarted = this.started;
      const body = await this.event(3, "after the authorization");
      this.t.expect(3, "TransactionEventRequest eventType", body.eventType, wasStarted ? "Updated" : "Started");
      this.trigger(3, body, ["Authorized"]);
      this.idToken(3, body);
    });
  }

  /** Authorized (Table 237), Main B: RequestStartTransaction. */
  async authorizedRemote(step = 1): Promise<void> {
    if (!this.evConnected) await this.parkingBayOccupied();
    const t = this.t;
    await t.state("Authorized", async () => {
      const remoteStartId = requestId();
      const response = await t.send(step, "RequestStartTransaction", { idToken: this.token, evseId: this.evseId, remoteStartId });
      t.expect(step + 1, "RequestStartTransactionResponse status", response.status, "Accepted");
      if (this.started) t.expect(step + 1, "RequestStartTransactionResponse transactionId", response.transactionId, this.transactionId);
      if (this.authorizeRemoteStart) {
        const authorize = await t.expectCall(step + 2, "Authorize");
        t.expect(step + 2, "AuthorizeRequest idToken.idToken", field(authorize.payload, "idToken.idToken"), this.token.idToken);
      }
      this.authorized = true;
      this.remotePending = true;
      if (!this.started && !this.#startsAt("Authorized")) return;
      const wasStarted = this.started;
      const body = await this.event(step + 4, "after RequestStartTransaction");
      t.expect(step + 4, "TransactionEventRequest eventType", body.eventType, wasStarted ? "Updated" : "Started");
      this.idToken(step + 4, body);
    });
  }

  /** EnergyTransferStarted (Table 239): the EV connected (part 1) and energy flowing (part 2). */
  async energyTransferStarted(): Promise<void> {
    if (this.charging) return;
    if (!this.authorized) await this.authorizedLocal();
    const t = this.t;
    await t.state("EnergyTransferStarted", async () => {
      if (!this.evConnected) {
        const since = t.mark();
        await this.#act(PhysicalAction.PlugIn, "Connect the EV and EVSE");
        this.evConnected = true;
        await expectConnectorState(t, 1, "Occupied", this.evseId, t.connectorId, since);
        if (this.started || this.#startsAt("EVConnected")) {
          const body = await this.event(3, "after the EV is connected");
          if (body.triggerReason !== "RemoteStart") this.trigger(3, body, ["CablePluggedIn"]);
          this.chargingState(3, body, ["EVConnected"]);
        }
      }
      if (this.#startsAt("DataSigned")) {
        const body = await this.event(5, "the signed start reading");
        if (body.triggerReason !== "RemoteStart") this.trigger(5, body, ["SignedDataReceived"]);
      }
      if (this.#startsAt("PowerPathClosed")) {
        const body = await this.event(7, "the power path closed");
        this.trigger(7, body, ["ChargingStateChanged"]);
        this.chargingState(7, body, ["SuspendedEVSE"]);
      }
      const body = await this.event(9, "energy flowing");
      this.trigger(9, body, ["ChargingStateChanged"]);
      this.chargingState(9, body, ["Charging"]);
      this.charging = true;
    });
  }

  /** EnergyTransferSuspended (Table 240): the EV suspends the energy transfer. */
  async energyTransferSuspended(): Promise<void> {
    await this.energyTransferStarted();
    const t = this.t;
    await t.state("EnergyTransferSuspended", async () => {
      await t.wait(t.config.transactionDurationS);
      await this.#act(PhysicalAction.EVSuspend, "The EV suspends the energy transfer");
      this.charging = false;
      const body = await this.event(1, "the EV suspending");
      this.trigger(1, body, ["ChargingStateChanged"]);
      if (body.eventType === "Ended") {
        this.chargingState(1, body, ["EVConnected", "SuspendedEV"]);
        t.expect(1, "TransactionEventRequest transactionInfo.stoppedReason", field(body, "transactionInfo.stoppedReason"), "StoppedByEV");
      } else {
        t.expect(1, "TransactionEventRequest eventType", body.eventType, "Updated");
        this.chargingState(1, body, ["SuspendedEV"]);
      }
    });
  }

  /** StopAuthorized (Table 241), Main A: the driver presents the same idToken. */
  async stopAuthorizedLocal(): Promise<void> {
    const t = this.t;
    await t.state("StopAuthorized", async () => {
      await t.wait(t.config.transactionDurationS);
      await this.#act(PhysicalAction.PresentIdToken, "Present the same idToken as used to start the transaction", { idToken: this.token });
      this.authorized = false;
      this.charging = false;
      let body = await this.event(1, "the stop");
      this.trigger(1, body, ["StopAuthorized", "ChargingStateChanged"]);
      if (body.idToken !== undefined) this.idToken(1, body);
      if (!endsOnDeauthorize(this.stopPoints)) return;
      if (body.eventType !== "Ended") {
        body = await this.event(3, "the transaction ending");
        this.trigger(3, body, ["ChargingStateChanged"]);
        this.chargingState(3, body, ["EVConnected"]);
      }
      t.expect(3, "TransactionEventRequest eventType", body.eventType, "Ended");
      t.expectOneOf(3, "TransactionEventRequest transactionInfo.stoppedReason", field(body, "transactionInfo.stoppedReason"), [
        undefined,
        "Local",
      ]);
    });
  }

  /** StopAuthorized (Table 241), Main B: RequestStopTransaction; the Ended event when the stop ends the transaction. */
  async stopAuthorizedRemote(): Promise<Body> {
    const t = this.t;
    let ended: Body = {};
    await t.state("StopAuthorized", async () => {
      const response = await t.send(1, "RequestStopTransaction", { transactionId: this.transactionId ?? "" });
      t.expect(2, "RequestStopTransactionResponse status", response.status, "Accepted");
      this.authorized = false;
      this.charging = false;
      ended = await this.event(3, "the remote stop");
      this.trigger(3, ended, ["RemoteStop"]);
    });
    return ended;
  }

  /** EVConnectedPostSession (Table 242): the energy stopped, the transaction not yet ended. */
  async evConnectedPostSession(): Promise<void> {
    if (this.ended) return;
    await this.t.state("EVConnectedPostSession", async () => {
      const body = await this.event(1, "the energy stopping");
      this.trigger(1, body, ["ChargingStateChanged"]);
      this.chargingState(1, body, ["EVConnected"]);
    });
  }

  /** EVDisconnected (Table 243): the driver unplugs; the connector is Available, the transaction told. */
  async evDisconnected(): Promise<Body | undefined> {
    const t = this.t;
    let result: Body | undefined;
    await t.state("EVDisconnected", async () => {
      const since = t.mark();
      await this.#act(PhysicalAction.Unplug, "Disconnect the EV and EVSE");
      this.evConnected = false;
      await expectConnectorState(t, 1, "Available", this.evseId, t.connectorId, since);
      if (this.ended) return;
      result = await this.event(3, "the EV disconnected");
      this.trigger(3, result, ["EVCommunicationLost"]);
      this.chargingState(3, result, ["Idle"]);
    });
    return result;
  }

  /** ParkingBayUnoccupied (Table 244): the EV drives out; with TxStopPoint ParkingBayOccupancy that ends the transaction. */
  async parkingBayUnoccupied(remote = false): Promise<Body | undefined> {
    if (!this.bay) return undefined;
    const t = this.t;
    let result: Body | undefined;
    await t.state("ParkingBayUnoccupied", async () => {
      await this.#act(PhysicalAction.DriveOut, "Drive EV out of parking bay");
      this.bay = false;
      if (this.ended || !this.stopPoints.includes("ParkingBayOccupancy")) return;
      result = await this.event(1, "the EV departed");
      this.trigger(1, result, ["EVDeparted"]);
      t.expect(
        1,
        "TransactionEventRequest transactionInfo.stoppedReason",
        field(result, "transactionInfo.stoppedReason"),
        remote ? "Remote" : "Local",
      );
      t.expect(1, "TransactionEventRequest eventType", result.eventType, "Ended");
    });
    return result;
  }

  /** A physical action inside a case's main steps. */
  act(action: PhysicalAction, instruction: string, payload: Body = {}): Promise<void> {
    return this.#act(action, instruction, payload);
  }
}

function variable(component: string, name: string, instance?: string): Body {
  return { component: { name: component }, variable: { name, ...(instance === undefined ? {} : { instance }) } };
}

/** A case's session: `prepare`d with `settings`, `run`, then cleaned up for the next case (after a failure the station's state is unknown: not). */
export async function withSession(
  t: CsTest,
  settings: readonly Setting[],
  run: (s: TxSession) => Promise<void>,
  evseId = t.evseId,
): Promise<void> {
  const session = await new TxSession(t, evseId).prepare(settings);
  await run(session);
  await session.cleanup();
}
