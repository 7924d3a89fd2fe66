/**
 * Block G, Availability (part 6 section 2.8): TC_G_11, 14 and 17, a change to Inoperative while a
 * transaction runs. The station answers Scheduled (G03.FR.05, G04.FR.05), idle connectors of the target
 * go Unavailable at once, and the EVSE of the transaction once the transaction has ended.
 */
import type { CsCase } from "../case.js";
import { sessionEnds, startCharging, stopAuthorized } from "./charging.js";
import {
  type AvailabilityTarget,
  availabilityRequest,
  changeAvailability,
  csCase,
  evsesOf,
  expectConnectorState,
  field,
} from "./states.js";

function duringTransaction(id: string, name: string, target: AvailabilityTarget): CsCase {
  // Part 6 numbers the station-wide case two steps further: its step 3 reports the idle EVSEs.
  const afterStop = target === "station" ? 6 : 4;
  return csCase({
    id,
    name,
    useCases: [target === "station" ? "G04" : "G03"],
    async run(t) {
      const transactionId = await startCharging(t, t.config.idTokens.valid);
      const since = t.mark();
      const response = await t.send(1, "ChangeAvailability", availabilityRequest(t, "Inoperative", target));
      t.expect(2, "ChangeAvailabilityResponse status", response.status, "Scheduled");
      for (const evse of evsesOf(t, target)) if (evse !== t.evseId) await expectConnectorState(t, 3, "Unavailable", evse, 1, since);
      await t.wait(t.config.transactionDurationS);
      const stopped = await stopAuthorized(t, transactionId);
      // TxStopPoint decides which reusable state ends the transaction; the EVSE reports Unavailable after it.
      const ended = await t.expectCall(afterStop, "TransactionEvent", {
        since: stopped,
        where: (p) => p.eventType === "Ended" && field(p, "transactionInfo.transactionId") === transactionId,
        describe: "eventType Ended",
      });
      await expectConnectorState(t, afterStop, "Unavailable", t.evseId, t.connectorId, ended.index);
      await sessionEnds(t, transactionId, stopped, t.evseId, "Unavailable");
      // Not part 6: the target is made Operative again for the next case.
      await changeAvailability(t, "Operative", target, ["after", "after"]);
    },
  });
}

export const availabilityTransactionCsCases: CsCase[] = [
  duringTransaction("TC_G_11_CS", "Change Availability EVSE - With ongoing transaction", "evse"),
  duringTransaction("TC_G_14_CS", "Change Availability Charging Station - With ongoing transaction", "station"),
  duringTransaction("TC_G_17_CS", "Change Availability Connector - With ongoing transaction", "connector"),
];
