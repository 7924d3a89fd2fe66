import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type CaseResult, type ConformanceConfig, httpTrigger, runCase, runCsms } from "../../src/conformance/index.js";
import { casesOf, startServe, testConfig, WrongCsms } from "./harness.js";

const cert = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url));
const password = "conformance-password-0001";
const ca = cert("ca.crt");

/** The three security profiles serve can be started in, with the config a station of each uses. */
const profiles: { name: string; config: ConformanceConfig; serveArgs: string[] }[] = [
  {
    name: "profile 1",
    config: testConfig({ securityProfile: 1, basicAuthPassword: password }),
    serveArgs: ["--auth", `basic:*:${password}`],
  },
  {
    name: "profile 2",
    config: testConfig({ securityProfile: 2, basicAuthPassword: password, tls: { ca } }),
    serveArgs: ["--auth", `basic:*:${password}`, "--tls", `${cert("server.crt")},${cert("server.key")}`],
  },
  {
    name: "profile 3",
    config: testConfig({
      securityProfile: 3,
      stationId: "CP-1",
      tls: { ca, cert: cert("cp-1.crt"), key: cert("cp-1.key"), invalidCert: cert("intruder.crt"), invalidKey: cert("intruder.key") },
    }),
    serveArgs: ["--tls", `${cert("server.crt")},${cert("server.key")},${ca}`],
  },
];

test("every TC_A_*_CSMS case passes against ocppkit serve in each security profile it applies to", async () => {
  const passedSomewhere = new Set<string>();
  for (const profile of profiles) {
    const serve = await startServe(profile.config, profile.serveArgs);
    try {
      const control = new URL(serve.controlUrl);
      if (profile.config.basicAuthPassword) {
        control.username = "tester";
        control.password = password;
      }
      const trigger = httpTrigger(control.href, { ca: readFileSync(ca) });
      const results = await runCsms({ url: serve.wsUrl, config: profile.config, cases: casesOf("A"), trigger });
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
    const config = { ...base, responseTimeoutS: 3, actionTimeoutS: 1.5 };
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
