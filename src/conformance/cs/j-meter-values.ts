/**
 * Block J, Meter values (part 6 section 2.11): the TC_J_*_CS cases, steps numbered as there. The
 * intervals are the config's clockAlignedIntervalS (AlignedDataCtrlr.Interval and TxEndedInterval),
 * sampledIntervalS (SampledDataCtrlr.TxUpdatedInterval and TxEndedInterval) and transactionDurationS.
 */
import { createPublicKey } from "node:crypto";
import { type CsCase, Feature } from "../case.js";
import {
  expectAuthorize,
  expectCharging,
  plugIn,
  type Setting,
  sessionEnds,
  startCharging,
  stopAuthorized,
  stopCharging,
  withSettings,
} from "./charging.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { csCase, field } from "./states.js";

type Body = Record<string, unknown>;
type MeterValue = { timestamp?: string; sampledValue?: Body[] };

const energy = "Energy.Active.Import.Register";

/** A MemberList variable of the station, read with GetVariables. */
async function measurandsOf(t: CsTest, component: string, variable: string): Promise<string[]> {
  const read = await t.send("Before", "GetVariables", {
    getVariableData: [{ component: { name: component }, variable: { name: variable } }],
  });
  return String(field(read, "getVariableResult.0.attributeValue") ?? "")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
}

/** "sampledValue must contain an element per configured measurand; the measurand may be omitted for Energy.Active.Import.Register". */
function expectMeasurands(t: CsTest, step: number | string, what: string, sampled: readonly Body[], measurands: readonly string[]): void {
  const present = sampled.map((s) => (s.measurand ?? energy) as string);
  const missing = measurands.filter((m) => !present.includes(m));
  t.expectThat(step, `${what} sampledValue measurands`, missing.length === 0, `one per measurand of ${measurands.join(", ")}`, present);
}

/** Each value of `values` carries the measurands and `context` (its sampledValue[0].context). */
function expectValues(
  t: CsTest,
  step: number | string,
  what: string,
  values: readonly MeterValue[],
  context: string,
  measurands: readonly string[],
) {
  t.expectThat(step, `${what} meterValue`, values.length > 0, "present", values);
  for (const value of values) {
    t.expect(step, `${what} meterValue sampledValue[0].context`, field(value, "sampledValue.0.context"), context);
    expectMeasurands(t, step, what, value.sampledValue ?? [], measurands);
  }
}

/**
 * Post scenario validation: the distinct timestamps of `values` are `intervalS` apart (several messages
 * may share one moment). A second of slack for a station that stamps the moment it measured.
 */
function expectIntervals(
  t: CsTest,
  step: number | string,
  what: string,
  timestamps: readonly (string | undefined)[],
  intervalS: number,
): void {
  const moments = [...new Set(timestamps.map((s) => Date.parse(String(s))))].sort((a, b) => a - b);
  for (let i = 1; i < moments.length; i++) {
    const gapS = ((moments[i] as number) - (moments[i - 1] as number)) / 1000;
    t.expectThat(step, `${what} timestamp interval`, Math.abs(gapS - intervalS) <= 1, `${intervalS} s`, `${gapS} s`);
  }
}

const alignedSettings = (t: CsTest, sendDuringIdle?: boolean): Setting[] => [
  ["AlignedDataCtrlr", "Enabled", "true"],
  ["AlignedDataCtrlr", "Interval", String(t.config.clockAlignedIntervalS)],
  ...(sendDuringIdle === undefined ? [] : ([["AlignedDataCtrlr", "SendDuringIdle", String(sendDuringIdle)]] as Setting[])),
];
const ifImplemented = ["AlignedDataCtrlr.Enabled", "AlignedDataCtrlr.SendDuringIdle"];

/** A clock-aligned report: a MeterValuesRequest, or a NotifyEventRequest of component FiscalMetering (part 6 accepts both). */
const isClockAligned = (call: { action: string; payload: Body }) =>
  call.action === "MeterValues"
    ? field(call.payload, "meterValue.0.sampledValue.0.context") === "Sample.Clock"
    : ((call.payload.eventData as Body[] | undefined) ?? []).some((e) => field(e, "component.name") === "FiscalMetering");

/** Steps 1-2 of TC_J_01 / TC_J_06: `count` clock-aligned reports from `since`, checked; their timestamps. */
async function expectClockAligned(t: CsTest, step: number | string, since: number, count: number, measurands: readonly string[]) {
  const timestamps: (string | undefined)[] = [];
  let from = since;
  for (let n = 0; n < count; n++) {
    const call: StationCall = await t.expectCall(step, ["MeterValues", "NotifyEvent"], {
      since: from,
      where: (p) => isClockAligned({ action: "MeterValues", payload: p }) || isClockAligned({ action: "NotifyEvent", payload: p }),
      describe: "clock-aligned meter values",
      timeoutS: 2 * t.config.clockAlignedIntervalS + t.config.actionTimeoutS,
    });
    from = call.index + 1;
    if (call.action === "MeterValues") {
      const values = (call.payload.meterValue as MeterValue[]) ?? [];
      expectValues(t, step, "MeterValuesRequest", values, "Sample.Clock", measurands);
      timestamps.push(...values.map((v) => v.timestamp));
    } else {
      const events = ((call.payload.eventData as Body[]) ?? []).filter((e) => field(e, "component.name") === "FiscalMetering");
      for (const event of events) t.expect(step, "NotifyEventRequest eventData.trigger", event.trigger, "Periodic");
      t.expectThat(
        step,
        "NotifyEventRequest eventData",
        events.length >= measurands.length,
        `one per measurand of ${measurands.join(", ")}`,
        events,
      );
      timestamps.push(...events.map((e) => e.timestamp as string));
    }
  }
  return timestamps;
}

/** The Ended TransactionEvent's meter values (TC_J_03, TC_J_10): `context` samples with the TxEnded measurands, then the final one. */
function expectEndedValues(t: CsTest, ended: StationCall, context: string, measurands: readonly string[], intervalS: number): void {
  const values = (ended.payload.meterValue as MeterValue[] | undefined) ?? [];
  t.expectThat("post", "TransactionEventRequest (Ended) meterValue", values.length > 0, "present", ended.payload);
  t.expect(
    "post",
    "TransactionEventRequest (Ended) meterValue[0].sampledValue[0].context",
    field(values, "0.sampledValue.0.context"),
    context,
  );
  const samples = values.filter((v) => field(v, "sampledValue.0.context") === context);
  for (const value of samples) expectMeasurands(t, "post", "TransactionEventRequest (Ended)", value.sampledValue ?? [], measurands);
  expectIntervals(
    t,
    "post",
    "TransactionEventRequest (Ended)",
    samples.map((v) => v.timestamp),
    intervalS,
  );
  if (context === "Sample.Periodic") {
    const end = values.some((v) => (v.sampledValue ?? []).some((s) => s.context === "Transaction.End"));
    t.expectThat("post", "TransactionEventRequest (Ended) a sampledValue with context Transaction.End", end, "one", values);
  }
}

/** A base64 SubjectPublicKeyInfo (DER) a verifier can load. */
function validPublicKey(text: string): boolean {
  try {
    createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "spki" });
    return true;
  } catch {
    return false;
  }
}

/**
 * TC_J_04 / TC_J_11: every sampledValue of `contexts` (the readings the SignReadings set concerns) signed;
 * its publicKey "" or a valid key, as PublicKeyWithSignedMeterValue says.
 */
function expectSigned(t: CsTest, ended: StationCall, contexts: readonly string[], policy: string | undefined): void {
  const sampled = ((ended.payload.meterValue as MeterValue[] | undefined) ?? [])
    .flatMap((v) => v.sampledValue ?? [])
    .filter((s) => contexts.includes(String(s.context)));
  for (const value of sampled) {
    const signed = value.signedMeterValue as Body | undefined;
    t.expectThat("post", "TransactionEventRequest (Ended) sampledValue.signedMeterValue", signed !== undefined, "present", value);
    const key = String(signed?.publicKey ?? "");
    const allowed = policy === "Never" ? key === "" : key === "" || validPublicKey(key);
    t.expectThat(
      "post",
      "TransactionEventRequest (Ended) signedMeterValue.publicKey",
      allowed,
      policy === "Never" ? '""' : '"" or a valid public key',
      key,
    );
  }
}

/** TC_J_03 / TC_J_10 (TC_J_04 / TC_J_11 signed): a transaction long enough for two samples, ended; the Ended event's meter values. */
function txEndedCase(id: string, name: string, component: "AlignedDataCtrlr" | "SampledDataCtrlr", signed = false): CsCase {
  const aligned = component === "AlignedDataCtrlr";
  return csCase({
    id,
    name,
    useCases: [aligned ? "J01" : "J02", "E06"],
    ...(signed ? { features: [Feature.J, Feature.SignedMeterValues] } : {}),
    async run(t) {
      const intervalS = aligned ? t.config.clockAlignedIntervalS : t.config.sampledIntervalS;
      const measurands = await measurandsOf(t, component, "TxEndedMeasurands");
      const settings: Setting[] = [[component, "TxEndedInterval", String(intervalS)]];
      if (aligned) settings.push(["AlignedDataCtrlr", "SendDuringIdle", "false"]);
      if (signed) settings.push([component, "SignReadings", "true"]);
      const policy = signed
        ? field(
            await t.send("Before", "GetVariables", {
              getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "PublicKeyWithSignedMeterValue" } }],
            }),
            "getVariableResult.0.attributeValue",
          )
        : undefined;
      await withSettings(
        t,
        settings,
        async () => {
          const transactionId = await startCharging(t, t.config.idTokens.valid);
          // "After the <Configured transaction duration>": at least two data collection moments.
          await t.wait(Math.max(t.config.transactionDurationS, 2 * intervalS + 1));
          const since = await stopAuthorized(t, transactionId);
          const ended = await sessionEnds(t, transactionId, since);
          expectEndedValues(t, ended, aligned ? "Sample.Clock" : "Sample.Periodic", measurands, intervalS);
          const contexts = aligned ? ["Sample.Clock"] : ["Sample.Periodic", "Transaction.End"];
          if (signed) expectSigned(t, ended, contexts, policy as string | undefined);
        },
        ["AlignedDataCtrlr.SendDuringIdle"],
      );
    },
  });
}

export const meterValuesCsCases: CsCase[] = [
  csCase({
    id: "TC_J_01_CS",
    name: "Clock-aligned Meter Values - No transaction ongoing",
    useCases: ["J01"],
    async run(t) {
      const measurands = await measurandsOf(t, "AlignedDataCtrlr", "Measurands");
      await withSettings(
        t,
        alignedSettings(t),
        async () => {
          // "The OCTT will end the testcase after it has received three Meter Value messages."
          const timestamps = await expectClockAligned(t, 1, t.mark(), 3, measurands);
          expectIntervals(t, "post", "MeterValuesRequest", timestamps, t.config.clockAlignedIntervalS);
        },
        ifImplemented,
      );
    },
  }),
  csCase({
    id: "TC_J_02_CS",
    name: "Clock-aligned Meter Values - Transaction ongoing",
    useCases: ["J01"],
    async run(t) {
      const measurands = await measurandsOf(t, "AlignedDataCtrlr", "Measurands");
      await withSettings(
        t,
        alignedSettings(t, false),
        async () => {
          const transactionId = await startCharging(t, t.config.idTokens.valid);
          // Steps 1-2 or 3-4: MeterValues or TransactionEvent (MeterValueClock) for the EVSE of the transaction, twice.
          const ofTransaction = (p: Body) =>
            field(p, "transactionInfo.transactionId") === transactionId
              ? p.triggerReason === "MeterValueClock"
              : p.evseId === t.evseId && isClockAligned({ action: "MeterValues", payload: p });
          const timestamps: (string | undefined)[] = [];
          let from = t.mark();
          for (let n = 0; n < 2; n++) {
            const call = await t.expectCall(3, ["TransactionEvent", "MeterValues"], {
              since: from,
              where: ofTransaction,
              describe: `clock-aligned meter values of EVSE ${t.evseId}`,
              timeoutS: 2 * t.config.clockAlignedIntervalS + t.config.actionTimeoutS,
            });
            from = call.index + 1;
            const what = `${call.action}Request`;
            if (call.action === "TransactionEvent") t.expect(3, `${what} triggerReason`, call.payload.triggerReason, "MeterValueClock");
            const values = (call.payload.meterValue as MeterValue[] | undefined) ?? [];
            expectValues(t, 3, what, values, "Sample.Clock", measurands);
            timestamps.push(...values.map((v) => v.timestamp));
          }
          expectIntervals(t, "post", "TransactionEventRequest", timestamps, t.config.clockAlignedIntervalS);
          await stopCharging(t, transactionId);
        },
        ifImplemented,
      );
    },
  }),
  txEndedCase("TC_J_03_CS", "Clock-aligned Meter Values - EventType Ended", "AlignedDataCtrlr"),
  txEndedCase("TC_J_04_CS", "Clock-aligned Meter Values - Signed", "AlignedDataCtrlr", true),
  csCase({
    id: "TC_J_06_CS",
    name: "Clock-aligned Meter Values - No Meter Values during transaction",
    useCases: ["J01"],
    async run(t) {
      const measurands = await measurandsOf(t, "AlignedDataCtrlr", "Measurands");
      const intervalS = t.config.clockAlignedIntervalS;
      await withSettings(
        t,
        alignedSettings(t, true),
        async () => {
          await expectClockAligned(t, 1, t.mark(), 1, measurands);
          const transactionId = await startCharging(t, t.config.idTokens.valid, { steps: [3, 3, 3] });
          const charging = t.mark();
          // Step 6 "after the <Configured clock-aligned Meter Values interval + 5 seconds>".
          await t.wait(intervalS + 5);
          const clockAligned = t
            .callsSince(charging)
            .find(
              (c) =>
                ((c.action === "MeterValues" || c.action === "NotifyEvent") && isClockAligned(c)) ||
                (c.action === "TransactionEvent" &&
                  ((c.payload.meterValue as MeterValue[] | undefined) ?? []).some(
                    (v) => field(v, "sampledValue.0.context") === "Sample.Clock",
                  )),
            );
          t.expectThat(
            4,
            "no clock-aligned meter values while the transaction runs (SendDuringIdle)",
            clockAligned === undefined,
            "none",
            clockAligned?.payload,
          );
          await stopCharging(t, transactionId);
          await expectClockAligned(t, 7, t.mark(), 1, measurands);
        },
        ["AlignedDataCtrlr.Enabled"],
      );
    },
  }),
  csCase({
    id: "TC_J_07_CS",
    name: "Sampled Meter Values - EventType Started - EVSE known",
    useCases: ["J02", "E01"],
    async run(t) {
      const measurands = await measurandsOf(t, "SampledDataCtrlr", "TxStartedMeasurands");
      const since = t.mark();
      const transactionId = await startCharging(t, t.config.idTokens.valid);
      const started = t.callsSince(since, "TransactionEvent").find((c) => c.payload.eventType === "Started");
      t.expectThat("post", "a TransactionEventRequest with eventType Started", started !== undefined, "one", undefined);
      const values = (started?.payload.meterValue as MeterValue[] | undefined) ?? [];
      expectValues(t, "post", "TransactionEventRequest (Started)", values, "Transaction.Begin", measurands);
      await stopCharging(t, transactionId);
    },
  }),
  csCase({
    id: "TC_J_08_CS",
    name: "Sampled Meter Values - Context Transaction.Begin - EVSE not known",
    useCases: ["J02", "E01"],
    requires: (config) => (config.evses > 1 ? undefined : "needs a station with more than one EVSE (config evses)"),
    async run(t) {
      const measurands = await measurandsOf(t, "SampledDataCtrlr", "TxStartedMeasurands");
      const token = t.config.idTokens.valid;
      // Part 6: TxStartPoint contains Authorized (and/or ParkingBayOccupancy): the transaction starts before the plug-in.
      await withSettings(t, [["TxCtrlr", "TxStartPoint", "Authorized"]], async () => {
        const since = t.mark();
        let transactionId = "";
        await t.state("Authorized", async () => {
          // The idToken at the station's own reader (evseId 0): the EVSE is not known until the EV is plugged in.
          await t.act("Manual Action", PhysicalAction.PresentIdToken, `Present idToken (${token.idToken}) at the station, no EVSE chosen`, {
            evseId: 0,
            idToken: token,
          });
          await expectAuthorize(t, 1, token, since);
          const started = await t.expectCall(3, "TransactionEvent", {
            since,
            where: (p) => p.eventType === "Started",
            describe: "eventType Started",
          });
          transactionId = String(field(started.payload, "transactionInfo.transactionId"));
          t.expect(3, "TransactionEventRequest triggerReason", started.payload.triggerReason, "Authorized");
          t.expect(3, "TransactionEventRequest evse (the EVSE is not known yet)", started.payload.evse, undefined);
        });
        const pluggedIn = t.mark();
        let updated: StationCall | undefined;
        await t.state("EVConnectedPreSession", async () => {
          await plugIn(t, 1, t.evseId);
          updated = await t.expectCall(3, "TransactionEvent", {
            since: pluggedIn,
            where: (p) => field(p, "transactionInfo.transactionId") === transactionId && field(p, "evse.id") !== undefined,
            describe: "the EVSE known",
          });
          t.expect(3, "TransactionEventRequest eventType", updated.payload.eventType, "Updated");
          t.expect(3, "TransactionEventRequest evse.id", field(updated.payload, "evse.id"), t.evseId);
        });
        await t.state("EnergyTransferStarted", async () => {
          await expectCharging(t, 9, pluggedIn);
        });
        // Post scenario validations: the Updated event of EVConnectedPreSession carries the start reading.
        const values = (updated?.payload.meterValue as MeterValue[] | undefined) ?? [];
        expectValues(t, "post", "TransactionEventRequest (Updated)", values, "Transaction.Begin", measurands);
        await stopCharging(t, transactionId);
      });
    },
  }),
  csCase({
    id: "TC_J_09_CS",
    name: "Sampled Meter Values - EventType Updated",
    useCases: ["J02"],
    async run(t) {
      const measurands = await measurandsOf(t, "SampledDataCtrlr", "TxUpdatedMeasurands");
      const intervalS = t.config.sampledIntervalS;
      await withSettings(t, [["SampledDataCtrlr", "TxUpdatedInterval", String(intervalS)]], async () => {
        const transactionId = await startCharging(t, t.config.idTokens.valid);
        const timestamps: (string | undefined)[] = [];
        let from = t.mark();
        const until = performance.now() + t.config.transactionDurationS * 1000;
        // Until the <Configured transaction duration>, and at least two samples for the interval.
        for (let n = 0; n < 2 || performance.now() < until; n++) {
          const call = await t.expectCall(1, "TransactionEvent", {
            since: from,
            where: (p) =>
              field(p, "transactionInfo.transactionId") === transactionId &&
              !["Trigger", "MeterValueClock"].includes(String(p.triggerReason)),
            describe: "a periodic sample",
            timeoutS: 2 * intervalS + t.config.actionTimeoutS,
          });
          from = call.index + 1;
          t.expect(1, "TransactionEventRequest triggerReason", call.payload.triggerReason, "MeterValuePeriodic");
          const values = (call.payload.meterValue as MeterValue[] | undefined) ?? [];
          expectValues(t, 1, "TransactionEventRequest", values, "Sample.Periodic", measurands);
          timestamps.push(...values.map((v) => v.timestamp));
        }
        expectIntervals(t, "post", "TransactionEventRequest", timestamps, intervalS);
        await stopCharging(t, transactionId);
      });
    },
  }),
  txEndedCase("TC_J_10_CS", "Sampled Meter Values - EventType Ended", "SampledDataCtrlr"),
  txEndedCase("TC_J_11_CS", "Sampled Meter Values - Signed", "SampledDataCtrlr", true),
];
