import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csCasesOf, csConfig, type FaultCase, onSend, runAgainstSimulator } from "./cs-harness.js";

const cases = csCasesOf("N");

/** TC_N_26 retries 3 times this many seconds apart. */
const logUpload = { port: 0, retryIntervalS: 1, logType: "DiagnosticsLog" };

const faults: Record<string, FaultCase> = {
  // Invalid payload: GetLogResponse without the file name (N01.FR.01).
  TC_N_25_CS: { fault: (_c, p) => p.route("GetLog", () => ({ status: "Accepted" })), step: "2" },
  // Wrong status: the failed upload reported as Uploaded.
  TC_N_26_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "LogStatusNotification" && b.status === "UploadFailure" ? { ...b, status: "Uploaded" } : b)),
    step: "5",
  },
  // Wrong content: the report of the cached idToken is empty.
  TC_N_27_CS: { fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" ? { ...b, data: "" } : b)), step: "3" },
  // Missing follow-up: no NotifyCustomerInformation at all.
  TC_N_28_CS: { fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" ? undefined : b)), step: "Memory State 3" },
  // Wrong content: the report after the clearing says more is to come, and nothing comes.
  TC_N_30_CS: {
    fault: (c) =>
      onSend(c, (a, b) => (a === "NotifyCustomerInformation" && String(b.data).startsWith("no data") ? { ...b, tbc: true } : b)),
    step: "8",
  },
  // Wrong content: an empty report.
  TC_N_31_CS: { fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" ? { ...b, data: "" } : b)), step: "3" },
  // Wrong status.
  TC_N_32_CS: { fault: (_c, p) => p.route("CustomerInformation", () => ({ status: "Rejected" })), step: "2" },
  // Wrong content: the customer identifier's data is still reported after the clearing.
  TC_N_62_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "NotifyCustomerInformation" && b.data === "" ? { ...b, data: "customer still held" } : b)),
    step: "7",
  },
  // Wrong status.
  TC_N_35_CS: { fault: (_c, p) => p.route("GetLog", () => ({ status: "Rejected", filename: "security.log" })), step: "2" },
  // Missing follow-up: the canceled upload's LogStatusNotification AcceptedCanceled is not sent.
  TC_N_36_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "LogStatusNotification" && b.status === "AcceptedCanceled" ? undefined : b)),
    step: "7",
  },
};

describe("conformance cs, block N (Diagnostics)", () => {
  it("every TC_N_*_CS case in scope passes against the simulated charger", async () => {
    const results = await runAgainstSimulator(cases, csConfig({ logUpload }));
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass"),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 4, logUpload, ...faultCase.config }), faultCase.fault);
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }

  it("a station that uploads over neither HTTP nor HTTPS makes the upload cases an error that says so, before any GetLog", async () => {
    const uploadCases = cases.filter((k) => ["TC_N_25_CS", "TC_N_26_CS", "TC_N_35_CS", "TC_N_36_CS"].includes(k.id));
    const results = await runAgainstSimulator(uploadCases, csConfig({ logUpload }), (c) =>
      c.station.model.update("OCPPCommCtrlr", { name: "FileTransferProtocols" }, "FTP,SFTP"),
    );
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome, r.step]),
      uploadCases.map((k) => [k.id, "error", "Before"]),
    );
    assert.match(
      results[0]?.reason ?? "",
      /uploads over FTP,SFTP \(OCPPCommCtrlr.FileTransferProtocols\) and the runner's upload endpoint is HTTP/,
    );
  });

  it("TC_N_25_CS fails at step 5 against a station that reports Uploaded without uploading", async () => {
    const kase = cases.filter((k) => k.id === "TC_N_25_CS");
    const [result] = await runAgainstSimulator(kase, csConfig({ actionTimeoutS: 4, logUpload }), (c) => {
      c.station.operations.logs.run = async (job) => {
        await job.notify("Uploading");
        await job.notify("Uploaded");
      };
    });
    assert.equal(result?.outcome, "fail", result?.reason);
    assert.equal(result?.step, "5");
    assert.match(result?.reason ?? "", /the runner's upload endpoint received the log file: expected a file uploaded before Uploaded/);
  });

  it("TC_N_26_CS fails at step 5 against a station that gives up without the retries", async () => {
    const kase = cases.filter((k) => k.id === "TC_N_26_CS");
    const [result] = await runAgainstSimulator(
      kase,
      csConfig({ actionTimeoutS: 4, logUpload: { ...logUpload, retryIntervalS: 2 } }),
      (c) => {
        const logs = c.station.operations.logs;
        const run = logs.run.bind(logs);
        logs.run = (job, id) => run({ ...job, retries: 0 }, id);
      },
    );
    assert.equal(result?.outcome, "fail", result?.reason);
    assert.equal(result?.step, "5");
    assert.match(result?.reason ?? "", /seconds from the first Uploading to the failure: expected "?6 \(3 retries 2 s apart\)/);
  });
});
