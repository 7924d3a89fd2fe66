import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidPayloadError, PropertyConstraintViolationError } from "ocppkit";
import { type ChargingProfile, call, callResult } from "ocppkit/v16";
import { connectedPair, rawPeerWith } from "../support/peers.js";

const profileWithLimits = (limits: readonly number[], minChargingRate?: number): ChargingProfile => ({
  chargingProfileId: 1,
  stackLevel: 0,
  chargingProfilePurpose: "ChargePointMaxProfile",
  chargingProfileKind: "Absolute",
  chargingSchedule: {
    startSchedule: "2026-11-24T00:00:00Z",
    chargingRateUnit: "A",
    chargingSchedulePeriod: limits.map((limit, index) => ({ startPeriod: index * 600, limit })),
    minChargingRate,
  },
});

test("multipleOf 0.1 fields accept 21.4, 15.2, 0.3 and integers, sent and received", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair(t);
  const received: number[] = [];
  chargePoint.route("SetChargingProfile", (request: { csChargingProfiles: ChargingProfile }) => {
    for (const period of request.csChargingProfiles.chargingSchedule.chargingSchedulePeriod) received.push(period.limit);
    return { status: "Accepted" };
  });
  const limits = [21.4, 15.2, 0.3, 32, 0, 7.7, 1234.5];
  const result = await centralSystem.call(
    new call.SetChargingProfile({ connectorId: 0, csChargingProfiles: profileWithLimits(limits, 6.1) }),
    {
      suppress: false,
    },
  );
  assert.ok(result instanceof callResult.SetChargingProfile);
  assert.equal(result.status, "Accepted");
  assert.deepEqual(received, limits);
});

test("multipleOf 0.1 fields in a response (GetCompositeSchedule) accept decimals too", async (t) => {
  const { chargePoint, centralSystem } = await connectedPair(t);
  chargePoint.route("GetCompositeSchedule", () => ({
    status: "Accepted",
    connectorId: 1,
    chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 15.2 }], minChargingRate: 0.3 },
  }));
  const result = await centralSystem.call(new call.GetCompositeSchedule({ connectorId: 1, duration: 600 }), { suppress: false });
  assert.equal(result.chargingSchedule?.chargingSchedulePeriod[0].limit, 15.2);
});

test("a value that is not a multiple of 0.1 is refused: InvalidPayloadError out, PropertyConstraintViolation in", async (t) => {
  const { chargePoint, raw } = await rawPeerWith(t);
  await assert.rejects(
    chargePoint.call(new call.SetChargingProfile({ connectorId: 0, csChargingProfiles: profileWithLimits([21.45]) })),
    (error: unknown) => error instanceof InvalidPayloadError && error.cause instanceof PropertyConstraintViolationError,
  );
  chargePoint.route("SetChargingProfile", () => ({ status: "Accepted" }));
  const { answer } = await raw.roundTrip([
    2,
    "too-precise",
    "SetChargingProfile",
    { connectorId: 0, csChargingProfiles: profileWithLimits([0.35]) },
  ]);
  assert.deepEqual(answer.slice(0, 3), [4, "too-precise", "PropertyConstraintViolation"]);
});
