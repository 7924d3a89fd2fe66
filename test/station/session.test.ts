import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SessionEvse, type SessionHost, Sessions } from "../../src/station/session.js";

type Body = Record<string, unknown>;

/** The session model with an in-memory station: what it sends, in order, and the settings it reads. */
function station(settings: Record<string, string>, over: Partial<SessionHost> = {}, answer: (body: Body) => Body = () => ({})) {
  const evse: SessionEvse = { id: 1, status: "Available", seqNo: 0 };
  const sent: string[] = [];
  const events: Body[] = [];
  let ids = 0;
  const host: SessionHost = {
    evse: (id) => (id === 1 ? evse : undefined),
    list: (_c, v) => (settings[v] ?? "").split(",").filter(Boolean),
    enabled: (_c, v) => settings[v] === "true",
    value: (_c, v) => settings[v],
    authorize: async () => true,
    mayStart: () => true,
    mayStop: async (_id, startedBy, presented) => (startedBy === presented ? "Local" : undefined),
    useReservation: () => ({}),
    sendStatus: async (_id, status) => {
      evse.status = status;
      sent.push(`Status ${status}`);
    },
    transactionEvent: async (body) => {
      events.push(body);
      const info = body.transactionInfo as Body;
      sent.push(
        `${body.eventType} ${body.triggerReason} ${info.chargingState ?? "-"}${info.stoppedReason ? ` ${info.stoppedReason}` : ""}`,
      );
      return answer(body);
    },
    meterValue: () => ({}),
    started: () => {},
    ended: () => "Available",
    idleStatus: () => "Available",
    log: () => {},
    newTransactionId: () => `tx-${++ids}`,
    energyWh: () => 0,
    userInterface: () => false,
    ...over,
  };
  return { sessions: new Sessions(host), sent, events, evse };
}

const token = { idToken: "A", type: "ISO14443" };
/** `name` of an event's transactionInfo. */
const field = (event: Body | undefined, name: string) => (event?.transactionInfo as Body | undefined)?.[name];
/** The CSMS answers the event that carries the idToken with status Invalid. */
const invalid = (body: Body): Body => (body.idToken ? { idTokenInfo: { status: "Invalid" } } : {});

describe("the 2.x session model (E01-E10)", () => {
  it("TxStartPoint PowerPathClosed: the transaction starts when the power path closes, SuspendedEVSE, then Charging", async () => {
    const { sessions, sent } = station({ TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized" });
    await sessions.act("PresentIdToken", 1, token);
    await sessions.act("PlugIn", 1);
    assert.deepEqual(sent, ["Status Occupied", "Started ChargingStateChanged SuspendedEVSE", "Updated ChargingStateChanged Charging"]);
  });

  it("TxStopPoint EVConnected alone: a local stop leaves the transaction open until the unplug ends it, stoppedReason Local", async () => {
    const { sessions, sent } = station({ TxStartPoint: "EVConnected", TxStopPoint: "EVConnected" });
    await sessions.act("PlugIn", 1);
    await sessions.act("PresentIdToken", 1, token);
    await sessions.act("PresentIdToken", 1, token);
    await sessions.act("Unplug", 1);
    assert.deepEqual(sent, [
      "Status Occupied",
      "Started CablePluggedIn EVConnected",
      "Updated Authorized EVConnected",
      "Updated ChargingStateChanged Charging",
      "Updated StopAuthorized -",
      "Updated ChargingStateChanged EVConnected",
      "Status Available",
      "Ended EVCommunicationLost Idle Local",
    ]);
  });

  it("the first event carries the idToken, the first after a remote start is RemoteStart with its remoteStartId", async () => {
    const { sessions, events } = station({ TxStartPoint: "Authorized", TxStopPoint: "Authorized" });
    assert.deepEqual(sessions.remoteStart(1), { status: "Accepted" });
    await sessions.afterRemoteStart(1, token, 7);
    await sessions.act("PlugIn", 1);
    assert.equal(events[0]?.triggerReason, "RemoteStart");
    assert.deepEqual(events[0]?.idToken, token);
    assert.equal((events[0]?.transactionInfo as Body | undefined)?.remoteStartId, 7);
    assert.equal(events[1]?.triggerReason, "CablePluggedIn");
    assert.equal(events[1]?.idToken, undefined);
  });

  // With a cable fixed to the station (TC_E_27) the connector is free while the EV is away, and occupied again when it is back.
  for (const permanentCable of [false, true]) {
    it(`EV side disconnect with StopTxOnEVSideDisconnect false and TxStopPoint Authorized suspends; the EV coming back resumes (${permanentCable ? "fixed" : "detachable"} cable)`, async () => {
      const { sessions, sent } = station(
        { TxStartPoint: "PowerPathClosed", TxStopPoint: "Authorized", StopTxOnEVSideDisconnect: "false" },
        { permanentCable: () => permanentCable },
      );
      await sessions.act("PresentIdToken", 1, token);
      await sessions.act("PlugIn", 1);
      await sessions.act("EVSideDisconnect", 1);
      await sessions.act("EVSideReconnect", 1);
      assert.deepEqual(sent.slice(3), [
        "Updated EVCommunicationLost Idle",
        ...(permanentCable ? ["Status Available", "Status Occupied"] : []),
        "Updated CablePluggedIn EVConnected",
        "Updated ChargingStateChanged Charging",
      ]);
    });
  }

  it("a token the host lets stop another's session ends it with the host's stoppedReason and the presented idToken (C09, C16)", async () => {
    const master = { idToken: "M", type: "ISO14443" };
    const { sessions, sent, events } = station(
      { TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized" },
      { mayStop: async (_id, _startedBy, presented) => (presented === "M" ? "MasterPass" : undefined) },
    );
    await sessions.act("PlugIn", 1);
    await sessions.act("PresentIdToken", 1, token);
    await sessions.act("PresentIdToken", 1, { idToken: "B", type: "ISO14443" });
    await sessions.act("PresentIdToken", 1, master);
    assert.deepEqual(sent.slice(3), ["Ended StopAuthorized EVConnected MasterPass"]);
    assert.deepEqual(events.at(-1)?.idToken, master);
  });

  it("an EVSE Unavailable once its transaction ended says so with the cable still in (G03.FR.04)", async () => {
    const { sessions, sent } = station(
      { TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized" },
      { ended: () => "Unavailable" },
    );
    await sessions.act("PlugIn", 1);
    await sessions.act("PresentIdToken", 1, token);
    await sessions.remoteStop(1);
    assert.deepEqual(sent.slice(3), ["Ended RemoteStop EVConnected Remote", "Status Unavailable"]);
  });

  it("a master pass at a station with a user interface stops only the transactions its holder selects (C16.FR.01)", async () => {
    const master = { idToken: "M", type: "ISO14443" };
    const { sessions, sent } = station(
      { TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized" },
      { mayStop: async (_id, _startedBy, presented) => (presented === "M" ? "MasterPass" : undefined), userInterface: () => true },
    );
    assert.throws(() => sessions.selectStop([1]), /needs a master pass presented first/);
    await sessions.act("PlugIn", 1);
    await sessions.act("PresentIdToken", 1, token);
    await sessions.act("PresentIdToken", 1, master);
    assert.equal(sent.length, 3, "nothing stops before the choice");
    assert.throws(() => sessions.selectStop([2]), /no transaction to stop on EVSE 2/);
    await sessions.selectStop([1]);
    assert.deepEqual(sent.slice(3), ["Ended StopAuthorized EVConnected MasterPass"]);
  });

  it("an idToken the CSMS answers Invalid: StopTxOnInvalidId true deauthorizes, false withholds the energy (SuspendedEVSE)", async () => {
    const points = { TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized" };
    const stopping = station({ ...points, StopTxOnInvalidId: "true" }, {}, invalid);
    const withholding = station({ ...points, StopTxOnInvalidId: "false", MaxEnergyOnInvalidId: "0" }, {}, invalid);
    for (const { sessions, events } of [stopping, withholding]) {
      await sessions.act("PlugIn", 1);
      await sessions.act("PresentIdToken", 1, token);
      assert.equal(events.length, 2, JSON.stringify(events));
    }
    assert.deepEqual([stopping.events[1]?.triggerReason, field(stopping.events[1], "stoppedReason")], ["Deauthorized", "DeAuthorized"]);
    assert.deepEqual([withholding.events[1]?.eventType, field(withholding.events[1], "chargingState")], ["Updated", "SuspendedEVSE"]);
  });

  it("with MaxEnergyOnInvalidId the EV charges on after an Invalid answer until the transaction took that much energy", async () => {
    let meterWh = 0;
    const { sessions, events } = station(
      { TxStartPoint: "PowerPathClosed", TxStopPoint: "EVConnected,Authorized", StopTxOnInvalidId: "false", MaxEnergyOnInvalidId: "500" },
      { energyWh: () => meterWh },
      invalid,
    );
    await sessions.act("PlugIn", 1);
    await sessions.act("PresentIdToken", 1, token);
    const lastState = () => field(events.at(-1), "chargingState");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(lastState(), "Charging", "below the limit the EV charges on");
    meterWh = 500;
    for (let i = 0; i < 50 && lastState() !== "SuspendedEVSE"; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lastState(), "SuspendedEVSE");
    await sessions.remoteStop(1);
  });

  it("an idToken at the station's own reader starts a transaction without an EVSE; the plug-in names it, with the start reading", async () => {
    const { sessions, sent, events, evse } = station(
      { TxStartPoint: "Authorized", TxStopPoint: "EVConnected,Authorized" },
      { meterValue: (_id, event) => ({ meterValue: [{ context: event }] }) },
    );
    await sessions.act("PresentIdToken", 0, token);
    assert.equal(sessions.waitingTransactionId, "tx-1");
    await sessions.act("PlugIn", 1);
    assert.deepEqual(sent, [
      "Started Authorized Idle",
      "Status Occupied",
      "Updated CablePluggedIn EVConnected",
      "Updated ChargingStateChanged Charging",
    ]);
    assert.equal(events[0]?.evse, undefined);
    assert.deepEqual(events[0]?.idToken, token);
    assert.deepEqual(events[1]?.evse, { id: 1, connectorId: 1 });
    assert.deepEqual(events[1]?.meterValue, [{ context: "Started" }]);
    assert.equal(events[2]?.meterValue, undefined);
    assert.deepEqual(
      events.map((e) => e.seqNo),
      [0, 1, 2],
    );
    assert.equal(evse.transactionId, "tx-1");
    assert.equal(sessions.waitingTransactionId, undefined);
  });

  it("a transaction waiting at the station's reader ends with the same idToken again, or when the CSMS stops it", async () => {
    const { sessions, sent } = station({ TxStartPoint: "Authorized", TxStopPoint: "Authorized" });
    await sessions.act("PresentIdToken", 0, token);
    await sessions.act("PresentIdToken", 0, token);
    await sessions.act("PresentIdToken", 0, token);
    await sessions.remoteStopWaiting();
    assert.deepEqual(sent, [
      "Started Authorized Idle",
      "Ended StopAuthorized Idle Local",
      "Started Authorized Idle",
      "Ended RemoteStop Idle Remote",
    ]);
    assert.throws(() => sessions.act("PlugIn", 0), /station's own reader/);
  });

  it("an action that makes no sense now is refused at once with a reason", () => {
    const { sessions } = station({ TxStartPoint: "PowerPathClosed", TxStopPoint: "Authorized" });
    assert.throws(() => sessions.act("Unplug", 1), /has no EV connected/);
    assert.throws(() => sessions.act("Fly", 1), /unknown action 'Fly'/);
    assert.throws(() => sessions.act("PresentIdToken", 1), /needs payload.idToken.idToken/);
  });
});
