import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_F_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("F"));

const faults: Record<string, FaultCase> = {
  TC_F_01_CSMS: { fault: { trigger: { idToken: { idToken: "INVALID-0001", type: "ISO14443" } } }, step: "1" },
  TC_F_02_CSMS: { fault: { answer: "Authorize", with: { idTokenInfo: { status: "Invalid" } } }, step: "4" },
  TC_F_03_CSMS: { fault: { trigger: { idToken: { idToken: "VALID-0001", type: "Central" } } }, step: "1" },
  TC_F_04_CSMS: { fault: { silent: "TransactionEvent", nth: 2 }, step: "5" },
  TC_F_06_CSMS: { fault: { trigger: { connectorId: 2 } }, step: "1" },
  TC_F_11_CSMS: { fault: { trigger: { evse: { id: 2 } } }, step: "1" },
  TC_F_12_CSMS: { fault: { trigger: { requestedMessage: "Heartbeat" } }, step: "1" },
  TC_F_13_CSMS: { fault: { silent: "TransactionEvent", nth: 4 }, step: "3" },
  TC_F_14_CSMS: { fault: { trigger: { requestedMessage: "MeterValues" } }, step: "1" },
  TC_F_15_CSMS: { fault: { callError: "LogStatusNotification" }, step: "3" },
  TC_F_18_CSMS: { fault: { answer: "FirmwareStatusNotification", with: { bogus: true } }, step: "3" },
  TC_F_20_CSMS: { fault: { silent: "Heartbeat" }, step: "3" },
  TC_F_23_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_F_24_CSMS: { fault: { silent: "StatusNotification", nth: 4 }, step: "5" },
  TC_F_27_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
};

test("every TC_F_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("F", faults));
