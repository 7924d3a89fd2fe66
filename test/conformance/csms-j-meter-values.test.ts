import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_J_*_CSMS case passes against ocppkit serve", () => passesAgainstServe("J"));

const te = "TransactionEvent";
const faults: Record<string, FaultCase> = {
  TC_J_01_CSMS: { fault: { silent: "MeterValues", nth: 5 }, step: "1" },
  TC_J_02_CSMS: { fault: { callError: te, nth: 4 }, step: "3" },
  TC_J_03_CSMS: { fault: { silent: te, nth: 6 }, step: "1 EVDisconnected 3" },
  TC_J_04_CSMS: { fault: { answer: te, nth: 6, with: { totalCost: "free" } }, step: "1 EVDisconnected 3" },
  TC_J_07_CSMS: { fault: { silent: te, nth: 1 }, step: "1 EVConnectedPreSession 3" },
  TC_J_08_CSMS: { fault: { callError: te, nth: 2 }, step: "2 EVConnectedPreSession 3" },
  TC_J_09_CSMS: { fault: { silent: te, nth: 6 }, step: "1" },
  TC_J_10_CSMS: { fault: { callError: te, nth: 6 }, step: "1 EVDisconnected 3" },
  TC_J_11_CSMS: { fault: { silent: "NotifyEvent", nth: 4 }, step: "1 EVDisconnected 1" },
};

test("every TC_J_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("J", faults));
