/** Part 6 section 3.11, J MeterValues: TC_J_*_CSMS (Tables 348-356). */
import { type CsmsCase, Feature } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import { authorized, energyTransferStarted, evConnectedPreSession, evDisconnected } from "../states.js";
import { csmsCase } from "./define.js";

type Body = Record<string, unknown>;

/** J01 step 1 for evseId 0 (the main meter) and the given EVSEs: MeterValues with Sample.Clock and the FiscalMetering NotifyEvent. */
async function clockAligned(t: CsmsTest, step: number, evses: number[]): Promise<void> {
  for (const evseId of [0, ...evses]) {
    await t.send(step, "MeterValues", { evseId, meterValue: [t.meterValue(1000, "Sample.Clock")] });
  }
  await t.send(step, "NotifyEvent", {
    generatedAt: t.now(),
    seqNo: 0,
    tbc: false,
    eventData: [
      {
        eventId: 1,
        timestamp: t.now(),
        trigger: "Periodic",
        actualValue: "1000",
        eventNotificationType: "HardWiredMonitor",
        component: { name: "FiscalMetering" },
        variable: { name: "EnergyImport" },
      },
    ],
  });
}

const allEvses = (t: CsmsTest) => Array.from({ length: t.config.evses }, (_, i) => i + 1);

/** J01/J02 tx ended: the Ended TransactionEvent carries the `context` readings and the last one is Transaction.End. */
const endedCase = (id: string, name: string, useCase: string, context: string, signed: boolean): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: [useCase],
    features: signed ? [Feature.J, Feature.SignedMeterValues] : undefined,
    async run(t) {
      await energyTransferStarted(t);
      await t.wait(t.config.transactionDurationS);
      const sign = (wh: number): Body => (signed ? { signedMeterValue: t.signedMeterValue(wh) } : {});
      const meterValue = [t.meterValue(1200, context, sign(1200)), t.meterValue(1500, "Transaction.End", sign(1500))];
      await t.state("1", () => evDisconnected(t, { meterValue }));
    },
  });

export const meterValueCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_J_01_CSMS",
    name: "Clock-aligned Meter Values - No transaction ongoing",
    useCases: ["J01"],
    async run(t) {
      // Three rounds, one every <Configured clock-aligned Meter Values interval>.
      for (let round = 0; round < 3; round++) {
        if (round) await t.wait(t.config.clockAlignedIntervalS);
        await clockAligned(t, 1, allEvses(t));
      }
    },
  }),
  csmsCase({
    id: "TC_J_02_CSMS",
    name: "Clock-aligned Meter Values - Transaction ongoing",
    useCases: ["J01"],
    async run(t) {
      await energyTransferStarted(t);
      const idle = allEvses(t).filter((evseId) => evseId !== t.config.evseId);
      const rounds = Math.max(1, Math.floor(t.config.transactionDurationS / Math.max(t.config.clockAlignedIntervalS, 0.001)));
      for (let round = 0; round < rounds; round++) {
        if (round) await t.wait(t.config.clockAlignedIntervalS);
        await clockAligned(t, 1, idle);
        await t.transactionEvent(3, {
          eventType: "Updated",
          triggerReason: "MeterValueClock",
          meterValue: [t.meterValue(1000 + round, "Sample.Clock")],
        });
      }
    },
  }),
  endedCase("TC_J_03_CSMS", "Clock-aligned Meter Values - EventType Ended", "J01", "Sample.Clock", false),
  endedCase("TC_J_04_CSMS", "Clock-aligned Meter Values - Signed", "J01", "Sample.Clock", true),
  csmsCase({
    id: "TC_J_07_CSMS",
    name: "Sampled Meter Values - EventType Started - EVSE known",
    useCases: ["J02"],
    run: (t) => t.state("1", () => evConnectedPreSession(t, { meterValue: [t.meterValue(0, "Transaction.Begin")] })),
  }),
  csmsCase({
    id: "TC_J_08_CSMS",
    name: "Sampled Meter Values - Context Transaction.Begin - EVSE not known",
    useCases: ["J02"],
    async run(t) {
      await t.state("1", () => authorized(t));
      await t.state("2", () => evConnectedPreSession(t, { meterValue: [t.meterValue(0, "Transaction.Begin")] }));
      await t.state("3", () => energyTransferStarted(t));
    },
  }),
  csmsCase({
    id: "TC_J_09_CSMS",
    name: "Sampled Meter Values - EventType Updated",
    useCases: ["J02"],
    async run(t) {
      await energyTransferStarted(t);
      for (let round = 0; round < 3; round++) {
        if (round) await t.wait(t.config.sampledIntervalS);
        await t.transactionEvent(1, {
          eventType: "Updated",
          triggerReason: "MeterValuePeriodic",
          meterValue: [t.meterValue(1000 + 100 * round, "Sample.Periodic")],
        });
      }
    },
  }),
  endedCase("TC_J_10_CSMS", "Sampled Meter Values - EventType Ended", "J02", "Sample.Periodic", false),
  endedCase("TC_J_11_CSMS", "Sampled Meter Values - Signed", "J02", "Sample.Periodic", true),
];
