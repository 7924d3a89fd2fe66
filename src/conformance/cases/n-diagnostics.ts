/** Part 6 section 3.15, N Diagnostics: TC_N_*_CSMS (Tables 377-387). */
import { type CsmsCase, Feature } from "../case.js";
import type { CsmsTest } from "../csms-test.js";
import { csmsCase, expectFields } from "./define.js";

type Body = Record<string, unknown>;

/** N01 step `step`: the CSMS sends GetLog for `logType`; the OCTT answers `status`. Returns the requestId. */
async function getLog(t: CsmsTest, step: number, logType: string, status: string, requestId = 1): Promise<number> {
  const get = await t.receive(step, "GetLog", {
    instruction: `Request the CSMS to retrieve the ${logType} of the Charging Station`,
    payload: { logType, requestId, log: { remoteLocation: t.config.logRemoteLocation } },
  });
  if (status !== "Rejected") t.expect(step, "GetLogRequest logType", get.payload.logType, logType);
  await get.reply(step + 1, { status, ...(status === "Rejected" ? {} : { filename: `${logType}.log` }) });
  return get.payload.requestId as number;
}

const logStatus = (t: CsmsTest, step: number, status: string, requestId: number) =>
  t.send(step, "LogStatusNotification", { status, requestId });

const logCase = (id: string, name: string, logType: string): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: ["N01"],
    async run(t) {
      const requestId = await getLog(t, 1, logType, "Accepted");
      await logStatus(t, 3, "Uploading", requestId);
      await logStatus(t, 5, "Uploaded", requestId);
    },
  });

/**
 * N09 / N10: the CSMS sends CustomerInformation for the valid idToken (or `customerIdentifier`); the OCTT
 * answers `status` and, when it reports, sends NotifyCustomerInformation (with or without data).
 */
const customerCase = (
  id: string,
  name: string,
  request: { report: boolean; clear: boolean; customerIdentifier?: string },
  answer: { status: "Accepted" | "Rejected"; data?: string },
): CsmsCase =>
  csmsCase({
    id,
    name,
    useCases: [request.clear ? "N10" : "N09"],
    features: [Feature.N, Feature.CustomerInformation],
    async run(t) {
      const { valid } = t.config.idTokens;
      const customer: Body = request.customerIdentifier ? { customerIdentifier: request.customerIdentifier } : { idToken: valid };
      const get = await t.receive(1, "CustomerInformation", {
        instruction: `Request the CSMS to ${request.clear ? "clear" : "get"} the customer information of ${request.customerIdentifier ?? valid.idToken}${request.clear && request.report ? " and report it" : ""}`,
        payload: { requestId: 1, report: request.report, clear: request.clear, ...customer },
      });
      const expected: Body = { report: request.report, ...(request.clear ? { clear: true } : {}) };
      if (request.customerIdentifier) expected.customerIdentifier = request.customerIdentifier;
      else Object.assign(expected, { "idToken.idToken": valid.idToken, "idToken.type": valid.type });
      expectFields(t, 1, "CustomerInformationRequest", get.payload, expected);
      await get.reply(2, { status: answer.status });
      if (answer.data === undefined) return;
      await t.send(3, "NotifyCustomerInformation", {
        data: answer.data,
        seqNo: 0,
        generatedAt: t.now(),
        requestId: get.payload.requestId as number,
      });
    },
  });

export const diagnosticsCases: readonly CsmsCase[] = [
  logCase("TC_N_25_CSMS", "Retrieve Log Information - Diagnostics Log - Success", "DiagnosticsLog"),
  customerCase(
    "TC_N_27_CSMS",
    "Get Customer Information - Accepted + data",
    { report: true, clear: false },
    { status: "Accepted", data: "idToken used in 3 transactions" },
  ),
  customerCase(
    "TC_N_28_CSMS",
    "Get Customer Information - Accepted + no data",
    { report: true, clear: false },
    { status: "Accepted", data: "" },
  ),
  customerCase("TC_N_29_CSMS", "Get Customer Information - Not Accepted", { report: true, clear: false }, { status: "Rejected" }),
  customerCase(
    "TC_N_30_CSMS",
    "Clear Customer Information - Clear and report + data",
    { report: true, clear: true },
    { status: "Accepted", data: "cleared: idToken used in 3 transactions" },
  ),
  customerCase(
    "TC_N_31_CSMS",
    "Clear Customer Information - Clear and report + no data",
    { report: true, clear: true },
    { status: "Accepted", data: "" },
  ),
  customerCase("TC_N_32_CSMS", "Clear Customer Information - Clear and no report", { report: false, clear: true }, { status: "Accepted" }),
  customerCase(
    "TC_N_62_CSMS",
    "Clear Customer Information - Clear and report - customerIdentifier",
    { report: true, clear: true, customerIdentifier: "OpenChargeAlliance" },
    { status: "Accepted", data: "cleared: OpenChargeAlliance" },
  ),
  csmsCase({
    id: "TC_N_34_CSMS",
    name: "Retrieve Log Information - Rejected",
    useCases: ["N01"],
    run: async (t) => {
      await getLog(t, 1, "DiagnosticsLog", "Rejected");
    },
  }),
  logCase("TC_N_35_CSMS", "Retrieve Log Information - Security Log - Success", "SecurityLog"),
  csmsCase({
    id: "TC_N_36_CSMS",
    name: "Retrieve Log Information - Second Request",
    useCases: ["N01"],
    async run(t) {
      const first = await getLog(t, 1, "DiagnosticsLog", "Accepted", 1);
      await logStatus(t, 3, "Uploading", first);
      const second = await getLog(t, 5, "DiagnosticsLog", "AcceptedCanceled", 2);
      t.expectThat(5, "GetLogRequest requestId", second !== first, `a requestId other than ${first}`, second);
      await logStatus(t, 7, "AcceptedCanceled", first);
      await logStatus(t, 9, "Uploading", second);
      await logStatus(t, 11, "Uploaded", second);
    },
  }),
];
