/**
 * Block N, Diagnostics (part 6 section 2.15): the TC_N_*_CS cases. Log uploads (N01: GetLog, then
 * LogStatusNotification Uploading and Uploaded or a failure) go to the runner's own upload endpoint
 * (upload-server.ts); customer information (N09 / N10) is asked for the configured valid idToken, which
 * the station learns in an authorized session first, or for the configured customerIdentifier, stored at
 * the station by hand.
 */
import { Feature } from "../case.js";
import { StepError } from "../failures.js";
import { idTokenCached, type Setting, withSettings } from "./charging.js";
import { type CsTest, PhysicalAction, type StationCall } from "./cs-test.js";
import { csCase, field, requestId } from "./states.js";
import type { UploadServer } from "./upload-server.js";

type Body = Record<string, unknown>;
type Customer = { idToken: { idToken: string; type: string } } | { customerIdentifier: string };

/**
 * Steps `step` to `step + 2`: CustomerInformation for `customer` (the configured valid idToken by
 * default), Accepted; its NotifyCustomerInformation parts (until tbc is not true, seqNo counting up).
 */
async function customerInformation(t: CsTest, step: number, report: boolean, clear: boolean, customer?: Customer): Promise<Body[]> {
  const id = requestId();
  const response = await t.send(step, "CustomerInformation", {
    requestId: id,
    report,
    clear,
    ...(customer ?? { idToken: t.config.idTokens.valid }),
  });
  t.expect(step + 1, "CustomerInformationResponse status", response.status, "Accepted");
  const parts: Body[] = [];
  for (;;) {
    const part = await t.expectCall(step + 2, "NotifyCustomerInformation", {
      where: (p) => p.requestId === id,
      describe: `requestId ${id}`,
    });
    t.expect(step + 2, "NotifyCustomerInformationRequest seqNo", part.payload.seqNo, parts.length);
    parts.push(part.payload);
    if (part.payload.tbc !== true) return parts;
  }
}

const dataOf = (parts: Body[]) => parts.map((p) => String(p.data ?? "")).join("");

/** "A message is sent indicating that ...": the report says something (part 6 leaves the wording to the station). */
function expectSaysSomething(t: CsTest, step: number, what: string, parts: Body[]): void {
  const data = dataOf(parts);
  t.expectThat(step, `NotifyCustomerInformationRequest data (${what})`, data.trim().length > 0, `a message ${what}`, data);
}

/**
 * TC_N_27 / TC_N_30 "Before": the station holds data of the valid idToken. Memory State IdTokenCached
 * (Table 250): a session authorized with it at the station, which then ends and the EV leaves (Charging
 * State "Authorized (local)", then "ParkingBayUnoccupied"); run while the station's own authorization
 * settings hold, so it asks the CSMS and caches the answer. Then the Configuration State.
 */
async function withCustomerData(t: CsTest, run: () => Promise<void>): Promise<void> {
  await idTokenCached(t, t.config.idTokens.valid);
  const settings: Setting[] = [
    ["LocalAuthListCtrlr", "Enabled", "true"],
    ["AuthCtrlr", "LocalPreAuthorize", "true"],
    ["AuthCacheCtrlr", "Enabled", "true"],
  ];
  // A station may have the cache or the local list (part 6 prerequisite: "either"): the other one may be unknown to it.
  await withSettings(t, settings, run, ["LocalAuthListCtrlr.Enabled", "AuthCacheCtrlr.Enabled"]);
}

/**
 * The runner's upload endpoint, once the station is known to upload over its protocol (part 6
 * prerequisite: the logging server supports one of OCPPCommCtrlr.FileTransferProtocols; read as the OCTT
 * has it configured). A station that does not list the endpoint's protocol (HTTP; HTTPS when
 * logUpload.url is https://) makes the case an error saying so, not a failed upload; one that does not
 * report the variable is tried anyway.
 */
async function uploadEndpoint(t: CsTest): Promise<UploadServer> {
  const uploads = await t.uploadServer("Before");
  const read = await t.send("Before", "GetVariables", {
    getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "FileTransferProtocols" } }],
  });
  const listed = field(read, "getVariableResult.0.attributeValue");
  const needed = uploads.location("logs").startsWith("https:") ? "HTTPS" : "HTTP";
  if (typeof listed === "string" && !listed.split(",").some((protocol) => protocol.trim() === needed))
    throw new StepError(
      "Before",
      `the station uploads over ${listed} (OCPPCommCtrlr.FileTransferProtocols) and the runner's upload endpoint is ${needed}: enable ${needed} uploads at the station (or set logUpload.url to an https:// proxy in front of the runner)`,
    );
  return uploads;
}

/** Steps `step`, `step + 1`: GetLog of `logType` to `location` (with `more`), answered `status`; its requestId. */
async function getLog(
  t: CsTest,
  step: number,
  logType: string,
  location: string,
  options: { more?: Body; status?: string; fileName?: boolean } = {},
): Promise<number> {
  const id = requestId();
  const response = await t.send(step, "GetLog", { logType, requestId: id, log: { remoteLocation: location }, ...options.more });
  t.expect(step + 1, "GetLogResponse status", response.status, options.status ?? "Accepted");
  // N01.FR.01: Accepted with the name of the file.
  if (options.fileName) {
    const name = response.filename;
    t.expectThat(step + 1, "GetLogResponse filename", typeof name === "string" && name.length > 0, "not omitted and not empty", name);
  }
  return id;
}

/** Step `step`: the station's next LogStatusNotification, with `status` and (N01.FR.07) the requestId of the GetLog. */
async function expectLogStatus(t: CsTest, step: number, id: number | undefined, status: string): Promise<StationCall> {
  const call = await t.expectCall(step, "LogStatusNotification");
  t.expect(step, "LogStatusNotificationRequest status", call.payload.status, status);
  if (id !== undefined) t.expect(step, "LogStatusNotificationRequest requestId", call.payload.requestId, id);
  return call;
}

/**
 * N01.FR.02/03/04, N01.FR.08/09: GetLog of `logType` to the runner's endpoint, Uploading, Uploaded; and
 * (not written in part 6, but what Uploaded means) the endpoint received the file.
 */
async function uploadLog(t: CsTest, logType: string, fileName: boolean): Promise<void> {
  const uploads = await uploadEndpoint(t);
  const since = uploads.mark();
  const id = await getLog(t, 1, logType, uploads.location("logs"), { fileName });
  await expectLogStatus(t, 3, id, "Uploading");
  await expectLogStatus(t, 5, id, "Uploaded");
  expectReceived(t, 5, uploads.receivedSince(since).length, uploads.problems);
}

function expectReceived(t: CsTest, step: number, files: number, problems: readonly string[]): void {
  t.expectThat(
    step,
    "the runner's upload endpoint received the log file",
    files > 0,
    "a file uploaded before Uploaded",
    problems.at(-1) ?? "no upload",
  );
}

const features = [Feature.N, Feature.CustomerInformation];
/** N01.FR.10: how a failed upload may end. */
const uploadFailures = ["UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation"];

export const diagnosticsCsCases = [
  csCase({
    id: "TC_N_25_CS",
    name: "Retrieve Log Information - Diagnostics Log - Success",
    useCases: ["N01"],
    async run(t) {
      await uploadLog(t, "DiagnosticsLog", true);
    },
  }),
  csCase({
    id: "TC_N_26_CS",
    name: "Retrieve Log Information - Diagnostics Log - Upload failed",
    useCases: ["N01"],
    async run(t) {
      const uploads = await uploadEndpoint(t);
      const interval = t.config.logUpload.retryIntervalS;
      // The location refuses every upload (HTTP 403), so each of the 1 + 3 attempts fails.
      const id = await getLog(t, 1, "DiagnosticsLog", uploads.location("refused"), { more: { retries: 3, retryInterval: interval } });
      const first = await expectLogStatus(t, 3, id, "Uploading");
      // "Steps 3 & 4 are optional after the first attempt": a retry's Uploading is skipped; the next other status ends the upload.
      const expected = 3 * interval;
      const last = await t.expectCall(5, "LogStatusNotification", {
        where: (p) => p.status !== "Uploading",
        describe: "the end of the upload",
        timeoutS: expected + t.config.actionTimeoutS,
      });
      t.expectOneOf(5, "LogStatusNotificationRequest status", last.payload.status, uploadFailures);
      t.expect(5, "LogStatusNotificationRequest requestId", last.payload.requestId, id);
      // "The time between the first Uploading and the last failure equals 3 * retryInterval": at least that
      // (a second early, for clocks), and no later than the attempts themselves can explain.
      const tookS = (last.atMs - first.atMs) / 1000;
      t.expectThat(
        5,
        "seconds from the first Uploading to the failure",
        tookS >= expected - 1 && tookS <= expected + t.config.actionTimeoutS,
        `${expected} (3 retries ${interval} s apart)`,
        Number(tookS.toFixed(1)),
      );
    },
  }),
  csCase({
    id: "TC_N_27_CS",
    name: "Get Customer Information - Accepted + data",
    useCases: ["N09"],
    features: [...features, Feature.AuthorizationCache],
    async run(t) {
      await withCustomerData(t, async () => {
        const parts = await customerInformation(t, 1, true, false);
        // N09.FR.05 ... Step 3: data not empty; post scenario: every report part (seqNo, tbc) came.
        t.expectThat(3, "NotifyCustomerInformationRequest data", dataOf(parts).length > 0, "not empty", dataOf(parts));
      });
    },
  }),
  csCase({
    id: "TC_N_28_CS",
    name: "Get Customer Information - Accepted + no data",
    useCases: ["N09"],
    features,
    async run(t) {
      // Memory State: the customer information of the valid idToken is cleared first.
      await t.state("Memory State", () => customerInformation(t, 1, false, true).then(() => {}));
      const parts = await customerInformation(t, 1, true, false);
      expectSaysSomething(t, 3, "indicating that no data is found", parts);
    },
  }),
  csCase({
    id: "TC_N_30_CS",
    name: "Clear Customer Information - Clear and report + data",
    useCases: ["N10"],
    features: [...features, Feature.AuthorizationCache],
    async run(t) {
      await withCustomerData(t, async () => {
        // N10.FR.01, N10.FR.03: the report of what is cleared holds data.
        const parts = await customerInformation(t, 1, true, true);
        t.expectThat(3, "NotifyCustomerInformationRequest data", dataOf(parts).length > 0, "not empty", dataOf(parts));
        const id = requestId();
        const again = await t.send(5, "CustomerInformation", {
          requestId: id,
          report: true,
          clear: false,
          idToken: t.config.idTokens.valid,
        });
        // "Step 7 is optional and only expected when status is Accepted at Step 6."
        if (again.status !== "Accepted") return;
        const report = await t.expectCall(7, "NotifyCustomerInformation", {
          where: (p) => p.requestId === id,
          describe: `requestId ${id}`,
        });
        t.expectThat(8, "NotifyCustomerInformationRequest tbc", report.payload.tbc !== true, "not true", report.payload.tbc);
      });
    },
  }),
  csCase({
    id: "TC_N_31_CS",
    name: "Clear Customer Information - Clear and report + no data",
    useCases: ["N10"],
    features,
    async run(t) {
      const parts = await customerInformation(t, 1, true, true);
      expectSaysSomething(t, 3, "indicating that no data is found", parts);
    },
  }),
  csCase({
    id: "TC_N_32_CS",
    name: "Clear Customer Information - Clear and no report",
    useCases: ["N10"],
    features,
    async run(t) {
      const parts = await customerInformation(t, 1, false, true);
      expectSaysSomething(t, 3, "indicating that the data is cleared", parts);
    },
  }),
  csCase({
    id: "TC_N_62_CS",
    name: "Clear Customer Information - Clear and report - customerIdentifier",
    useCases: ["N10"],
    features,
    async run(t) {
      const customerIdentifier = t.config.customerIdentifier;
      await t.state("Memory State", () =>
        t.act(
          "Manual Action",
          PhysicalAction.StoreCustomerIdentifier,
          `Store the customer identifier ${customerIdentifier} at the Charging Station`,
          { customerIdentifier },
        ),
      );
      // N10.FR.01, N10.FR.03: the report of what is cleared holds data; asked again, there is none.
      const cleared = await customerInformation(t, 1, true, true, { customerIdentifier });
      t.expectThat(3, "NotifyCustomerInformationRequest data", dataOf(cleared).length > 0, "not empty", dataOf(cleared));
      const after = await customerInformation(t, 5, true, false, { customerIdentifier });
      t.expect(7, "NotifyCustomerInformationRequest data", dataOf(after), "");
    },
  }),
  csCase({
    id: "TC_N_35_CS",
    name: "Retrieve Log Information - Security Log - Success",
    useCases: ["N01"],
    async run(t) {
      await uploadLog(t, "SecurityLog", false);
    },
  }),
  csCase({
    id: "TC_N_36_CS",
    name: "Retrieve Log Information - Second Request",
    useCases: ["N01"],
    async run(t) {
      const uploads = await uploadEndpoint(t);
      const logType = t.config.logUpload.logType;
      try {
        // The first upload goes to a location that holds it: it is still under way when the second request comes.
        const first = await getLog(t, 1, logType, uploads.location("held"));
        await expectLogStatus(t, 3, first, "Uploading");
        const since = uploads.mark();
        // N01.FR.12: the station cancels the running upload and answers AcceptedCanceled.
        const second = await getLog(t, 5, logType, uploads.location("logs"), { status: "AcceptedCanceled" });
        await expectLogStatus(t, 7, undefined, "AcceptedCanceled");
        await expectLogStatus(t, 9, second, "Uploading");
        await expectLogStatus(t, 11, second, "Uploaded");
        expectReceived(t, 11, uploads.receivedSince(since).length, uploads.problems);
      } finally {
        uploads.release();
      }
    },
  }),
];
