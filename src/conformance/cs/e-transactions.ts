/**
 * Block E, Transactions (part 6 section 2.6): the TC_E_*_CS cases, steps numbered as there. Each case sets
 * the TxCtrlr points its "Configuration State" names (and puts them back after), then runs the session
 * states of session-states.ts.
 */
import { type CsCase, Feature } from "../case.js";
import { expectNoAuthorize, expectNoTransactionChange, presentIdToken, withSettings } from "./charging.js";
import type { CsTest } from "./cs-test.js";
import { PhysicalAction } from "./cs-test.js";
import { noLocalTokens } from "./local-list.js";
import { type Setting, type TxSession, withSession } from "./session-states.js";
import { csCase, expectConnectorState, field } from "./states.js";

type Body = Record<string, unknown>;

const start = (value: string): Setting => ["TxCtrlr", "TxStartPoint", value];
const stop = (value: string): Setting => ["TxCtrlr", "TxStopPoint", value];
const timeout = (t: CsTest): Setting => ["TxCtrlr", "EVConnectionTimeOut", String(t.config.evConnectionTimeoutS)];
const evSide = (stopTx: boolean, unlock: boolean): Setting[] => [
  ["TxCtrlr", "StopTxOnEVSideDisconnect", String(stopTx)],
  ["OCPPCommCtrlr", "UnlockOnEVSideDisconnect", String(unlock)],
];

type Run = (s: TxSession, t: CsTest) => Promise<void>;
/**
 * One case of the table below: id, part 6 name, use cases, the settings of its "Configuration State"
 * (none: `[]`), its scenario on the session, and the features it needs beyond block E.
 */
type TxRow = readonly [
  id: string,
  name: string,
  useCases: string[],
  settings: Setting[] | ((t: CsTest) => Setting[]),
  run: Run,
  features?: Feature[],
];

function txCase([id, name, useCases, settings, run, features]: TxRow): CsCase {
  const settingsOf = typeof settings === "function" ? settings : () => settings;
  return csCase({ id, name, useCases, ...(features ? { features } : {}), run: (t) => withSession(t, settingsOf(t), (s) => run(s, t)) });
}

/** A TransactionEvent field check: `path` of `body` must be `expected`. */
function expectTx(t: CsTest, step: number | string, body: Body, path: string, expected: unknown): void {
  t.expect(step, `TransactionEventRequest ${path}`, field(body, path), expected);
}

/** "Manual Action: Disconnect the EV and EVSE on EV side": the Ended event E09 / E06 ask for. */
async function evSideEnded(s: TxSession, t: CsTest, stoppedReasons: readonly unknown[] = ["EVDisconnected"]): Promise<void> {
  await s.act(PhysicalAction.EVSideDisconnect, "Disconnect the EV and EVSE on EV side (EVSE loses connection with EV)");
  const body = await s.event(1, "the EV side disconnected");
  s.trigger(1, body, ["EVCommunicationLost"]);
  s.chargingState(1, body, ["Idle"]);
  t.expectOneOf(1, "TransactionEventRequest transactionInfo.stoppedReason", field(body, "transactionInfo.stoppedReason"), stoppedReasons);
  expectTx(t, 1, body, "eventType", "Ended");
}

/** The cable left in the station after an EV side disconnect: unlocked (by the idToken when it stays locked) and taken out. */
async function unplugStationSide(s: TxSession, t: CsTest, presentToken: boolean): Promise<void> {
  if (presentToken)
    await s.act(PhysicalAction.PresentIdToken, "Present the IdToken that was used to start the transaction", { idToken: s.token });
  const since = t.mark();
  await s.act(PhysicalAction.Unplug, "Disconnect the EV and EVSE on Charging Station side");
  s.evConnected = false;
  await expectConnectorState(t, 3, "Available", s.evseId, t.connectorId, since);
}

/**
 * GetTransactionStatus (E14) after `reach` (TC_E_28 / 30 / 32 / 34): for the session's transaction, an
 * unknown one (`unknown`), or none (`without`); the answer's two fields checked.
 */
function transactionStatus(
  reach: (s: TxSession) => Promise<void>,
  of: "session" | "unknown" | "without",
  ongoing: boolean | undefined,
): Run {
  return async (s, t) => {
    await reach(s);
    const transactionId = of === "session" ? s.transactionId : of === "unknown" ? `unknown-${Date.now()}` : undefined;
    const response = await t.send(1, "GetTransactionStatus", transactionId === undefined ? {} : { transactionId });
    t.expect(2, "GetTransactionStatusResponse ongoingIndicator", response.ongoingIndicator, ongoing);
    t.expect(2, "GetTransactionStatusResponse messagesInQueue", response.messagesInQueue, false);
  };
}

const nothing = async () => {};

/** TC_E_01 / 10 / 12 / 13: after `reach`, the transaction has started at the TxStartPoint the case set (step `step`). */
function startedAfter(step: number | string, reach: (s: TxSession) => Promise<void>): Run {
  return async (s, t) => {
    await reach(s);
    t.expectThat(step, "the transaction started", s.started, "a TransactionEventRequest Started", "none");
  };
}

/**
 * TC_E_02 / 09 / 11: "Connect the EV and EVSE" (the connector Occupied, step 1), then step 3's Started
 * event with its connector; the event, for the case's own checks.
 */
async function startedAtPlugIn(s: TxSession, t: CsTest, describe: string): Promise<Body> {
  const since = t.mark();
  await s.act(PhysicalAction.PlugIn, "Connect the EV and EVSE");
  s.evConnected = true;
  await expectConnectorState(t, 1, "Occupied", s.evseId, t.connectorId, since);
  const body = await s.event(3, describe);
  expectTx(t, 3, body, "eventType", "Started");
  t.expectThat(3, "TransactionEventRequest evse.connectorId", field(body, "evse.connectorId") !== undefined, "provided", body.evse);
  return body;
}

/** TC_E_07 / 08: energy flowing, then the driver's local stop. */
const localStop: Run = async (s) => {
  await s.energyTransferStarted();
  await s.stopAuthorizedLocal();
};

/** TC_E_21 / 35: energy flowing, then RequestStopTransaction ends the transaction (step 3). */
const remoteStop: Run = async (s, t) => {
  await s.energyTransferStarted();
  const body = await s.stopAuthorizedRemote();
  expectTx(t, 3, body, "transactionInfo.stoppedReason", "Remote");
  expectTx(t, 3, body, "eventType", "Ended");
};

/** TC_E_20 / 37 / 54: the EV suspends, then disconnects at its side; the transaction ends with one of `reasons`. */
const suspendedThenEVSideEnded =
  (reasons?: readonly string[]): Run =>
  async (s, t) => {
    await s.energyTransferSuspended();
    await evSideEnded(s, t, reasons);
  };

/**
 * TC_E_24 / 25 (E09): the EV side disconnected deauthorizes; the cable is then unplugged at the station,
 * unlocked first by the idToken that started the transaction when it stays locked (E09.FR.03).
 */
const deauthorizedAtEVSide =
  (unlock: boolean): Run =>
  async (s, t) => {
    await s.energyTransferSuspended();
    await s.act(PhysicalAction.EVSideDisconnect, "Disconnect the EV and EVSE on EV side (EVSE loses connection with EV)");
    const body = await s.event(1, "the EV side disconnected");
    s.trigger(1, body, ["EVCommunicationLost"]);
    s.chargingState(1, body, ["Idle"]);
    await unplugStationSide(s, t, !unlock);
  };

/** Step 1 of TC_E_05 / TC_E_39 / TC_F_04 (step 5 of TC_E_27): the authorization times out without a connected EV. */
export async function connectionTimeout(s: TxSession, t: CsTest, step = 1): Promise<void> {
  if (!s.started) return;
  const body = await s.event(step, "EVConnectionTimeOut running out");
  s.trigger(step, body, ["EVConnectTimeout"]);
  s.authorized = false;
  if (s.stopPoints.includes("Authorized")) {
    expectTx(t, step, body, "eventType", "Ended");
    expectTx(t, step, body, "transactionInfo.stoppedReason", "Timeout");
  } else expectTx(t, step, body, "eventType", "Updated");
}

/** The transaction's state after a whole session to the end (TC_E_06, TC_E_32). */
async function wholeSession(s: TxSession, local: boolean): Promise<void> {
  await s.energyTransferStarted();
  if (local) await s.stopAuthorizedLocal();
  else await s.stopAuthorizedRemote();
  await s.evConnectedPostSession();
  await s.evDisconnected();
  await s.parkingBayUnoccupied(!local);
}

/** `<Configured message_attempts_transaction_event>` and its interval (E13): 3 sends, 1 s apart times the sends so far. */
const attempts = 3;
const attemptIntervalS = 1;
const retrySettings: Setting[] = [
  ["OCPPCommCtrlr", "MessageAttempts", String(attempts), "TransactionEvent"],
  ["OCPPCommCtrlr", "MessageAttemptInterval", String(attemptIntervalS), "TransactionEvent"],
];

/**
 * TC_E_41 / 42 / 50 / 51 (E13): the tool fails every TransactionEvent, with a CALLERROR InternalError
 * (`callError`) or by not answering within the station's MessageTimeout, except send number `answeredAt`
 * (never, when undefined); the first event after the EV is connected must be sent `attempts` times (or
 * until answered) and then no more, for one further interval.
 */
async function retries(s: TxSession, t: CsTest, callError: boolean, answeredAt: number | undefined): Promise<void> {
  const read = await t.send("Before", "GetVariables", {
    getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" } }],
  });
  const messageTimeoutS = Number(field(read, "getVariableResult.0.attributeValue")) || 30;
  await s.authorizedLocal();
  const since = t.mark();
  let sends = 0;
  t.answer("TransactionEvent", () => {
    sends++;
    if (sends === answeredAt) return {};
    if (callError) throw new Error("the test tool answers CALLERROR InternalError (TC_E_50/51)");
    // "The tool will ignore the request": an answer long after the station stopped waiting (bounded, so the case ends).
    return new Promise<Body>((resolve) =>
      setTimeout(() => resolve({}), (messageTimeoutS + attemptIntervalS) * (attempts + 1) * 1000).unref(),
    );
  });
  try {
    await s.evConnectedPreSession();
    const first = t.callsSince(since, "TransactionEvent")[0]?.payload ?? {};
    const same = (p: Body) => p.seqNo === first.seqNo && field(p, "transactionInfo.transactionId") === s.transactionId;
    const expected = answeredAt ?? attempts;
    const wait = (n: number) => attemptIntervalS * n + (callError ? 0 : messageTimeoutS);
    for (let n = 2; n <= expected; n++)
      await t.expectCall(5, "TransactionEvent", {
        where: same,
        describe: `send ${n} of seqNo ${first.seqNo}`,
        timeoutS: wait(n) + t.config.actionTimeoutS,
      });
    await t.wait(wait(expected + 1));
    const sent = t.callsSince(since, "TransactionEvent").filter((c) => same(c.payload)).length;
    t.expect(5, `how often TransactionEventRequest seqNo ${first.seqNo} is sent`, sent, expected);
  } finally {
    t.answer("TransactionEvent", undefined);
  }
}

export const transactionCsCases: CsCase[] = (
  [
    [
      "TC_E_01_CS",
      "Start transaction options - PowerPathClosed",
      ["E01"],
      [start("PowerPathClosed")],
      startedAfter(1, async (s) => {
        await s.authorizedLocal();
        await s.evConnectedPreSession();
      }),
    ],
    [
      "TC_E_02_CS",
      "Start transaction options - EnergyTransfer",
      ["E01"],
      [start("EnergyTransfer")],
      async (s, t) => {
        await s.authorizedLocal();
        const body = await startedAtPlugIn(s, t, "energy flowing");
        s.trigger(3, body, ["ChargingStateChanged", "Authorized"]);
        s.idToken(3, body);
        s.chargingState(3, body, ["Charging"]);
      },
    ],
    [
      "TC_E_09_CS",
      "Start transaction options - EVConnected",
      ["E01"],
      [start("EVConnected")],
      async (s, t) => {
        const body = await startedAtPlugIn(s, t, "the EV connected");
        s.trigger(3, body, ["CablePluggedIn", "ChargingStateChanged"]);
        s.chargingState(3, body, ["EVConnected"]);
      },
    ],
    [
      "TC_E_10_CS",
      "Start transaction options - Authorized - Local",
      ["E01", "C01"],
      [start("Authorized")],
      startedAfter(3, (s) => s.authorizedLocal()),
    ],
    [
      "TC_E_13_CS",
      "Start transaction options - Authorized - Remote",
      ["E01", "F02"],
      [start("Authorized")],
      startedAfter(5, (s) => s.authorizedRemote()),
    ],
    [
      "TC_E_11_CS",
      "Start transaction options - DataSigned",
      ["E01"],
      [start("DataSigned"), ["SampledDataCtrlr", "SignReadings", "true"]],
      async (s, t) => {
        await s.authorizedLocal();
        let body = await startedAtPlugIn(s, t, "the signed start reading");
        if (body.triggerReason !== "RemoteStart") s.trigger(3, body, ["SignedDataReceived"]);
        s.idToken(3, body);
        const sampled = (field(body, "meterValue.0.sampledValue") as Body[] | undefined) ?? [];
        t.expectThat(3, "TransactionEventRequest meterValue", sampled.length > 0, "provided", body.meterValue);
        for (const value of sampled) {
          t.expect(3, "TransactionEventRequest meterValue sampledValue.context", value.context, "Transaction.Begin");
          for (const part of ["encodingMethod", "publicKey", "signedMeterData", "signingMethod"])
            t.expectThat(
              3,
              `TransactionEventRequest sampledValue.signedMeterValue.${part}`,
              field(value, `signedMeterValue.${part}`) !== undefined,
              "present",
              value.signedMeterValue,
            );
        }
        body = await s.event(5, "energy flowing");
        expectTx(t, 5, body, "eventType", "Updated");
        s.trigger(5, body, ["ChargingStateChanged"]);
        s.chargingState(5, body, ["Charging"]);
      },
    ],
    [
      "TC_E_12_CS",
      "Start transaction options - ParkingBayOccupied",
      ["E01"],
      [start("ParkingBayOccupancy")],
      startedAfter(1, (s) => s.parkingBayOccupied()),
    ],
    [
      "TC_E_17_CS",
      "Stop transaction options - Deauthorized - EV side disconnect",
      ["E06"],
      [stop("Authorized"), ...evSide(true, false)],
      async (s, t) => {
        await s.energyTransferSuspended();
        await evSideEnded(s, t);
        await unplugStationSide(s, t, true);
      },
    ],
    // Not part 6: TxStartPoint Authorized too, so that the timeout ends a transaction the case can see.
    [
      "TC_E_39_CS",
      "Stop transaction options - Deauthorized - timeout",
      ["E06"],
      (t) => [start("Authorized"), stop("Authorized"), timeout(t)],
      async (s, t) => {
        await s.authorizedLocal();
        await connectionTimeout(s, t);
      },
    ],
    [
      "TC_E_03_CS",
      "Local start transaction - Cable plugin first - Success",
      ["E02", "C01"],
      [],
      async (s) => {
        await s.evConnectedPreSession();
        await s.authorizedLocal();
        await s.energyTransferStarted();
      },
    ],
    [
      "TC_E_04_CS",
      "Local start transaction - Authorization first - Success",
      ["E03", "C01"],
      [],
      async (s) => {
        await s.authorizedLocal();
        await s.energyTransferStarted();
      },
    ],
    // Not part 6: TxStartPoint Authorized, so that the timeout ends a transaction the case can see (step 1).
    [
      "TC_E_05_CS",
      "Local start transaction - Authorization first - Cable plugin timeout",
      ["E03", "C01"],
      (t) => [start("Authorized"), timeout(t)],
      async (s, t) => {
        await s.authorizedLocal();
        await connectionTimeout(s, t);
        s.started = false;
        s.ended = false;
        s.transactionId = undefined;
        await t.state("3", () => s.authorizedLocal());
        await t.state("4", () => s.energyTransferStarted());
      },
    ],
    [
      "TC_E_52_CS",
      "Local start transaction - Authorization first - DisableRemoteAuthorization",
      ["E03", "C01"],
      [],
      (_, t) => remoteAuthorizationDisabled(t),
    ],
    [
      "TC_E_38_CS",
      "Local start transaction - EV not ready",
      ["E03"],
      [],
      async (s) => {
        await s.authorizedLocal();
        await s.act(PhysicalAction.EVSuspend, "Set the EV to a state in which it is NOT ready for energy transfer");
        await s.evConnectedPreSession();
        const body = await s.event(2, "the EV not ready");
        s.trigger(2, body, ["ChargingStateChanged"]);
        s.chargingState(2, body, ["SuspendedEV"]);
      },
    ],
    ["TC_E_06_CS", "Local Stop Transaction - Accepted", ["E07", "C01"], [], (s) => wholeSession(s, true)],
    ["TC_E_07_CS", "Stop transaction options - PowerPathClosed - Local stop", ["E06"], [stop("PowerPathClosed")], localStop],
    ["TC_E_35_CS", "Stop transaction options - PowerPathClosed - Remote stop", ["E06"], [stop("PowerPathClosed")], remoteStop],
    [
      "TC_E_37_CS",
      "Stop transaction options - PowerPathClosed - EV side disconnect",
      ["E06"],
      [stop("PowerPathClosed"), ["TxCtrlr", "StopTxOnEVSideDisconnect", "false"]],
      suspendedThenEVSideEnded(),
    ],
    ["TC_E_08_CS", "Stop transaction options - EnergyTransfer stopped - StopAuthorized", ["E06"], [stop("EnergyTransfer")], localStop],
    [
      "TC_E_22_CS",
      "Stop transaction options - EnergyTransfer stopped - SuspendedEV",
      ["E06"],
      [stop("EnergyTransfer")],
      async (s) => {
        await s.energyTransferStarted();
        await s.t.state("1", () => s.energyTransferSuspended());
      },
    ],
    [
      "TC_E_14_CS",
      "Stop transaction options - EVDisconnected - Charging Station side",
      ["E06"],
      [stop("EVConnected")],
      async (s, t) => {
        await s.energyTransferStarted();
        await s.stopAuthorizedLocal();
        await s.evConnectedPostSession();
        const since = t.mark();
        await s.act(PhysicalAction.Unplug, "Disconnect the EV and EVSE");
        s.evConnected = false;
        await expectConnectorState(t, 1, "Available", s.evseId, t.connectorId, since);
        const body = await s.event(3, "the EV disconnected");
        s.trigger(3, body, ["EVCommunicationLost"]);
        s.chargingState(3, body, ["Idle"]);
        t.expectOneOf(3, "TransactionEventRequest transactionInfo.stoppedReason", field(body, "transactionInfo.stoppedReason"), [
          "Local",
          "EVDisconnected",
        ]);
        expectTx(t, 3, body, "eventType", "Ended");
      },
    ],
    [
      "TC_E_20_CS",
      "Stop transaction options - EVDisconnected - EV side (able to charge IEC 61851-1 EV)",
      ["E06", "E10"],
      [stop("EVConnected"), ["TxCtrlr", "StopTxOnEVSideDisconnect", "false"]],
      suspendedThenEVSideEnded(),
    ],
    [
      "TC_E_54_CS",
      "Stop transaction options - EVDisconnected - EV side (not able to charge IEC 61851-1 EV)",
      ["E06", "E10"],
      [stop("EVConnected"), ["TxCtrlr", "StopTxOnEVSideDisconnect", "false"]],
      suspendedThenEVSideEnded(["StoppedByEV", "EVDisconnected"]),
    ],
    [
      "TC_E_15_CS",
      "Stop transaction options - StopAuthorized - Local",
      ["E06"],
      [stop("Authorized")],
      async (s, t) => {
        await s.energyTransferStarted();
        await t.wait(t.config.transactionDurationS);
        await s.act(PhysicalAction.PresentIdToken, "Present IdToken to stop charging session", { idToken: s.token });
        s.authorized = false;
        const body = await s.event(1, "the stop");
        s.trigger(1, body, ["StopAuthorized"]);
        expectTx(t, 1, body, "transactionInfo.stoppedReason", "Local");
        expectTx(t, 1, body, "eventType", "Ended");
      },
    ],
    ["TC_E_21_CS", "Stop transaction options - StopAuthorized - Remote", ["E06", "F03"], [stop("Authorized")], remoteStop],
    [
      "TC_E_19_CS",
      "Stop transaction options - ParkingBayUnoccupied",
      ["E06"],
      [stop("ParkingBayOccupancy")],
      async (s, t) => {
        await s.energyTransferStarted();
        await s.stopAuthorizedLocal();
        await s.evConnectedPostSession();
        await s.evDisconnected();
        await t.state("1", async () => {
          const ended = await s.parkingBayUnoccupied();
          t.expectThat(1, "the transaction ended", ended !== undefined, "a TransactionEventRequest Ended (EVDeparted)", "none");
        });
      },
    ],
    [
      "TC_E_24_CS",
      "Disconnect cable on EV-side - Deauthorize transaction - UnlockOnEVSideDisconnect is true",
      ["E09"],
      evSide(true, true),
      deauthorizedAtEVSide(true),
    ],
    [
      "TC_E_25_CS",
      "Disconnect cable on EV-side - Deauthorize transaction - UnlockOnEVSideDisconnect is false",
      ["E09"],
      evSide(true, false),
      deauthorizedAtEVSide(false),
    ],
    [
      "TC_E_26_CS",
      "Disconnect cable on EV-side - Suspend transaction",
      ["E10"],
      [stop("Authorized"), ...evSide(false, false)],
      async (s, t) => {
        await s.energyTransferSuspended();
        await s.act(PhysicalAction.EVSideDisconnect, "Disconnect the EV and EVSE on EV side (EVSE loses connection with EV)");
        let body = await s.event(1, "the EV side disconnected");
        s.trigger(1, body, ["EVCommunicationLost"]);
        s.chargingState(1, body, ["Idle"]);
        expectTx(t, 1, body, "eventType", "Updated");
        await s.act(PhysicalAction.EVSideReconnect, "Reconnect the EV and EVSE on EV side");
        body = await s.event(5, "the EV side reconnected");
        s.trigger(5, body, ["CablePluggedIn"]);
        s.chargingState(5, body, ["EVConnected"]);
        expectTx(t, 5, body, "eventType", "Updated");
        body = await s.event(7, "energy flowing again");
        s.trigger(7, body, ["ChargingStateChanged"]);
        s.chargingState(7, body, ["Charging"]);
        expectTx(t, 7, body, "eventType", "Updated");
      },
    ],
    // Not part 6: TxStopPoint Authorized only (as TC_E_17), so that the timeout ends a transaction the case can see.
    [
      "TC_E_27_CS",
      "Disconnect cable on EV-side - Suspend transaction - Fixed cable connection timeout",
      ["E10"],
      (t) => [stop("Authorized"), ...evSide(false, false), timeout(t)],
      async (s, t) => {
        await s.energyTransferSuspended();
        const since = t.mark();
        // The cable is fixed to the station: the EV end is all there is to disconnect, and nothing is left to unplug after.
        await s.act(PhysicalAction.EVSideDisconnect, "Disconnect the EV and EVSE on EV side (EVSE loses connection with EV)");
        s.evConnected = false;
        const body = await s.event(1, "the EV side disconnected");
        s.trigger(1, body, ["EVCommunicationLost"]);
        s.chargingState(1, body, ["Idle"]);
        expectTx(t, 1, body, "eventType", "Updated");
        await expectConnectorState(t, 3, "Available", s.evseId, t.connectorId, since);
        // Part 6 then asks to reconnect the EV "before the configured EVConnectionTimeout expires", yet step 5 is the
        // EVConnectTimeout the reconnect would prevent (E10.FR.02, the case's purpose): the runner asks for no reconnect.
        await connectionTimeout(s, t, 5);
      },
      [Feature.E, Feature.PermanentCable],
    ],
    ...(
      [
        ["TC_E_50_CS", "Max retry count reached - CallError", true, undefined],
        ["TC_E_51_CS", "Success before reaching the max retry count - CallError", true, 2],
        ["TC_E_41_CS", "Max retry count reached", false, undefined],
        ["TC_E_42_CS", "Success before reaching the max retry count", false, 2],
      ] as const
    ).map(
      ([id, name, callError, answeredAt]): TxRow => [
        id,
        `Retry sending transaction message when failed - ${name}`,
        ["E13"],
        retrySettings,
        (s, t) => retries(s, t, callError, answeredAt),
      ],
    ),
    ["TC_E_28_CS", "Check Transaction status - TransactionId unknown", ["E14"], [], transactionStatus(nothing, "unknown", false)],
    [
      "TC_E_30_CS",
      "Check Transaction status - Transaction with id ongoing - without message in queue",
      ["E14"],
      [],
      transactionStatus((s) => s.energyTransferStarted(), "session", true),
    ],
    [
      "TC_E_32_CS",
      "Check Transaction status - Transaction with id ended - without message in queue",
      ["E14"],
      [],
      transactionStatus((s) => wholeSession(s, true), "session", false),
    ],
    [
      "TC_E_34_CS",
      "Check Transaction status - Without transactionId - without message in queue",
      ["E14"],
      [],
      transactionStatus(nothing, "without", undefined),
    ],
  ] satisfies TxRow[]
).map(txCase);

/**
 * TC_E_52 (E03, C01): with AuthCtrlr.DisableRemoteAuthorization true the station only looks the idToken
 * up in its cache and local list, which do not hold it (the Memory State): no AuthorizeRequest, refused.
 */
async function remoteAuthorizationDisabled(t: CsTest): Promise<void> {
  const { valid, validSameGroup } = t.config.idTokens;
  await noLocalTokens(t, [valid, validSameGroup]);
  await withSettings(
    t,
    [
      ["AuthCtrlr", "Enabled", "true"],
      ["AuthCtrlr", "DisableRemoteAuthorization", "true"],
    ],
    async () => {
      const since = t.mark();
      await presentIdToken(
        t,
        "Manual Action",
        valid,
        "Present an idToken which is not configured in the Local Authorization List nor present in Authorization Cache",
      );
      // Step 1: "does NOT send an AuthorizeRequest and authorization is refused" (overruling C01.FR.02 and
      // C01.FR.05): nothing authorized for the message timeout, then no AuthorizeRequest in all that time.
      await expectNoTransactionChange(t, 1, "authorization is refused");
      expectNoAuthorize(t, 1, since, "AuthCtrlr.DisableRemoteAuthorization is true");
    },
    ["AuthCtrlr.Enabled"],
  );
}
