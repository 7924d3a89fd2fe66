import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type CaseResult, type ConformanceConfig, defaultConfig, httpTrigger, runCase, runCsms } from "../../src/conformance/index.js";
import { CertificateAuthority } from "../../src/pki/index.js";
import { casesOf, startServe, testConfig, WrongCsms } from "./harness.js";

const cert = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url));
const password = "conformance-password-0001";
const ca = cert("ca.crt");
/** The CA of the fixtures: it signed the server's and CP-1's certificates, and signs renewed station certificates. */
const certificates = { ...defaultConfig.certificates, CSMSRootCertificate: readFileSync(ca, "utf8") };
const server = `${cert("server.crt")},${cert("server.key")}`;

/**
 * The three security profiles serve can be started in, with the config a station of each uses. In
 * profiles 1 and 2 serve also listens with TLS on a second port (`tls: true`): the upgrade of TC_A_19 goes
 * there, and in profile 2 the station connects there from the start (its client certificate optional).
 */
const profiles: { name: string; config: ConformanceConfig; serveArgs: string[]; secondListener?: "upgrade" | "station" }[] = [
  {
    name: "profile 1 (ws://, and wss:// for the upgrade to 2; the CA serve generates)",
    config: testConfig({ securityProfile: 1, basicAuthPassword: password, tls: { ca } }),
    serveArgs: ["--auth", `basic:*:${password}`, "--tls", server, "--tls-port", "0"],
    secondListener: "upgrade",
  },
  {
    name: "profile 2 (wss:// with an optional client certificate, for the upgrade to 3)",
    config: testConfig({ securityProfile: 2, basicAuthPassword: password, tls: { ca }, certificates }),
    serveArgs: ["--auth", `basic:*:${password}`, "--tls", `${server},${ca}`, "--tls-port", "0", "--ca", `${ca},${cert("ca.key")}`],
    secondListener: "station",
  },
  {
    name: "profile 3",
    config: testConfig({
      securityProfile: 3,
      stationId: "CP-1",
      certificates,
      tls: { ca, cert: cert("cp-1.crt"), key: cert("cp-1.key"), invalidCert: cert("intruder.crt"), invalidKey: cert("intruder.key") },
    }),
    serveArgs: ["--tls", `${server},${ca}`, "--ca", `${ca},${cert("ca.key")}`],
  },
];

test("every TC_A_*_CSMS case passes against ocppkit serve in each security profile it applies to", async () => {
  const passedSomewhere = new Set<string>();
  for (const profile of profiles) {
    const serve = await startServe(profile.config, profile.serveArgs);
    try {
      const tlsUrl = serve.tlsUrl ?? "";
      const config: ConformanceConfig = {
        ...profile.config,
        networkProfile: { ...profile.config.networkProfile, ocppCsmsUrl: tlsUrl },
        // Without --ca, serve signs with the CA it generated and printed.
        certificates: { ...profile.config.certificates, CSMSRootCertificate: serve.caCertificate },
      };
      const url = profile.secondListener === "station" ? tlsUrl : serve.wsUrl;
      const control = new URL(serve.controlUrl);
      if (profile.config.basicAuthPassword) {
        control.username = "tester";
        control.password = password;
      }
      const trigger = httpTrigger(control.href, { ca: readFileSync(ca) });
      const results = await runCsms({ url, config, cases: casesOf("A"), trigger });
      const wrong = results.filter(
        (r) => r.outcome !== "pass" && !(r.outcome === "not applicable" && /needs security profile/.test(r.reason ?? "")),
      );
      assert.deepEqual(wrong.map(describe), [], `${profile.name}:\n${wrong.map(describe).join("\n")}`);
      for (const r of results) if (r.outcome === "pass") passedSomewhere.add(r.id);
    } finally {
      await serve.stop();
    }
  }
  assert.deepEqual(
    casesOf("A")
      .map((kase) => kase.id)
      .filter((id) => !passedSomewhere.has(id)),
    [],
  );
});

const describe = (r: CaseResult) => `${r.id}: ${r.outcome}${r.step ? ` at step ${r.step}` : ""} ${r.reason ?? ""}`;

const serverTls = (name: string, extra: Record<string, unknown> = {}) => ({
  cert: readFileSync(cert(`${name}.crt`)),
  key: readFileSync(cert(`${name}.key`)),
  ...extra,
});

/** Each case against a CSMS wrong in the way that case exists to catch. */
const wrongs: { id: string; profile: number; server: object; fault?: object; step: string }[] = [
  { id: "TC_A_01_CSMS", profile: 0, server: { auth: { username: "*", password: "another-password" } }, step: "1" },
  { id: "TC_A_02_CSMS", profile: 0, server: {}, step: "1" },
  { id: "TC_A_03_CSMS", profile: 0, server: {}, step: "1" },
  // A certificate for another name (CP-1, no 127.0.0.1 in it).
  { id: "TC_A_04_CSMS", profile: 2, server: { tls: serverTls("cp-1"), auth: { username: "*", password } }, step: "3" },
  {
    id: "TC_A_06_CSMS",
    profile: 2,
    server: { tls: serverTls("server", { minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" }), auth: { username: "*", password } },
    step: "2",
  },
  // Client certificates of another CA only: the station's own is refused.
  { id: "TC_A_07_CSMS", profile: 3, server: { tls: serverTls("server", { ca: readFileSync(cert("untrusted-ca.crt")) }) }, step: "3" },
  // Client certificates of any of two CAs: the intruder's is accepted.
  {
    id: "TC_A_08_CSMS",
    profile: 3,
    server: { tls: serverTls("server", { ca: [readFileSync(ca), readFileSync(cert("untrusted-ca.crt"))] }) },
    step: "3",
  },
  { id: "TC_A_09_CSMS", profile: 1, server: { auth: { username: "*", password } }, fault: { ignoreTrigger: true }, step: "1" },
  // A CSMS whose CA is not the configured CSMS Root certificate.
  {
    id: "TC_A_11_CSMS",
    profile: 0,
    server: {
      ca: CertificateAuthority.fromPem(readFileSync(cert("untrusted-ca.crt"), "utf8"), readFileSync(cert("untrusted-ca.key"), "utf8")),
    },
    step: "RenewChargingStationCertificate 5",
  },
  {
    id: "TC_A_14_CSMS",
    profile: 0,
    server: { ca: CertificateAuthority.fromPem(certificates.CSMSRootCertificate, readFileSync(cert("ca.key"), "utf8")) },
    fault: { answer: "SignCertificate", with: { status: "Rejected" } },
    step: "4",
  },
  // A network profile that is no upgrade: the configured security profile again.
  {
    id: "TC_A_19_CSMS",
    profile: 1,
    server: { auth: { username: "*", password } },
    fault: {
      trigger: {
        connectionData: {
          ocppVersion: "OCPP20",
          ocppTransport: "JSON",
          ocppCsmsUrl: "wss://csms.example.com/ocpp",
          messageTimeout: 30,
          securityProfile: 1,
          ocppInterface: "Wired0",
        },
      },
    },
    step: "1",
  },
  {
    id: "TC_A_10_CSMS",
    profile: 1,
    server: { auth: { username: "*", password } },
    fault: {
      trigger: {
        setVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "BasicAuthPassword" }, attributeValue: "x" }],
      },
    },
    step: "1",
  },
];

test("every TC_A_*_CSMS case fails against a wrong CSMS, at the step that catches it", async () => {
  assert.deepEqual(
    casesOf("A")
      .map((kase) => kase.id)
      .filter((id) => !wrongs.some((w) => w.id === id)),
    [],
  );
  const failures: string[] = [];
  for (const w of wrongs) {
    const base = w.profile === 0 ? profiles[0].config : profiles[w.profile - 1].config;
    const config = { ...base, certificates, responseTimeoutS: 3, actionTimeoutS: 1.5 };
    const wrong = new WrongCsms();
    await wrong.start(config, w.server);
    wrong.fault = w.fault as never;
    try {
      const kase = casesOf("A").find((k) => k.id === w.id);
      assert.ok(kase);
      const url = (w.server as { tls?: unknown }).tls ? wrong.url.replace(/^ws:/, "wss:") : wrong.url;
      const result = await runCase(kase, { url, config, cases: [], trigger: wrong.trigger });
      if (result.outcome !== "fail" || result.step !== w.step) failures.push(`${describe(result)}; expected fail at step ${w.step}`);
    } finally {
      await wrong.close();
    }
  }
  assert.deepEqual(failures, []);
});
