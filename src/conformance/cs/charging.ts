/**
 * What the authorization, meter value and availability cases of a station under test share: the
 * configuration they set (part 6 "Configuration State", restored afterwards), the memory state
 * IdTokenCached (Table 250), an idToken presented at the station, and a charging session started and
 * ended. A session is judged by what part 6 asks of it at the end of each reusable state (a
 * TransactionEvent with chargingState Charging for "EnergyTransferStarted", an eventType Ended for the
 * end), so a station may send the intermediate events its TxStartPoint / TxStopPoint settings give.
 */
import type { IdToken } from "../config.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { expectConnectorState, expectFields, field } from "./states.js";

type Body = Record<string, unknown>;

/** One device model setting: component, variable, value. */
export type Setting = readonly [component: string, variable: string, value: string];

const ref = ([component, variable]: Setting) => ({ component: { name: component }, variable: { name: variable } });
/** "(If implemented)": a station without the variable answers UnknownComponent / UnknownVariable. */
const notImplemented = ["UnknownComponent", "UnknownVariable"];

/**
 * Part 6 "Configuration State": SetVariables with `settings`, each Accepted (one marked optional by
 * `ifImplemented` may be unknown to the station); `body` runs; then the values read before are set
 * back (not part 6: the next case starts from the station's own configuration).
 */
export async function withSettings(
  t: CsTest,
  settings: readonly Setting[],
  body: () => Promise<void>,
  ifImplemented: readonly string[] = [],
): Promise<void> {
  const before = await t.send("Before", "GetVariables", { getVariableData: settings.map(ref) });
  const previous = settings.map((setting, i) => [...setting.slice(0, 2), field(before, `getVariableResult.${i}.attributeValue`)] as const);
  const set = await t.send("Before", "SetVariables", {
    setVariableData: settings.map((setting) => ({ ...ref(setting), attributeValue: setting[2] })),
  });
  try {
    settings.forEach(([component, variable], i) => {
      const status = field(set, `setVariableResult.${i}.attributeStatus`);
      const optional = ifImplemented.includes(`${component}.${variable}`);
      t.expectOneOf(
        "Before",
        `SetVariablesResponse ${component}.${variable}`,
        status,
        optional ? ["Accepted", ...notImplemented] : ["Accepted"],
      );
    });
    await body();
  } finally {
    const restore = previous.filter((p): p is readonly [string, string, string] => typeof p[2] === "string");
    if (restore.length) {
      await t
        .send("after", "SetVariables", {
          setVariableData: restore.map((setting) => ({ ...ref(setting), attributeValue: setting[2] })),
        })
        .catch(() => {});
    }
  }
}

/** The station's TxStartPoint (the OCTT has it configured; it decides which steps part 6 expects). */
export async function txStartPoints(t: CsTest): Promise<string[]> {
  const read = await t.send("TxStartPoint", "GetVariables", {
    getVariableData: [{ component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" } }],
  });
  return String(field(read, "getVariableResult.0.attributeValue") ?? "").split(",");
}

/** Whether the transaction starts at the authorization (or earlier), before the cable is in. */
export const startsBeforePlugIn = (points: readonly string[]) => points.includes("Authorized") || points.includes("ParkingBayOccupancy");

/**
 * The idTokenInfo the tool gives a token: the status of tokenStatus, with the group of part 6's
 * configured tokens (`valid` and `validSameGroup` share <Configured GroupId>, the master pass has
 * <Configured masterPassGroupId>), for the GroupId and master pass cases (C09, C16).
 */
export function tokenInfo(t: CsTest, token: IdToken | undefined, status?: string): Body {
  const tokens = t.config.idTokens;
  const same = (other: IdToken) => token?.idToken === other.idToken && token?.type === other.type;
  const group = same(tokens.masterPass)
    ? tokens.masterPassGroupId
    : same(tokens.valid) || same(tokens.validSameGroup)
      ? tokens.groupId
      : undefined;
  const known = same(tokens.valid) || same(tokens.validSameGroup) || same(tokens.masterPass);
  const base = status ?? (known ? "Accepted" : same(tokens.blocked) ? "Blocked" : same(tokens.expired) ? "Expired" : "Invalid");
  return { status: base, ...(group === undefined ? {} : { groupIdToken: { idToken: group, type: "Central" } }) };
}

/** The tool answers Authorize and TransactionEvent with tokenInfo (groups included); `status` overrides per idToken. */
export function answerWithGroups(t: CsTest, status: (token: IdToken) => string | undefined = () => undefined): void {
  const info = (payload: Body) => {
    const token = payload.idToken as IdToken | undefined;
    return tokenInfo(t, token, token && status(token));
  };
  t.answer("Authorize", (payload) => ({ idTokenInfo: info(payload) }));
  t.answer("TransactionEvent", (payload) => (payload.idToken ? { idTokenInfo: info(payload) } : {}));
}

/** "Manual Action: Present idToken" at `evseId` (the configured EVSE by default). */
export function presentIdToken(t: CsTest, step: number | string, token: IdToken, instruction: string, evseId = t.evseId): Promise<void> {
  return t.act(step, PhysicalAction.PresentIdToken, `${instruction} (${token.idToken}) at EVSE ${evseId}`, { evseId, idToken: token });
}

/** "Manual Action: Connect the EV and EVSE" at `evseId`: the connector reports Occupied. */
export async function plugIn(t: CsTest, step: number | string, evseId: number): Promise<void> {
  const since = t.mark();
  await t.act("Manual Action", PhysicalAction.PlugIn, `Connect the EV and EVSE ${evseId}`, { evseId, connectorId: 1 });
  await expectConnectorState(t, step, "Occupied", evseId, 1, since);
}

/** Step `step`: AuthorizeRequest with idToken.idToken and idToken.type of `token`. */
export async function expectAuthorize(t: CsTest, step: number | string, token: IdToken, since?: number): Promise<StationCall> {
  const call = await t.expectCall(step, "Authorize", since === undefined ? {} : { since });
  expectFields(t, step, "AuthorizeRequest", call.payload, { "idToken.idToken": token.idToken, "idToken.type": token.type });
  return call;
}

/** A TransactionEvent of `evseId` (its first one names the EVSE; later ones carry the same transactionId). */
function ofEvse(t: CsTest, since: number, evseId: number): (payload: Body) => boolean {
  return (payload) => {
    if (field(payload, "evse.id") !== undefined) return field(payload, "evse.id") === evseId;
    const id = field(payload, "transactionInfo.transactionId");
    return t
      .callsSince(since, "TransactionEvent")
      .some((c) => field(c.payload, "evse.id") === evseId && field(c.payload, "transactionInfo.transactionId") === id);
  };
}

/**
 * Step `step`: the TransactionEvent carrying the authorized idToken (part 6 Reusable State Authorized
 * step 3): triggerReason Authorized, the idToken's fields, eventType Started or Updated.
 */
export async function expectAuthorizedEvent(
  t: CsTest,
  step: number | string,
  token: IdToken,
  since: number,
  evseId = t.evseId,
): Promise<StationCall> {
  const event = await t.expectCall(step, "TransactionEvent", {
    since,
    where: (p) => p.idToken !== undefined && ofEvse(t, since, evseId)(p),
    describe: `with the idToken, EVSE ${evseId}`,
  });
  expectFields(t, step, "TransactionEventRequest", event.payload, {
    triggerReason: "Authorized",
    "idToken.idToken": token.idToken,
    "idToken.type": token.type,
  });
  t.expectOneOf(step, "TransactionEventRequest eventType", event.payload.eventType, ["Started", "Updated"]);
  return event;
}

/** Post condition of Reusable State EnergyTransferStarted: a TransactionEvent of `evseId` with chargingState Charging; its transactionId. */
export async function expectCharging(t: CsTest, step: number | string, since: number, evseId = t.evseId): Promise<string> {
  const event = await t.expectCall(step, "TransactionEvent", {
    since,
    where: (p) => field(p, "transactionInfo.chargingState") === "Charging" && ofEvse(t, since, evseId)(p),
    describe: `chargingState Charging, EVSE ${evseId}`,
  });
  return String(field(event.payload, "transactionInfo.transactionId"));
}

/** No Authorize among the station's messages from `since` on (an idToken the station knows locally). */
export function expectNoAuthorize(t: CsTest, step: number | string, since: number, why: string): void {
  const sent = t.callsSince(since, "Authorize");
  t.expectThat(step, `the station sends no AuthorizeRequest (${why})`, sent.length === 0, "none", sent[0]?.payload);
}

/**
 * Part 6's "The OCTT waits <Configured message timeout> seconds" to see that the station sends no
 * TransactionEvent that starts, authorizes or stops anything; its periodic and clock-aligned meter values
 * may go on.
 */
export async function expectNoTransactionChange(t: CsTest, step: number | string, why: string): Promise<void> {
  const since = t.mark();
  await t.wait(t.config.responseTimeoutS);
  const changed = t
    .callsSince(since, "TransactionEvent")
    .find((c) => !["MeterValuePeriodic", "MeterValueClock"].includes(String(c.payload.triggerReason)));
  t.expectThat(step, `the station sends no TransactionEventRequest (${why})`, changed === undefined, "none", changed?.payload);
}

/**
 * Reusable States EVConnectedPreSession, Authorized (A, local) and EnergyTransferStarted for `token` at
 * `evseId`: plug in, present the token, Authorize (unless `cached`: then none may be sent), the
 * TransactionEvent with the idToken, charging; the transactionId.
 */
export async function startCharging(
  t: CsTest,
  token: IdToken,
  options: { evseId?: number; cached?: boolean; steps?: readonly [number | string, number | string, number | string] } = {},
): Promise<string> {
  const evseId = options.evseId ?? t.evseId;
  const [authorizeStep, eventStep, chargingStep] = options.steps ?? ["Authorized 1", "Authorized 3", "EnergyTransferStarted"];
  await plugIn(t, "EVConnectedPreSession 1", evseId);
  const since = t.mark();
  await presentIdToken(t, "Manual Action", token, "Present idToken", evseId);
  if (!options.cached) await expectAuthorize(t, authorizeStep, token, since);
  await expectAuthorizedEvent(t, eventStep, token, since, evseId);
  const transactionId = await expectCharging(t, chargingStep, since, evseId);
  if (options.cached) expectNoAuthorize(t, authorizeStep, since, "the idToken is in the Authorization Cache");
  return transactionId;
}

/**
 * Reusable State StopAuthorized (B, RequestStopTransaction: the way part 6 lets the OCTT choose): the
 * station answers Accepted and sends a TransactionEvent with triggerReason RemoteStop. Returns the mark
 * from before the request.
 */
export async function stopAuthorized(t: CsTest, transactionId: string): Promise<number> {
  const since = t.mark();
  await t.state("StopAuthorized", async () => {
    const response = await t.send(1, "RequestStopTransaction", { transactionId });
    t.expect(2, "RequestStopTransactionResponse status", response.status, "Accepted");
    const event = await t.expectCall(3, "TransactionEvent", {
      since,
      where: (p) => field(p, "transactionInfo.transactionId") === transactionId,
    });
    t.expect(3, "TransactionEventRequest triggerReason", event.payload.triggerReason, "RemoteStop");
  });
  return since;
}

/** StopAuthorized, EVConnectedPostSession and EVDisconnected: the transaction ends, the EV leaves, the connector is Available. */
export async function stopCharging(t: CsTest, transactionId: string, evseId = t.evseId): Promise<void> {
  const since = await stopAuthorized(t, transactionId);
  await sessionEnds(t, transactionId, since, evseId);
}

/** The transaction's eventType Ended, then "Disconnect the EV and EVSE": the connector shows `status`. */
export async function sessionEnds(
  t: CsTest,
  transactionId: string,
  since: number,
  evseId = t.evseId,
  status = "Available",
): Promise<StationCall> {
  let ended: StationCall | undefined;
  await t.state("EVConnectedPostSession", async () => {
    ended = await t.expectCall(1, "TransactionEvent", {
      since,
      where: (p) => p.eventType === "Ended" && field(p, "transactionInfo.transactionId") === transactionId,
      describe: "eventType Ended",
    });
  });
  await unplug(t, "EVDisconnected 1", evseId, status);
  return ended as StationCall;
}

/** "Manual Action: Disconnect the EV and EVSE" at `evseId`: the connector reports `status`. */
export async function unplug(t: CsTest, step: number | string, evseId = t.evseId, status = "Available"): Promise<void> {
  const since = t.mark();
  await t.act("Manual Action", PhysicalAction.Unplug, `Disconnect the EV and EVSE ${evseId}`, { evseId, connectorId: 1 });
  await expectConnectorState(t, step, status, evseId, 1, since);
}

/**
 * Memory State IdTokenCached (Table 250) for `token`: a session with it (EVConnectedPreSession, Authorized,
 * then the EV leaves), so the CSMS's answer is in the Authorization Cache. Run before the case's
 * configuration, while LocalPreAuthorize is the station's own: the station asks the CSMS.
 */
export async function idTokenCached(t: CsTest, token: IdToken): Promise<void> {
  await t.state(`IdTokenCached ${token.idToken}`, async () => {
    await plugIn(t, 2, t.evseId);
    const since = t.mark();
    await presentIdToken(t, 3, token, "Present idToken");
    const authorize = await t.expectCall(3, "Authorize", { since, where: (p) => field(p, "idToken.idToken") === token.idToken });
    if (tokenInfo(t, token).status !== "Accepted") {
      await unplug(t, 6);
      return;
    }
    const started = await t.expectCall(3, "TransactionEvent", { since: authorize.index, where: (p) => p.idToken !== undefined });
    const transactionId = String(field(started.payload, "transactionInfo.transactionId"));
    const leaving = t.mark();
    await unplug(t, 4);
    await t.expectCall(4, "TransactionEvent", {
      since: leaving,
      where: (p) => p.eventType === "Ended" && field(p, "transactionInfo.transactionId") === transactionId,
      describe: "eventType Ended",
    });
  });
}
