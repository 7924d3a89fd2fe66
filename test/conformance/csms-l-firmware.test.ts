import { test } from "node:test";
import { type FaultCase, failsAgainstWrongCsms, passesAgainstServe } from "./harness.js";

test("every TC_L_*_CSMS case passes against ocppkit serve, triggered through its control endpoint", () => passesAgainstServe("L"));

const fsn = "FirmwareStatusNotification";
const past = "2020-01-01T00:00:00.000Z";
const faults: Record<string, FaultCase> = {
  TC_L_01_CSMS: {
    fault: {
      trigger: {
        firmware: {
          location: "https://elsewhere.example.com/fw.bin",
          retrieveDateTime: past,
          signingCertificate: "another",
          signature: "another",
        },
      },
    },
    step: "1",
  },
  TC_L_02_CSMS: {
    fault: { trigger: { firmware: { location: "https://fw.example.com/fw.bin", retrieveDateTime: past, installDateTime: past } } },
    step: "1",
  },
  TC_L_03_CSMS: { fault: { trigger: { firmware: { location: "https://fw.example.com/fw.bin", retrieveDateTime: past } } }, step: "1" },
  TC_L_04_CSMS: { fault: { ignoreTrigger: true }, step: "1" },
  TC_L_05_CSMS: { fault: { trigger: { requestId: "one" } }, step: "1" },
  TC_L_06_CSMS: { fault: { silent: fsn, nth: 3 }, step: "7" },
  TC_L_07_CSMS: { fault: { callError: fsn, nth: 2 }, step: "5" },
  TC_L_08_CSMS: { fault: { answer: fsn, nth: 5, with: { unexpected: 1 } }, step: "11" },
  TC_L_09_CSMS: { fault: { answer: "BootNotification", nth: 2, with: { status: "Rejected" } }, step: "14" },
  TC_L_10_CSMS: { fault: { ignoreTrigger: true, nth: 2 }, step: "5" },
  TC_L_11_CSMS: { fault: { trigger: { requestId: 1 }, nth: 2 }, step: "5" },
  TC_L_13_CSMS: { fault: { silent: fsn, nth: 1 }, step: "3" },
};

test("every TC_L_*_CSMS case fails against a wrong CSMS, at the step that catches the fault", () => failsAgainstWrongCsms("L", faults));
