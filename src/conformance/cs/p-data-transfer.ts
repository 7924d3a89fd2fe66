/** Block P, DataTransfer (part 6 section 2.17): the TC_P_*_CS cases. */
import { csCase, field } from "./states.js";

const vendorId = "org.openchargealliance.octt";
const offlineThreshold = { component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } };

export const dataTransferCsCases = [
  csCase({
    id: "TC_P_01_CS",
    name: "Data Transfer to the Charging Station - Rejected / Unknown VendorId / Unknown MessageId",
    useCases: ["P01"],
    async run(t) {
      const response = await t.send(1, "DataTransfer", { vendorId, messageId: "ocppkit-unused-message" });
      t.expectOneOf(2, "DataTransferResponse status", response.status, ["UnknownVendorId", "UnknownMessageId", "Rejected"]);
    },
  }),
  csCase({
    id: "TC_P_03_CS",
    name: "CustomData - Receive custom data",
    useCases: ["P01"],
    async run(t) {
      // The requests carry customData (every 2.0.1 message may): the station must accept them as usual.
      const customData = { vendorId, note: "custom data the station may ignore" };
      const set = await t.send(1, "SetVariables", {
        customData,
        setVariableData: [{ ...offlineThreshold, attributeValue: "200", attributeType: "Actual", customData }],
      });
      t.expect(
        2,
        "SetVariablesResponse setVariableResult[0].attributeStatus",
        field(set, "setVariableResult.0.attributeStatus"),
        "Accepted",
      );
      const get = await t.send(3, "GetVariables", {
        customData,
        getVariableData: [{ ...offlineThreshold, attributeType: "Actual", customData }],
      });
      t.expect(
        4,
        "GetVariablesResponse getVariableResult[0].attributeStatus",
        field(get, "getVariableResult.0.attributeStatus"),
        "Accepted",
      );
      t.expectOneOf(4, "GetVariablesResponse getVariableResult[0].attributeType", field(get, "getVariableResult.0.attributeType"), [
        "Actual",
        undefined,
      ]);
      t.expect(4, "GetVariablesResponse getVariableResult[0].attributeValue", field(get, "getVariableResult.0.attributeValue"), "200");
      // Not part 6: OfflineThreshold back to the 300 other cases expect.
      await t.send("after", "SetVariables", { setVariableData: [{ ...offlineThreshold, attributeValue: "300" }] });
    },
  }),
];
