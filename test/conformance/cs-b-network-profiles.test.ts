import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csCases } from "../../src/conformance/index.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import type { ReconnectingConnection } from "../../src/transport/reconnecting-connection.js";
import { csConfig, type FaultCase, onSend, runAgainstSimulator, type SecuredLink } from "./cs-harness.js";
import { rootCheckRun } from "./root-check.js";

const ids = ["TC_B_45_CS", "TC_B_46_CS", "TC_B_49_CS", "TC_B_51_CS", "TC_B_52_CS", "TC_B_57_CS"];
const cases = csCases.filter((kase) => ids.includes(kase.id));
/** Profile 0 on a reconnecting link: the station can lose its connection and switch network profiles. */
const reconnecting: SecuredLink = { connect: {} };

/** The station reads NetworkProfileConnectionAttempts as `value`, whatever the CSMS set. */
const reads =
  (variable: string, value: string) =>
  (c: SimulatedCharger2): void => {
    const model = c.station.model;
    const read = model.value.bind(model);
    model.value = (component: string, name: string) => (name === variable ? value : read(component, name));
  };
const connectionAttempts = (value: string) => reads("NetworkProfileConnectionAttempts", value);

const faults: Record<string, FaultCase> = {
  // The station says Accepted to the new priority and stays where it is.
  TC_B_45_CS: {
    fault: (_c, p) =>
      p.route("SetVariables", (request: { setVariableData: { component: unknown; variable: unknown }[] }) => ({
        setVariableResult: request.setVariableData.map((d) => ({
          attributeStatus: "Accepted",
          component: d.component,
          variable: d.variable,
        })),
      })),
    step: "7",
  },
  // It gives up on the new profile after one attempt, not NetworkProfileConnectionAttempts (2).
  TC_B_46_CS: { fault: connectionAttempts("1"), step: "7" },
  // It tries the new profile again instead of switching back.
  TC_B_49_CS: { fault: connectionAttempts("3"), step: "9" },
  // Offline past the threshold, it reports only the connector that changed.
  TC_B_51_CS: { fault: reads("OfflineThreshold", "3600"), step: "4" },
  // Back within the threshold, it reports nothing.
  TC_B_52_CS: {
    fault: (c) => onSend(c, (a, b) => (a === "StatusNotification" && b.connectorStatus === "Occupied" ? undefined : b)),
    step: "4",
  },
  // It ignores RetryBackOffWaitMinimum: reconnects after 0.1 s.
  TC_B_57_CS: {
    fault: (c) => {
      const link = c.link as ReconnectingConnection;
      const setBackOff = link.setBackOff.bind(link);
      link.setBackOff = (backOff) => setBackOff({ ...backOff, retryBackOffWaitMinimumMs: 100, retryBackOffRandomRangeMs: 0 });
      link.setBackOff({});
    },
    step: "2",
  },
};

describe("conformance cs, block B (network profiles, reconnection)", () => {
  it("TC_B_45, 46, 49, 51, 52 and 57 pass against the simulated charger on a reconnecting link", async () => {
    assert.deepEqual(
      cases.map((kase) => kase.id),
      ids,
    );
    const results = await runAgainstSimulator(cases, csConfig(), undefined, { secured: reconnecting });
    assert.deepEqual(
      results.filter((r) => r.outcome !== "pass").map((r) => `${r.id}: ${r.outcome} at ${r.step} ${r.reason}`),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const faultCase = faults[kase.id];
      assert.ok(faultCase, `no fault for ${kase.id}`);
      const [result] = await runAgainstSimulator([kase], csConfig({ actionTimeoutS: 6 }), faultCase.fault, { secured: reconnecting });
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, faultCase.step, `${kase.id}: ${result?.reason}`);
    });
  }
});

/** TC_B_47 and 50 need a station with AdditionalRootCertificateCheck true, on TLS with an old and a new CSMS root. */
const rootCheckIds = ["TC_B_47_CS", "TC_B_50_CS"];
const rootCheckCases = csCases.filter((kase) => rootCheckIds.includes(kase.id));

describe("conformance cs, block B (migration to a new CSMS root, AdditionalRootCertificateCheck)", () => {
  it("TC_B_47 and 50 pass against the simulated charger with AdditionalRootCertificateCheck true", async () => {
    const { config, secured } = rootCheckRun();
    const results = await runAgainstSimulator(rootCheckCases, config, undefined, { secured });
    assert.deepEqual(
      results.map((r) => `${r.id}: ${r.outcome}${r.outcome === "pass" ? "" : ` at ${r.step} ${r.reason}`}`),
      rootCheckIds.map((id) => `${id}: pass`),
    );
  });

  it("TC_B_47_CS fails against a station that trusts the fallback root for a new CSMS too, at step 9", async () => {
    const run = rootCheckRun({ actionTimeoutS: 6 });
    const [kase] = rootCheckCases;
    const [result] = await runAgainstSimulator(
      [kase],
      run.config,
      (c) => {
        const network = c.station.network;
        const endpointOf = network.endpointOf.bind(network);
        network.endpointOf = (data) => ({ ...endpointOf(data), ca: [run.newRoot, run.oldRoot] });
      },
      { secured: run.secured },
    );
    assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
    assert.equal(result?.step, "9", result?.reason);
  });

  it("TC_B_50_CS fails against a station that keeps the old root after connecting with the new one, at step 11", async () => {
    const { config, secured } = rootCheckRun({ actionTimeoutS: 6 });
    const kase = rootCheckCases[1];
    const [result] = await runAgainstSimulator(
      [kase],
      config,
      (c) => {
        c.station.rootCheck.connectedWithCurrent = () => false;
      },
      { secured },
    );
    assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
    assert.equal(result?.step, "11", result?.reason);
  });
});
