import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_N_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("N"));

const faults: Record<string, FaultCase> = {
  TC_N_25_CSMS: { fault: { trigger: { logType: "SecurityLog" } }, step: "1" },
  TC_N_27_CSMS: { fault: { trigger: { report: false } }, step: "1" },
  TC_N_28_CSMS: { fault: { silent: "NotifyCustomerInformation" }, step: "3" },
  TC_N_29_CSMS: { fault: { trigger: { idToken: { idToken: "SOMEONE-ELSE", type: "ISO14443" } } }, step: "1" },
  TC_N_30_CSMS: { fault: { trigger: { clear: false } }, step: "1" },
  TC_N_31_CSMS: { fault: { callError: "NotifyCustomerInformation" }, step: "3" },
  TC_N_32_CSMS: { fault: { trigger: { report: true } }, step: "1" },
  TC_N_62_CSMS: { fault: { trigger: { customerIdentifier: "SomeoneElse" } }, step: "1" },
  TC_N_34_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_N_35_CSMS: { fault: { silent: "LogStatusNotification", nth: 2 }, step: "5" },
  TC_N_36_CSMS: { fault: { trigger: { requestId: 1 }, nth: 2 }, step: "5" },
};

test("every TC_N_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("N", faults));
