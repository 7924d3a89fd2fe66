import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_P_*_CSMS case passes against ocppkit serve", () => passesAgainstServe("P"));

const faults: Record<string, FaultCase> = {
  TC_P_02_CSMS: { fault: { answer: "DataTransfer", with: { status: "Accepted" } }, step: "2" },
  TC_P_03_CSMS: { fault: { callError: "StatusNotification", nth: 3 }, step: "1" },
};

test("every TC_P_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("P", faults));
