import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_C_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("C"));

const accepted = { idTokenInfo: { status: "Accepted" } };
const faults: Record<string, FaultCase> = {
  TC_C_02_CSMS: { fault: { answer: "Authorize", with: accepted }, step: "2" },
  TC_C_06_CSMS: { fault: { answer: "Authorize", with: accepted }, step: "2" },
  TC_C_07_CSMS: { fault: { answer: "Authorize", with: accepted }, step: "2" },
  TC_C_08_CSMS: { fault: { answer: "TransactionEvent", nth: 2, with: { idTokenInfo: { status: "Invalid" } } }, step: "2" },
  TC_C_20_CSMS: { fault: { answer: "TransactionEvent", nth: 2, with: accepted }, step: "2" },
  TC_C_37_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_C_38_CSMS: { fault: { trigger: { customData: 5 } }, step: "1" },
  TC_C_39_CSMS: {
    fault: {
      answer: "Authorize",
      nth: 2,
      with: { idTokenInfo: { status: "Accepted", groupIdToken: { idToken: "OTHER", type: "Central" } } },
    },
    step: "7",
  },
  TC_C_47_CSMS: { fault: { answer: "Authorize", nth: 3, with: { idTokenInfo: { status: "Invalid" } } }, step: "2" },
  TC_C_48_CSMS: {
    fault: {
      answer: "Authorize",
      nth: 3,
      with: { idTokenInfo: { status: "Accepted", groupIdToken: { idToken: "OTHER", type: "Central" } } },
    },
    step: "2",
  },
  TC_C_49_CSMS: { fault: { silent: "TransactionEvent", nth: 8 }, step: "3" },
};

test("every TC_C_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("C", faults));
