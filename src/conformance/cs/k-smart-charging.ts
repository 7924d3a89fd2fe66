/** Block K, SmartCharging (part 6 section 2.12): TC_K_38, the one TC_K_*_CS case, for a station without smart charging. */
import { type CsCase, Feature } from "../case.js";
import { expectCharging, stopCharging } from "./charging.js";
import { csCase, evConnectedPreSession, field, requestId } from "./states.js";

export const smartChargingCsCases: CsCase[] = [
  csCase({
    id: "TC_K_38_CS",
    name: "Remote start transaction with charging profile - Ignore chargingProfile",
    useCases: ["F01"],
    // For a station that does not support Smart Charging: the chargingProfile is ignored, the start is not.
    features: [Feature.F],
    withoutFeatures: [Feature.K],
    async run(t) {
      const valid = t.config.idTokens.valid;
      await evConnectedPreSession(t);
      const remoteStartId = requestId();
      const since = t.mark();
      const response = await t.send(1, "RequestStartTransaction", {
        idToken: valid,
        evseId: t.evseId,
        remoteStartId,
        chargingProfile: {
          id: requestId(),
          stackLevel: 0,
          chargingProfilePurpose: "TxProfile",
          chargingProfileKind: "Relative",
          chargingSchedule: [{ id: 1, chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 6000, numberPhases: 3 }] }],
        },
      });
      t.expect(2, "RequestStartTransactionResponse status", response.status, "Accepted");
      const event = await t.expectCall(5, "TransactionEvent", {
        since,
        where: (p) => p.idToken !== undefined,
        describe: "with the idToken",
      });
      t.expect(5, "TransactionEventRequest triggerReason", event.payload.triggerReason, "RemoteStart");
      t.expect(
        5,
        "TransactionEventRequest transactionInfo.remoteStartId",
        field(event.payload, "transactionInfo.remoteStartId"),
        remoteStartId,
      );
      const transactionId = await expectCharging(t, 7, since);
      await stopCharging(t, transactionId);
    },
  }),
];
