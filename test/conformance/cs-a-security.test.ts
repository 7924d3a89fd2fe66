import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { testCa } from "../../src/conformance/cs/certificate-states.js";
import type { CaseResult, ConformanceConfig } from "../../src/conformance/index.js";
import type { ConnectOptions } from "../../src/index.js";
import { newKeyAndCsr } from "../../src/pki/csr.js";
import type { SimulatedCharger2 } from "../../src/station/simulated-charger-2.js";
import { csCasesOf, csConfig, type Fault, onSend, runAgainstSimulator, type SecuredLink, stationId } from "./cs-harness.js";

const cases = csCasesOf("A");
/** TC_A_19 leaves the station on a higher profile than the config says: it runs on its own. */
const upgrade = cases.filter((kase) => kase.id === "TC_A_19_CS");
const others = cases.filter((kase) => kase.id !== "TC_A_19_CS");
const pem = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url)), "utf8");
const password = "conformance-password-0001";
/** Profile 3: the station's certificate, its commonName the station's identity (TC_A_07 step 4), from the runner's CA. */
const stationKeyAndCsr = newKeyAndCsr({ commonName: stationId, organizationName: "ocppkit test CPO" });
const stationCertificate = { cert: testCa().sign(stationKeyAndCsr.csrPem, 365), key: stationKeyAndCsr.privateKeyPem };

/** The three security profiles: the runner's config and server, the simulator's credentials. */
type ClientCertificate = { readonly cert: string; readonly key: string };

function profile(
  n: 1 | 2 | 3,
  over: { password?: string; tls?: ConnectOptions["tls"]; client?: ClientCertificate } = {},
): {
  config: ConformanceConfig;
  secured: SecuredLink;
} {
  const pw = over.password ?? password;
  const basic = n < 3 ? { basicAuthPassword: pw } : {};
  const server = { cert: pem("server.crt"), key: pem("server.key") };
  const mutualTls = { ...server, ca: [pem("ca.crt"), testCa().pem], requestCert: true, rejectUnauthorized: true };
  // TC_A_19: the next profile's endpoint; its server certificate is issued by the configured CSMS root.
  const upgradeTo = n === 1 ? { tls: server, basicAuth: true } : n === 2 ? { tls: mutualTls, basicAuth: false } : undefined;
  const certificates = { CSMSRootCertificate: pem("ca.crt"), ManufacturerRootCertificate: pem("untrusted-ca.crt") };
  const secured: SecuredLink =
    n === 1
      ? { password: pw, connect: { auth: { username: stationId, password: pw } }, upgrade: upgradeTo }
      : n === 2
        ? {
            tls: server,
            password: pw,
            connect: { auth: { username: stationId, password: pw }, ca: pem("ca.crt"), tls: over.tls },
            upgrade: upgradeTo,
          }
        : {
            // The runner's CA signs the station's new certificate (A02): the server trusts it too.
            tls: mutualTls,
            connect: { ca: pem("ca.crt"), ...(over.client ?? stationCertificate), tls: over.tls },
          };
  return { config: csConfig({ securityProfile: n, certificates, ...basic }), secured };
}

const describeResult = (r: CaseResult) => `${r.id}: ${r.outcome}${r.step ? ` at step ${r.step}` : ""} ${r.reason ?? ""}`;

type Body = Record<string, unknown>;
const answers =
  (action: string, answer: (request: Body) => Body): Fault =>
  (_c, p) =>
    p.route(action, answer as never);
const setVariablesAccepted: Fault = answers("SetVariables", (request) => ({
  setVariableResult: (request.setVariableData as Body[]).map((d) => ({
    attributeStatus: "Accepted",
    component: d.component,
    variable: d.variable,
  })),
}));

/** A station that trusts any server certificate, speaks TLS 1.0/1.1, or offers other suites (Node's client options). */
const anyCertificate = { rejectUnauthorized: false };
const oldTlsToo = { minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" } as const;
const noGcmSuites = { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256" } as const;

const dropping =
  (type: string): Fault =>
  (c) =>
    onSend(c, (a, b) => (a === "SecurityEventNotification" && b.type === type ? undefined : b));
const renaming =
  (type: string, to: string): Fault =>
  (c) =>
    onSend(c, (a, b) => (a === "SecurityEventNotification" && b.type === type ? { ...b, type: to } : b));

const faults: Record<
  string,
  { fault?: Fault; profile: 1 | 2 | 3; password?: string; tls?: ConnectOptions["tls"]; client?: ClientCertificate; step: string }
> = {
  // A password shorter than A00.FR.205 allows, which the runner is told to accept.
  TC_A_01_CS: { profile: 1, password: "short-pass", step: "1" },
  // Its ClientHello has neither pair of AES-GCM suites (the handshake itself works, with ChaCha20).
  TC_A_04_CS: { profile: 2, tls: noGcmSuites, step: "2" },
  // It completes the handshake with the unknown certificate.
  TC_A_05_CS: { profile: 2, tls: anyCertificate, step: "3" },
  // It completes the handshake in TLS 1.1.
  TC_A_06_CS: { profile: 2, tls: oldTlsToo, step: "3" },
  // Its certificate's commonName (CP-1) is not its serial number (the station's identity, SIM-CS).
  TC_A_07_CS: { profile: 3, client: { cert: pem("cp-1.crt"), key: pem("cp-1.key") }, step: "4" },
  // The station says Accepted and keeps the old password.
  TC_A_09_CS: { profile: 1, fault: setVariablesAccepted, step: "3" },
  TC_A_10_CS: { profile: 1, fault: setVariablesAccepted, step: "2" },
  TC_A_11_CS: {
    profile: 3,
    fault: answers("CertificateSigned", () => ({ status: "Rejected" })),
    step: "RenewChargingStationCertificate 6",
  },
  TC_A_14_CS: {
    profile: 3,
    fault: (c: SimulatedCharger2) =>
      onSend(c, (a, b) => (a === "SecurityEventNotification" && b.type === "InvalidChargingStationCertificate" ? undefined : b)),
    step: "7",
  },
  TC_A_15_CS: { profile: 3, fault: answers("TriggerMessage", () => ({ status: "Rejected" })), step: "2" },
  // The first resend never comes.
  TC_A_23_CS: {
    profile: 3,
    fault: (c: SimulatedCharger2) => {
      let sent = 0;
      onSend(c, (a, b) => (a === "SignCertificate" && ++sent === 2 ? undefined : b));
    },
    step: "6",
  },
  // The station says Accepted to the new priority and stays where it is.
  TC_A_19_CS: { profile: 1, fault: setVariablesAccepted, step: "7" },
  TC_A_20_CS: { profile: 1, fault: setVariablesAccepted, step: "4" },
  TC_A_21_CS: { profile: 2, fault: setVariablesAccepted, step: "4" },
  TC_A_22_CS: { profile: 2, fault: answers("SetNetworkProfile", () => ({ status: "Accepted" })), step: "2" },
};

describe("conformance cs, block A (security)", () => {
  it("every TC_A_*_CS case passes against the simulated charger in a security profile it applies to, and none fails in any", async () => {
    const passed = new Set<string>();
    for (const n of [1, 2, 3] as const) {
      const { config, secured } = profile(n);
      const results = [
        ...(await runAgainstSimulator(others, config, undefined, { secured })),
        ...(await runAgainstSimulator(upgrade, config, undefined, { secured })),
      ];
      const wrong = results.filter(
        (r) => r.outcome !== "pass" && !(r.outcome === "not applicable" && /needs .*security profile/.test(r.reason ?? "")),
      );
      assert.deepEqual(wrong.map(describeResult), [], `profile ${n}`);
      for (const r of results) if (r.outcome === "pass") passed.add(r.id);
    }
    assert.deepEqual(
      cases.map((kase) => kase.id).filter((id) => !passed.has(id)),
      [],
    );
  });

  for (const kase of cases) {
    it(`${kase.id} fails against a wrong station at the named step`, async () => {
      const wrong = faults[kase.id];
      assert.ok(wrong, `no fault for ${kase.id}`);
      const { config, secured } = profile(wrong.profile, { password: wrong.password, tls: wrong.tls, client: wrong.client });
      const [result] = await runAgainstSimulator([kase], { ...config, actionTimeoutS: 4 }, wrong.fault, { secured });
      assert.equal(result?.outcome, "fail", `${kase.id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, wrong.step, `${kase.id}: ${result?.reason}`);
    });
  }

  // The TLS cases' security events: a station that refuses the handshake as it must, but reports it wrongly.
  const eventFaults: Record<string, { fault: Fault; step: string; why: string }> = {
    TC_A_05_CS: { fault: dropping("InvalidCsmsCertificate"), step: "14", why: "sends no InvalidCsmsCertificate" },
    TC_A_06_CS: { fault: renaming("InvalidTLSVersion", "InvalidTLSCipherSuite"), step: "16", why: "reports InvalidTLSCipherSuite instead" },
  };
  for (const [id, wrong] of Object.entries(eventFaults)) {
    it(`${id} fails at step ${wrong.step} against a station that ${wrong.why}`, async () => {
      const { config, secured } = profile(2);
      const [result] = await runAgainstSimulator(
        cases.filter((kase) => kase.id === id),
        { ...config, actionTimeoutS: 6 },
        wrong.fault,
        { secured },
      );
      assert.equal(result?.outcome, "fail", `${id}: ${result?.outcome} ${result?.reason ?? ""}`);
      assert.equal(result?.step, wrong.step, `${id}: ${result?.reason}`);
    });
  }
});
