import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_G_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("G"));

const faults: Record<string, FaultCase> = {
  TC_G_03_CSMS: { fault: { trigger: { operationalStatus: "Operative" } }, step: "Unavailable 1" },
  TC_G_04_CSMS: { fault: { trigger: { evse: { id: 1, connectorId: 1 } }, nth: 2 }, step: "1" },
  TC_G_05_CSMS: { fault: { trigger: { evse: { id: 1 } } }, step: "1" },
  TC_G_06_CSMS: { fault: { ignoreTrigger: true, nth: 2 }, step: "1" },
  TC_G_07_CSMS: { fault: { trigger: { evse: { id: 1 } } }, step: "1" },
  TC_G_08_CSMS: { fault: { silent: "StatusNotification", nth: 4 }, step: "3" },
  TC_G_11_CSMS: { fault: { trigger: { operationalStatus: "Operative" } }, step: "1" },
  TC_G_14_CSMS: { fault: { silent: "StatusNotification", nth: 4 }, step: "3" },
  TC_G_17_CSMS: { fault: { callError: "StatusNotification", nth: 5 }, step: "6" },
  TC_G_20_CSMS: { fault: { callError: "NotifyEvent", nth: 3 }, step: "1" },
};

test("every TC_G_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("G", faults));
