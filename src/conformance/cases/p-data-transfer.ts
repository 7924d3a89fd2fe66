/** Part 6 section 3.17, P DataTransfer: TC_P_*_CSMS (Tables 388-389). */
import type { CsmsCase } from "../case.js";
import { csmsCase } from "./define.js";

export const dataTransferCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_P_02_CSMS",
    name: "Data Transfer to the CSMS - Rejected / Unknown VendorId / Unknown MessageId",
    useCases: ["P02"],
    async run(t) {
      const { vendorId, messageId } = t.config.dataTransfer;
      const response = await t.send(1, "DataTransfer", { vendorId, messageId, data: "ocppkit conformance" });
      t.expectOneOf(2, "DataTransferResponse status", response.status, ["UnknownVendorId", "UnknownMessageId", "Rejected"]);
    },
  }),
  csmsCase({
    id: "TC_P_03_CSMS",
    name: "CustomData - Receive custom data",
    useCases: [],
    async run(t) {
      const customData = { vendorId: t.config.dataTransfer.vendorId, note: "ocppkit conformance custom data" };
      await t.send(1, "StatusNotification", {
        timestamp: t.now(),
        connectorStatus: "Occupied",
        evseId: t.config.evseId,
        connectorId: t.config.connectorId,
        customData,
      });
      await t.transactionEvent(3, { eventType: "Started", triggerReason: "CablePluggedIn", chargingState: "EVConnected", customData });
    },
  }),
];
