/** Block A, Security (part 6 section 2.2): the TC_A_*_CS cases, steps numbered as there. */
import type { CsCase } from "../case.js";
import type { ConformanceConfig } from "../config.js";
import { certificateInstalled, expectCsr, renewChargingStationCertificate, testCa } from "./certificate-states.js";
import type { CsTest } from "./cs-test.js";
import { booted, csCase, field } from "./states.js";

type Body = Record<string, unknown>;

const basicProfiles = (config: ConformanceConfig) =>
  (config.securityProfile === 1 || config.securityProfile === 2) && config.basicAuthPassword
    ? undefined
    : `needs security profile 1 or 2 with a "basicAuthPassword" (config "securityProfile" is ${config.securityProfile})`;
export const profile3 = (config: ConformanceConfig) =>
  config.securityProfile === 3 ? undefined : `needs security profile 3 (config "securityProfile" is ${config.securityProfile})`;
export const tlsProfiles = (config: ConformanceConfig) =>
  config.securityProfile >= 2 ? undefined : `needs security profile 2 or 3 (config "securityProfile" is ${config.securityProfile})`;
const upgradable = (config: ConformanceConfig) =>
  config.securityProfile >= 1 && config.securityProfile <= 2
    ? undefined
    : `needs security profile 1 or 2, so there is a higher one (config "securityProfile" is ${config.securityProfile})`;

/**
 * `<Configured CertSigningWaitMinimum>` (TC_A_23): the runner sets SecurityCtrlr.CertSigningWaitMinimum to
 * this many seconds before the case, as its Configuration State says.
 */
export const certSigningWaitMinimumS = 3;
/** A timer fires no earlier than set; the tool sees the station's message a little after it went out. */
const earlyMs = 250;

/** A00.FR.205: 16 to 40 characters, alphanumerics and the special characters of identifierString. */
const passwordPattern = /^[A-Za-z0-9*\-_=:+|@.]{16,40}$/;

const variable = (component: string, name: string) => ({ component: { name: component }, variable: { name } });

export async function setVariable(t: CsTest, step: number | string, component: string, name: string, value: string): Promise<Body> {
  const response = await t.send(step, "SetVariables", { setVariableData: [{ ...variable(component, name), attributeValue: value }] });
  return ((response.setVariableResult as Body[] | undefined) ?? [])[0] ?? {};
}

export async function getVariable(t: CsTest, step: number | string, component: string, name: string): Promise<string | undefined> {
  const response = await t.send(step, "GetVariables", { getVariableData: [variable(component, name)] });
  return field(response, "getVariableResult.0.attributeValue") as string | undefined;
}

/**
 * "<Configured configurationSlot> or <Configured configurationSlot2> depending on which one is already in
 * use": the slot the station is not connected with, and the one it is (configurationSlot2 is the next slot).
 */
export async function slots(t: CsTest): Promise<{ free: number; active: number }> {
  const configured = t.config.networkProfile.configurationSlot;
  const active = Number(await getVariable(t, "before", "OCPPCommCtrlr", "ActiveNetworkProfile")) || configured;
  return { free: active === configured ? configured + 1 : configured, active };
}

/** Steps 1-2 of the network profile cases: SetNetworkProfile for `slot` with `url` and `securityProfile`, Accepted. */
export async function setNetworkProfile(t: CsTest, slot: number, url: string, securityProfile: number): Promise<void> {
  const stored = await sendNetworkProfile(t, slot, securityProfile, url);
  t.expect(2, "SetNetworkProfileResponse status", stored.status, "Accepted");
}

/** Steps 3-6: the new NetworkConfigurationPriority, and the OnIdle reset it may need (`always`: TC_B_49 resets anyway). */
export async function prioritize(t: CsTest, priority: string, always = false): Promise<void> {
  const result = await setVariable(t, 3, "OCPPCommCtrlr", "NetworkConfigurationPriority", priority);
  t.expectOneOf(4, "SetVariablesResponse setVariableResult[0].attributeStatus", result.attributeStatus, ["Accepted", "RebootRequired"]);
  if (!always && result.attributeStatus !== "RebootRequired") return;
  const reset = await t.send(5, "Reset", { type: "OnIdle" });
  t.expect(6, "ResetResponse status", reset.status, "Accepted");
}

/**
 * Step 1: SetNetworkProfile for `slot` with security profile `securityProfile`; by default (TC_A_20-22) to
 * <ocppCsmsUrl that is not currently active>: the configured one, which is not the runner's.
 */
async function sendNetworkProfile(t: CsTest, slot: number, securityProfile: number, url?: string): Promise<Body> {
  const n = t.config.networkProfile;
  return t.send(1, "SetNetworkProfile", {
    configurationSlot: slot,
    connectionData: {
      messageTimeout: n.messageTimeout,
      ocppCsmsUrl: url ?? n.ocppCsmsUrl,
      ocppInterface: n.ocppInterface,
      ocppTransport: "JSON",
      ocppVersion: "OCPP20",
      securityProfile,
    },
  });
}

/** TC_A_20 and TC_A_21: the profile is stored, and the priority that would use it is Rejected. */
function upgradeRejected(
  id: string,
  name: string,
  requirement: string,
  target: number,
  requires: (config: ConformanceConfig) => string | undefined,
): CsCase {
  return csCase({
    id,
    name: `Upgrade Charging Station Security Profile - ${name}`,
    useCases: ["A05"],
    requires,
    async run(t) {
      const { free, active } = await slots(t);
      const stored = await sendNetworkProfile(t, free, target);
      t.expect(2, "SetNetworkProfileResponse status", stored.status, "Accepted");
      const result = await setVariable(t, 3, "OCPPCommCtrlr", "NetworkConfigurationPriority", `${free},${active}`);
      t.expect(4, `SetVariablesResponse setVariableResult[0].attributeStatus (${requirement})`, result.attributeStatus, "Rejected");
    },
  });
}

export const securityCsCases: CsCase[] = [
  csCase({
    id: "TC_A_01_CS",
    name: "Basic Authentication - Valid username/password combination",
    useCases: ["A00", "B01"],
    requires: basicProfiles,
    async run(t) {
      await booted(t);
      const password = t.lastPassword;
      // The runner refuses any other username or password (HTTP 401), so a connection is the right header.
      t.expect(1, "the Authorization header's password", password, t.config.basicAuthPassword);
      t.expectThat(
        1,
        "BasicAuthPassword format",
        passwordPattern.test(password ?? ""),
        "16 to 40 alphanumerics or identifierString characters",
        password,
      );
    },
  }),
  csCase({
    id: "TC_A_09_CS",
    name: "Update Charging Station Password for HTTP Basic Authentication - Accepted",
    useCases: ["A01"],
    requires: basicProfiles,
    async run(t) {
      const newPassword = `ocppkitA09${Date.now().toString(36)}`.padEnd(20, "x");
      t.acceptPassword(newPassword);
      const result = await setVariable(t, 1, "SecurityCtrlr", "BasicAuthPassword", newPassword);
      t.expectOneOf(2, "SetVariablesResponse setVariableResult[0].attributeStatus", result.attributeStatus, ["Accepted", "RebootRequired"]);
      if (result.attributeStatus === "RebootRequired") {
        await booted(t);
      }
      await t.expectConnectionWith(3, newPassword);
      // Not part 6: the station goes back to the configured password for the cases that follow.
      const configured = t.config.basicAuthPassword as string;
      await setVariable(t, "after", "SecurityCtrlr", "BasicAuthPassword", configured);
      await t.expectConnectionWith("after", configured);
    },
  }),
  csCase({
    id: "TC_A_10_CS",
    name: "Update Charging Station Password for HTTP Basic Authentication - Rejected",
    useCases: ["A01"],
    requires: basicProfiles,
    async run(t) {
      const result = await setVariable(t, 1, "SecurityCtrlr", "BasicAuthPassword", "tooShort1234");
      t.expect(2, "SetVariablesResponse setVariableResult[0].attributeStatus", result.attributeStatus, "Rejected");
      await booted(t);
      // Step 3 / post scenario validation: the station still uses <Configured BasicAuthPassword>.
      t.expect(3, "the Authorization header's password", t.lastPassword, t.config.basicAuthPassword);
    },
  }),
  csCase({
    id: "TC_A_11_CS",
    name: "Update Charging Station Certificate by request of CSMS - Success - Charging Station Certificate",
    useCases: ["A02", "F06"],
    requires: profile3,
    async run(t) {
      await renewChargingStationCertificate(t);
    },
  }),
  csCase({
    id: "TC_A_14_CS",
    name: "Update Charging Station Certificate by request of CSMS - Invalid certificate",
    useCases: ["A02"],
    requires: profile3,
    async run(t) {
      const since = t.mark();
      const trigger = await t.send(1, "TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
      t.expect(2, "TriggerMessageResponse status", trigger.status, "Accepted");
      const request = await t.expectCall(3, "SignCertificate", { since });
      expectCsr(t, 3, request.payload.csr);
      // <Configured invalid_signingCertificate>: a certificate for another key than the CSR's.
      const signed = await t.send(5, "CertificateSigned", {
        certificateChain: testCa().pem,
        certificateType: "ChargingStationCertificate",
      });
      t.expect(6, "CertificateSignedResponse status", signed.status, "Rejected");
      const event = await t.expectCall(7, "SecurityEventNotification", {
        where: (p) => p.type === "InvalidChargingStationCertificate",
        describe: "type InvalidChargingStationCertificate",
      });
      t.expect(7, "SecurityEventNotificationRequest type", event.payload.type, "InvalidChargingStationCertificate");
    },
  }),
  csCase({
    id: "TC_A_15_CS",
    name: "Update Charging Station Certificate by request of CSMS - SignCertificateRequest Rejected",
    useCases: ["A02"],
    requires: profile3,
    async run(t) {
      t.answer("SignCertificate", { status: "Rejected" });
      const since = t.mark();
      const trigger = await t.send(1, "TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
      t.expect(2, "TriggerMessageResponse status", trigger.status, "Accepted");
      await t.expectCall(3, "SignCertificate", { since });
      t.answer("SignCertificate", undefined);
    },
  }),
  csCase({
    id: "TC_A_23_CS",
    name: "Update Charging Station Certificate by request of CSMS - CertificateSignedRequest Timeout",
    useCases: ["A02", "F06"],
    requires: (config) =>
      config.securityProfile === 3
        ? undefined
        : `needs a station that supports security profile 3 (config "securityProfile" is ${config.securityProfile})`,
    async run(t) {
      // Configuration State: CertSigningWaitMinimum <Configured>, CertSigningRepeatTimes 1.
      await setVariable(t, "before", "SecurityCtrlr", "CertSigningWaitMinimum", String(certSigningWaitMinimumS));
      await setVariable(t, "before", "SecurityCtrlr", "CertSigningRepeatTimes", "1");
      const since = t.mark();
      const trigger = await t.send(1, "TriggerMessage", { requestedMessage: "SignChargingStationCertificate" });
      t.expect(2, "TriggerMessageResponse status", trigger.status, "Accepted");
      const first = await t.expectCall(3, "SignCertificate", { since });
      expectCsr(t, 3, first.payload.csr);
      const waitS = certSigningWaitMinimumS;
      const second = await t.expectCall(6, "SignCertificate", { timeoutS: waitS + t.config.actionTimeoutS });
      expectCsr(t, 6, second.payload.csr);
      t.expectThat(
        5,
        "no SignCertificateRequest before CertSigningWaitMinimum",
        second.atMs - first.atMs >= waitS * 1000 - earlyMs,
        `at least ${waitS} s later`,
        `${Math.round(second.atMs - first.atMs)} ms later`,
      );
      const third = await t.expectCall(9, "SignCertificate", { timeoutS: 2 * waitS + t.config.actionTimeoutS });
      expectCsr(t, 9, third.payload.csr);
      t.expectThat(
        8,
        "no SignCertificateRequest before twice CertSigningWaitMinimum",
        third.atMs - second.atMs >= 2 * waitS * 1000 - earlyMs,
        `at least ${2 * waitS} s later`,
        `${Math.round(third.atMs - second.atMs)} ms later`,
      );
      const signed = await t.send(11, "CertificateSigned", {
        certificateChain: testCa().sign(String(first.payload.csr)),
        certificateType: "ChargingStationCertificate",
      });
      t.expect(12, "CertificateSignedResponse status", signed.status, "Accepted");
    },
  }),
  csCase({
    id: "TC_A_19_CS",
    name: "Upgrade Charging Station Security Profile - Accepted",
    useCases: ["A05"],
    requires: upgradable,
    async run(t) {
      const higher = t.config.securityProfile + 1;
      // Memory State: profile 1 needs a CSMS root to go to 2, profile 2 its own certificate to go to 3.
      if (t.config.securityProfile === 1) await certificateInstalled(t, "CSMSRootCertificate");
      else await renewChargingStationCertificate(t);
      const url = await t.upgradeEndpoint(1);
      const { free, active } = await slots(t);
      await setNetworkProfile(t, free, url, higher);
      await prioritize(t, `${free},${active}`);
      // Steps 7-8: the station connects to the new endpoint with security profile <Configured + 1>.
      await t.expectUpgradedConnection(7);
      await booted(t);
      const profile = await getVariable(t, 10, "SecurityCtrlr", "SecurityProfile");
      t.expect(11, "GetVariablesResponse getVariableResult[0].attributeValue (SecurityProfile)", profile, String(higher));
      const priority = (await getVariable(t, 12, "OCPPCommCtrlr", "NetworkConfigurationPriority")) ?? "";
      t.expectThat(
        13,
        "GetVariablesResponse getVariableResult[0].attributeValue (NetworkConfigurationPriority)",
        !priority
          .split(",")
          .map((s) => s.trim())
          .includes(String(active)),
        `without slot ${active}`,
        priority,
      );
    },
  }),
  // Prerequisites: profile 1 in use, no CSMSRootCertificate installed.
  upgradeRejected("TC_A_20_CS", "No valid CSMSRootCertificate installed", "A05.FR.02", 2, (config) =>
    config.securityProfile === 1 ? undefined : `needs security profile 1 (config "securityProfile" is ${config.securityProfile})`,
  ),
  // Prerequisites: a CSMSRootCertificate installed, no ChargingStationCertificate.
  upgradeRejected("TC_A_21_CS", "No valid ChargingStationCertificate installed", "A05.FR.03", 3, upgradable),
  csCase({
    id: "TC_A_22_CS",
    name: "Upgrade Charging Station Security Profile - Downgrade security profile - Rejected",
    useCases: ["A05", "B09"],
    requires: tlsProfiles,
    async run(t) {
      const { free } = await slots(t);
      const response = await sendNetworkProfile(t, free, t.config.securityProfile - 1);
      t.expect(2, "SetNetworkProfileResponse status", response.status, "Rejected");
    },
  }),
];
