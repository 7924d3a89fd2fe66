import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_B_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("B"));

const faults: Record<string, FaultCase> = {
  TC_B_01_CSMS: { fault: { answer: "BootNotification", with: { status: "Rejected" } }, step: "Booted 2" },
  TC_B_02_CSMS: { fault: { answer: "BootNotification", nth: 2, with: { status: "Pending" } }, step: "4" },
  TC_B_30_CSMS: { fault: { answer: "BootNotification", with: { status: "Accepted" } }, step: "2" },
  TC_B_31_CSMS: { fault: { ignoreTrigger: true }, step: "3" },
  TC_B_06_CSMS: {
    fault: { trigger: { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }] } },
    step: "1",
  },
  TC_B_07_CSMS: {
    fault: { trigger: { getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" } }] } },
    step: "1",
  },
  TC_B_09_CSMS: {
    fault: {
      trigger: {
        setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: "124" }],
      },
    },
    step: "1",
  },
  TC_B_10_CSMS: {
    fault: {
      trigger: { setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "OfflineThreshold" }, attributeValue: 123 }] },
    },
    step: "1",
  },
  TC_B_12_CSMS: { fault: { silent: "NotifyReport" }, step: "2" },
  TC_B_13_CSMS: { fault: { trigger: { reportBase: "SummaryInventory" } }, step: "1" },
  TC_B_20_CSMS: { fault: { answer: "BootNotification", nth: 2, with: { status: "Rejected" } }, step: "4" },
  TC_B_21_CSMS: { fault: { trigger: { type: "Immediate" } }, step: "1" },
  TC_B_22_CSMS: { fault: { callError: "TransactionEvent", nth: 4 }, step: "3" },
  TC_B_25_CSMS: { fault: { trigger: { evseId: 2 } }, step: "1" },
  TC_B_26_CSMS: { fault: { answer: "TransactionEvent", nth: 1, with: { idTokenInfo: { status: "Blocked" } } }, step: "Authorized 4" },
  TC_B_27_CSMS: { fault: { silent: "TransactionEvent", nth: 4 }, step: "3" },
  TC_B_42_CSMS: { fault: { trigger: { configurationSlot: 2 } }, step: "1" },
  TC_B_44_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
};

test("every TC_B_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("B", faults));
