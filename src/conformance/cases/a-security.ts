/** Part 6 section 3.2, A Security: TC_A_*_CSMS (Tables 255-266). */
import { randomBytes, X509Certificate } from "node:crypto";
import { type CsmsCase, Feature } from "../case.js";
import type { ConformanceConfig } from "../config.js";
import type { CsmsTest } from "../csms-test.js";
import { booted, certificateRenewal, renewChargingStationCertificate } from "../states.js";
import { probeTls, requiredSuites } from "../tls-probe.js";
import { csmsCase, expectFields, field } from "./define.js";

const basicProfiles = (config: ConformanceConfig) =>
  config.securityProfile === 1 || config.securityProfile === 2
    ? undefined
    : `needs security profile 1 or 2 (config "securityProfile" is ${config.securityProfile})`;
const tlsProfiles = (config: ConformanceConfig) =>
  config.securityProfile >= 2 ? undefined : `needs security profile 2 or 3 (config "securityProfile" is ${config.securityProfile})`;
const clientCertificates = (config: ConformanceConfig) =>
  config.securityProfile === 3 ? undefined : `needs security profile 3 (config "securityProfile" is ${config.securityProfile})`;

/** An identifierString of 16-40 alphanumerics with high entropy (A00: a random password). */
const randomPassword = () =>
  randomBytes(24)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 24)
    .padEnd(16, "x");

/** After the upgrade at `step`: BootNotification, its check, the connectors (steps step+2 .. step+5). */
async function bootAfterConnect(t: CsmsTest, step: number): Promise<void> {
  const boot = await t.send(step, "BootNotification", t.bootPayload("PowerUp"));
  t.expect(step + 1, "BootNotificationResponse status", boot.status, "Accepted");
  await t.notifyAllConnectors(step + 2);
}

/** Part 6's step 3 validations of the handshake: TLS 1.2 or above, the required suites of the key type, the certificate. */
async function expectGoodTls(t: CsmsTest, step: number, checkCertificate: boolean): Promise<void> {
  let outcome: Awaited<ReturnType<typeof probeTls>>;
  try {
    outcome = await probeTls(t.url, t.config);
  } catch (error) {
    t.expectThat(step, "the TLS handshake", false, "a completed handshake", (error as Error).message);
    return;
  }
  t.expectOneOf(step, "the TLS version", outcome.protocol, ["TLSv1.2", "TLSv1.3"]);
  const certificate = new X509Certificate(outcome.certificate.raw);
  const keyType = certificate.publicKey.asymmetricKeyType === "ec" ? "EC" : "RSA";
  for (const suite of requiredSuites[keyType]) {
    let ok = true;
    try {
      await probeTls(t.url, t.config, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: suite });
    } catch {
      ok = false;
    }
    t.expectThat(step, `the cipher suite ${suite}`, ok, "supported in TLS 1.2", "refused");
  }
  if (!checkCertificate) return;
  const bits = outcome.certificate.bits ?? 0;
  t.expectThat(
    step,
    "the server key size",
    keyType === "EC" ? bits >= 224 : bits >= 2048,
    keyType === "EC" ? ">= 224 bits" : ">= 2048 bits",
    bits,
  );
  t.expectThat(step, "the server certificate serial number", !!certificate.serialNumber, "a serial number", certificate.serialNumber);
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  const host = new URL(t.url).hostname.replace(/^\[|\]$/g, "");
  t.expect(step, "the server certificate subject commonName", commonName, host);
}

export const securityCases: readonly CsmsCase[] = [
  csmsCase({
    id: "TC_A_01_CSMS",
    name: "Basic Authentication - Valid username/password combination",
    useCases: ["A00", "B01"],
    features: [Feature.A, Feature.BasicAuth],
    requires: basicProfiles,
    connectsItself: true,
    async run(t) {
      await t.expectConnection(1, true);
      await bootAfterConnect(t, 3);
    },
  }),
  csmsCase({
    id: "TC_A_02_CSMS",
    name: "Basic Authentication - Username does not equal ChargingStationId",
    useCases: ["A00"],
    features: [Feature.A, Feature.BasicAuth],
    requires: basicProfiles,
    connectsItself: true,
    run: (t) =>
      t.expectConnection(1, false, {
        basic: { username: `${t.stationId}Invalid`, password: t.memory.basicAuthPassword ?? t.config.basicAuthPassword ?? "" },
      }),
  }),
  csmsCase({
    id: "TC_A_03_CSMS",
    name: "Basic Authentication - Invalid password",
    useCases: ["A00"],
    features: [Feature.A, Feature.BasicAuth],
    requires: basicProfiles,
    connectsItself: true,
    run: (t) => t.expectConnection(1, false, { basic: { username: t.stationId, password: randomPassword() } }),
  }),
  csmsCase({
    id: "TC_A_04_CSMS",
    name: "TLS - server-side certificate - Valid certificate",
    useCases: ["A00"],
    features: [Feature.A, Feature.Tls],
    requires: tlsProfiles,
    connectsItself: true,
    async run(t) {
      await expectGoodTls(t, 3, true);
      await t.expectConnection(5, true);
      await bootAfterConnect(t, 7);
    },
  }),
  csmsCase({
    id: "TC_A_06_CSMS",
    name: "TLS - server-side certificate - TLS version too low",
    useCases: ["A00"],
    features: [Feature.A, Feature.Tls],
    requires: tlsProfiles,
    connectsItself: true,
    async run(t) {
      let refusal: (Error & { code?: string }) | undefined;
      try {
        // SECLEVEL=0 lets this side offer TLS 1.0/1.1 at all.
        await probeTls(t.url, t.config, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
      } catch (error) {
        refusal = error as Error & { code?: string };
      }
      if (refusal?.code === "ERR_SSL_NO_PROTOCOLS_AVAILABLE")
        throw new Error(`this machine's OpenSSL cannot offer TLS 1.1: ${refusal.message}`);
      t.expectThat(
        2,
        "the CSMS terminates a TLS 1.1 handshake",
        refusal !== undefined,
        "a refused handshake",
        "a completed TLS 1.1 handshake",
      );
      await expectGoodTls(t, 5, false);
      await t.expectConnection(7, true);
      await bootAfterConnect(t, 9);
    },
  }),
  csmsCase({
    id: "TC_A_07_CSMS",
    name: "TLS - Client-side certificate - valid certificate",
    useCases: ["A00"],
    features: [Feature.A, Feature.Tls, Feature.ClientCertificates],
    requires: clientCertificates,
    connectsItself: true,
    async run(t) {
      await expectGoodTls(t, 3, false);
      await t.expectConnection(5, true);
      await bootAfterConnect(t, 7);
    },
  }),
  csmsCase({
    id: "TC_A_08_CSMS",
    name: "TLS - Client-side certificate - Invalid certificate",
    useCases: ["A00"],
    features: [Feature.A, Feature.Tls, Feature.ClientCertificates],
    requires: (config) =>
      clientCertificates(config) ??
      (config.tls?.invalidCert && config.tls.invalidKey
        ? undefined
        : 'needs an invalid client certificate (config "tls.invalidCert", "tls.invalidKey")'),
    connectsItself: true,
    async run(t) {
      const { invalidCert, invalidKey } = t.config.tls ?? {};
      // Over TLS 1.3 a refused client certificate may show only after the handshake: the upgrade is what must fail.
      await t.expectConnection(3, false, { clientCertificate: { cert: invalidCert ?? "", key: invalidKey ?? "" } });
      await t.expectConnection(9, true);
      await bootAfterConnect(t, 11);
    },
  }),
  csmsCase({
    id: "TC_A_09_CSMS",
    name: "Update Charging Station Password for HTTP Basic Authentication - Accepted",
    useCases: ["A01"],
    features: [Feature.A, Feature.BasicAuth],
    requires: basicProfiles,
    run: (t) => changePassword(t, "Accepted"),
  }),
  csmsCase({
    id: "TC_A_10_CSMS",
    name: "Update Charging Station Password for HTTP Basic Authentication - Rejected",
    useCases: ["A01"],
    features: [Feature.A, Feature.BasicAuth],
    requires: basicProfiles,
    run: (t) => changePassword(t, "Rejected"),
  }),
  csmsCase({
    id: "TC_A_11_CSMS",
    name: "Update Charging Station Certificate by request of CSMS - Success - Charging Station Certificate",
    useCases: ["A02", "F06"],
    // Prerequisite: "The CSMS supports security profile 3"; the station connects with its configured profile.
    features: [Feature.A, Feature.ClientCertificates],
    async run(t) {
      await renewChargingStationCertificate(t);
    },
  }),
  csmsCase({
    id: "TC_A_14_CSMS",
    name: "Update Charging Station Certificate by request of CSMS - Invalid certificate",
    useCases: ["A02"],
    features: [Feature.A, Feature.ClientCertificates],
    async run(t) {
      await certificateRenewal(t, "Rejected");
    },
  }),
  csmsCase({
    id: "TC_A_19_CSMS",
    name: "Upgrade Charging Station Security Profile - Accepted",
    useCases: ["A05"],
    features: [Feature.A, Feature.Tls],
    requires: (config) => {
      const from = config.securityProfile;
      if (from !== 1 && from !== 2) return `needs security profile 1 or 2 (config "securityProfile" is ${from})`;
      if (!config.networkProfile.ocppCsmsUrl.startsWith("wss://"))
        return `needs a wss:// networkProfile.ocppCsmsUrl for security profile ${from + 1} (config has ${config.networkProfile.ocppCsmsUrl})`;
      if (!config.features.includes(Feature.ClientCertificates) && from === 2)
        return 'the CSMS does not claim ClientCertificates (config "features")';
      return undefined;
    },
    run: upgradeSecurityProfile,
  }),
];

/**
 * A05 (Table 266): the CSMS sets a network profile of the next security profile, makes it the first
 * priority and reboots the station, which then connects with it; the old profile is refused from then on.
 * From profile 2 the station first gets its certificate (Memory State RenewChargingStationCertificate):
 * the client certificate of profile 3.
 */
async function upgradeSecurityProfile(t: CsmsTest): Promise<void> {
  const to = t.config.securityProfile + 1;
  const clientCertificate = to === 3 ? await renewChargingStationCertificate(t) : undefined;
  const n = t.config.networkProfile;
  const slot = n.configurationSlot;
  const connectionData = {
    ocppVersion: "OCPP20",
    ocppTransport: "JSON",
    ocppCsmsUrl: n.ocppCsmsUrl,
    messageTimeout: n.messageTimeout,
    securityProfile: to,
    ocppInterface: n.ocppInterface,
  };
  const set = await t.receive(1, "SetNetworkProfile", {
    instruction: `Request the CSMS to set a new NetworkConnectionProfile in slot ${slot} (${n.ocppCsmsUrl}) with security profile ${to}`,
    payload: { configurationSlot: slot, connectionData },
  });
  expectFields(t, 1, "SetNetworkProfileRequest", set.payload, {
    "connectionData.messageTimeout": n.messageTimeout,
    "connectionData.ocppCsmsUrl": n.ocppCsmsUrl,
    "connectionData.ocppInterface": n.ocppInterface,
    "connectionData.ocppTransport": "JSON",
    "connectionData.ocppVersion": "OCPP20",
    "connectionData.securityProfile": to,
  });
  const newSlot = field(set.payload, "configurationSlot");
  await set.reply(2, { status: "Accepted" });
  const component = { name: "OCPPCommCtrlr" };
  const variable = { name: "NetworkConfigurationPriority" };
  const priority = await t.receive(3, "SetVariables", {
    instruction: `Request the CSMS to change OCPPCommCtrlr.NetworkConfigurationPriority to one that contains slot ${String(newSlot)}`,
    payload: { setVariableData: [{ component, variable, attributeValue: String(newSlot) }] },
  });
  const entries = (Array.isArray(priority.payload.setVariableData) ? priority.payload.setVariableData : []) as unknown[];
  const entry = entries.find((e) => field(e, "component.name") === component.name && field(e, "variable.name") === variable.name);
  t.expectThat(3, "SetVariablesRequest has OCPPCommCtrlr.NetworkConfigurationPriority", entry !== undefined, "an entry for it", entries);
  const slots = String(field(entry, "attributeValue"))
    .split(",")
    .map((s) => s.trim());
  t.expectThat(
    3,
    "SetVariablesRequest attributeValue",
    slots.includes(String(newSlot)),
    `a priority list containing slot ${String(newSlot)}`,
    field(entry, "attributeValue"),
  );
  await priority.reply(4, { setVariableResult: [{ attributeStatus: "Accepted", component, variable }] });
  const reset = await t.receive(5, "Reset", {
    instruction: "Request the CSMS to reboot the Charging Station",
    payload: { type: "Immediate" },
  });
  await reset.reply(6, { status: "Accepted" });
  await t.disconnect(7);
  const upgraded = { url: n.ocppCsmsUrl, securityProfile: to, clientCertificate };
  await t.expectConnection(7, true, { connection: upgraded });
  // The station has the new profile now, in the following cases too (A05.FR.07).
  t.memory.upgraded = upgraded;
  await booted(t);
  await t.disconnect(10);
  await t.expectConnection(10, false, { connection: "configured" });
}

/** A01: the CSMS sets a new BasicAuthPassword; the OCTT reconnects with the new one (Accepted) or the old one (Rejected). */
async function changePassword(t: CsmsTest, status: "Accepted" | "Rejected"): Promise<void> {
  const component = { name: "SecurityCtrlr" };
  const variable = { name: "BasicAuthPassword" };
  const set = await t.receive(1, "SetVariables", {
    instruction: "Request the CSMS to set a new BasicAuthPassword on the Charging Station",
    payload: { setVariableData: [{ component, variable, attributeValue: randomPassword() }] },
  });
  const entries = (Array.isArray(set.payload.setVariableData) ? set.payload.setVariableData : []) as {
    component?: { name?: string };
    variable?: { name?: string };
    attributeValue?: unknown;
  }[];
  const entry = entries.find((e) => e.component?.name === component.name && e.variable?.name === variable.name);
  t.expectThat(
    1,
    "SetVariablesRequest has SecurityCtrlr.BasicAuthPassword",
    entry !== undefined,
    "an entry for SecurityCtrlr.BasicAuthPassword",
    entries,
  );
  const password = status === "Accepted" ? String(entry?.attributeValue) : (t.memory.basicAuthPassword ?? t.config.basicAuthPassword ?? "");
  await set.reply(2, { setVariableResult: [{ attributeStatus: status, component, variable }] });
  // From now on the station authenticates with the new password, in the following cases too.
  if (status === "Accepted") t.memory.basicAuthPassword = password;
  await t.disconnect(3);
  await t.expectConnection(3, true, { basic: { username: t.stationId, password } });
  await bootAfterConnect(t, 5);
}
