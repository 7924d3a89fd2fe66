import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_E_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("E"));

const te = "TransactionEvent";
// `nth` counts TransactionEvents of the case: Authorized sends the 1st, EnergyTransferStarted the 2nd and 3rd, ...
const faults: Record<string, FaultCase> = {
  TC_E_01_CSMS: { fault: { answer: "Authorize", with: { idTokenInfo: { status: "Blocked" } } }, step: "2" },
  TC_E_02_CSMS: { fault: { answer: te, nth: 1, with: { idTokenInfo: { status: "Invalid" } } }, step: "6" },
  TC_E_03_CSMS: { fault: { silent: te, nth: 3 }, step: "EnergyTransferStarted 5" },
  TC_E_04_CSMS: { fault: { answer: "Authorize", with: { idTokenInfo: { status: "Invalid" } } }, step: "Authorized 2" },
  TC_E_39_CSMS: { fault: { callError: te, nth: 2 }, step: "1" },
  TC_E_14_CSMS: { fault: { silent: te, nth: 6 }, step: "EVDisconnected 3" },
  TC_E_20_CSMS: { fault: { answer: "StatusNotification", nth: 4, with: { unexpected: 1 } }, step: "EVDisconnected 1" },
  TC_E_15_CSMS: { fault: { answer: te, nth: 4, with: { idTokenInfo: { status: "Bogus" } } }, step: "1" },
  TC_E_21_CSMS: { fault: { trigger: { transactionId: "not-the-transaction" } }, step: "1" },
  TC_E_09_CSMS: { fault: { silent: te, nth: 1 }, step: "3" },
  TC_E_10_CSMS: { fault: { answer: te, nth: 1, with: { idTokenInfo: { status: "Blocked" } } }, step: "4" },
  TC_E_11_CSMS: { fault: { answer: te, nth: 1, with: { idTokenInfo: { status: "Invalid" } } }, step: "6" },
  TC_E_12_CSMS: { fault: { callError: te, nth: 1 }, step: "1" },
  TC_E_38_CSMS: { fault: { silent: te, nth: 3 }, step: "2" },
  TC_E_07_CSMS: { fault: { callError: te, nth: 4 }, step: "1" },
  TC_E_08_CSMS: { fault: { silent: te, nth: 5 }, step: "1" },
  TC_E_16_CSMS: { fault: { answer: te, nth: 1, with: { idTokenInfo: { status: "Accepted" } } }, step: "2" },
  TC_E_17_CSMS: { fault: { callError: te, nth: 5 }, step: "1" },
  TC_E_22_CSMS: { fault: { silent: te, nth: 4 }, step: "1" },
  TC_E_19_CSMS: { fault: { silent: te, nth: 7 }, step: "1" },
  TC_E_26_CSMS: { fault: { silent: te, nth: 7 }, step: "7" },
  TC_E_29_CSMS: { fault: { trigger: { transactionId: "not-the-transaction" } }, step: "3" },
  TC_E_30_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_E_31_CSMS: { fault: { trigger: { transactionId: "not-the-transaction" } }, step: "5" },
  TC_E_33_CSMS: { fault: { trigger: { transactionId: "a-transaction" } }, step: "3" },
  TC_E_34_CSMS: { fault: { trigger: { transactionId: "a-transaction" } }, step: "1" },
  TC_E_53_CSMS: { fault: { callError: te, nth: 7 }, step: "3 Authorized 3" },
};

test("every TC_E_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("E", faults));
