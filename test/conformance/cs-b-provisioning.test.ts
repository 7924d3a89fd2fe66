import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { networkProfileCsCases } from "../../src/conformance/cs/b-network-profiles.js";
import { resetTransactionCsCases } from "../../src/conformance/cs/b-reset-transactions.js";
import { allFeatures, Feature } from "../../src/conformance/index.js";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

/**
 * The network profile and reconnection cases need a reconnecting link: cs-b-network-profiles.test.ts runs
 * them; cs-b-reset-transactions.test.ts runs the resets during a transaction.
 */
const cases = csCasesOf("B").filter((kase) => !networkProfileCsCases.includes(kase) && !resetTransactionCsCases.includes(kase));
const getVariablesWith = (result: Record<string, unknown>) => ({
  getVariableResult: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, ...result }],
});

/** One fault per case: missing follow-up, wrong status, wrong order, invalid payload. */
const faults: Record<string, FaultCase> = {
  TC_B_01_CS: { fault: (c) => onSend(c, (a, b) => (a === "SecurityEventNotification" ? undefined : b)), step: "Booted 7" },
  TC_B_02_CS: { fault: (_c, p) => p.route("RequestStartTransaction", () => ({ status: "Accepted" })), step: "12" },
  TC_B_03_CS: {
    // Wrong order: a StatusNotification while Rejected.
    fault: (c) => {
      const send = c.send.bind(c);
      c.send = async (action, body) => {
        const response = await send(action, body);
        if (action === "BootNotification" && response.status === "Rejected")
          await send("StatusNotification", {
            timestamp: new Date().toISOString(),
            connectorStatus: "Available",
            evseId: 1,
            connectorId: 1,
          });
        return response;
      };
    },
    step: "3",
  },
  TC_B_30_CS: { fault: (_c, p) => p.route("GetBaseReport", () => ({ status: "Accepted" })), step: "3" },
  TC_B_06_CS: {
    fault: (_c, p) =>
      p.route("GetVariables", () => getVariablesWith({ attributeStatus: "Accepted", attributeType: "Actual", attributeValue: "301" })),
    step: "2",
  },
  // Invalid payload: attributeStatus missing.
  TC_B_07_CS: {
    fault: (_c, p) => p.route("GetVariables", () => getVariablesWith({ attributeValue: "300" }), { skipSchemaValidation: true }),
    step: "1",
  },
  TC_B_32_CS: { fault: (_c, p) => p.route("GetVariables", () => getVariablesWith({ attributeStatus: "Accepted" })), step: "2" },
  TC_B_33_CS: { fault: (_c, p) => p.route("GetVariables", () => getVariablesWith({ attributeStatus: "UnknownComponent" })), step: "2" },
  TC_B_34_CS: { fault: (_c, p) => p.route("GetVariables", () => getVariablesWith({ attributeStatus: "Accepted" })), step: "2" },
  TC_B_08_CS: { fault: (_c, p) => p.routeAfter("GetBaseReport", () => {}), step: "3" },
  TC_B_09_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [{ attributeStatus: "Rejected", component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }],
      })),
    step: "2",
  },
  TC_B_10_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [{ attributeStatus: "Accepted", component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }],
      })),
    step: "2",
  },
  TC_B_35_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [
          { attributeStatus: "Accepted", component: { name: "UnknownComponent" }, variable: { name: "OfflineThreshold" } },
        ],
      })),
    step: "2",
  },
  TC_B_36_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [{ attributeStatus: "Rejected", component: { name: "OCPPCommCtrlr" }, variable: { name: "UnknownVariable" } }],
      })),
    step: "2",
  },
  TC_B_37_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [
          {
            attributeStatus: "Accepted",
            attributeType: "Target",
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "OfflineThreshold" },
          },
        ],
      })),
    step: "2",
  },
  TC_B_11_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", (r: { setVariableData: { component: unknown; variable: unknown }[] }) => ({
        setVariableResult: r.setVariableData.map((d) => ({
          attributeStatus: "Rejected",
          attributeStatusInfo: { reasonCode: "Broken" },
          component: d.component,
          variable: d.variable,
        })),
      })),
    step: "2",
  },
  TC_B_39_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", () => ({
        setVariableResult: [
          { attributeStatus: "Accepted", component: { name: "OCPPCommCtrlr" }, variable: { name: "MessageTimeout", instance: "Default" } },
        ],
      })),
    step: "2",
  },
  TC_B_12_CS: { fault: (_c, p) => p.routeAfter("GetBaseReport", () => {}), step: "3" },
  TC_B_13_CS: { fault: (_c, p) => p.route("GetBaseReport", () => ({ status: "Rejected" })), step: "2" },
  TC_B_15_CS: { fault: () => {}, step: "2", config: { features: allFeatures.filter((f) => f !== Feature.SummaryInventory) } },
  // A required variable left out of the FullInventory.
  TC_B_53_CS: {
    fault: (c) =>
      onSend(c, (a, b) =>
        a === "NotifyReport"
          ? {
              ...b,
              reportData: ((b.reportData as { variable: { name: string } }[]) ?? []).filter((d) => d.variable.name !== "ResetRetries"),
            }
          : b,
      ),
    step: "post",
  },
  TC_B_20_CS: { fault: (c) => onSend(c, (a, b) => (a === "StatusNotification" && b.evseId === 2 ? undefined : b)), step: "5" },
  // After the reset the connector forgets it was made Unavailable.
  TC_B_23_CS: {
    fault: (c) => {
      let rebooted = false;
      onSend(c, (a, b) => {
        if (a === "BootNotification" && b.reason === "RemoteReset") rebooted = true;
        return a === "StatusNotification" && rebooted ? { ...b, connectorStatus: "Available" } : b;
      });
    },
    step: "5",
  },
  TC_B_25_CS: { fault: (_c, p) => p.route("Reset", () => ({ status: "Rejected" })), step: "2" },
  TC_B_28_CS: { fault: () => {}, step: "2", config: { features: allFeatures.filter((f) => f !== Feature.ResetEvse) } },
  TC_B_43_CS: { fault: (_c, p) => p.route("SetNetworkProfile", () => ({ status: "Accepted" })), step: "2" },
};

describe("conformance cs, block B (Provisioning)", () => {
  it("every TC_B_*_CS case in scope passes against the simulated charger, driven through its control endpoint", async () => {
    const results = await runAgainstSimulator(cases, csConfig());
    const notPassed = results.filter((r) => r.outcome !== "pass" && r.outcome !== "not applicable");
    assert.deepEqual(notPassed, []);
    const skipped = results.filter((r) => r.outcome === "not applicable").map((r) => r.id);
    // The simulator supports the SummaryInventory report and resetting one EVSE: the cases for a station without them do not apply.
    assert.deepEqual(skipped.sort(), ["TC_B_15_CS", "TC_B_28_CS"]);
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});
