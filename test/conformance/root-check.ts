/**
 * A station with SecurityCtrlr.AdditionalRootCertificateCheck true on security profile 2 (real TLS on
 * 127.0.0.1): an old CSMS root, a new one it signed, the runner's server certificate of each, and the
 * simulator given the old root as its CSMS root (TC_B_47/50, TC_M_09/30/31).
 */
import { allFeatures, type ConformanceConfig } from "../../src/conformance/index.js";
import { TestCa } from "../../src/conformance/test-ca.js";
import { csConfig, type SecuredLink, stationId } from "./cs-harness.js";

export interface RootCheckRun {
  readonly config: ConformanceConfig;
  readonly secured: SecuredLink;
  readonly oldRoot: string;
  readonly newRoot: string;
}

const password = "root-check-password-0001";

export function rootCheckRun(over: Partial<ConformanceConfig> = {}): RootCheckRun {
  const old = TestCa.create("ocppkit test old CSMS root");
  const successor = old.successor("ocppkit test new CSMS root");
  const config = csConfig({
    securityProfile: 2,
    basicAuthPassword: password,
    features: allFeatures,
    // After a reset the station tries the new profile and the new root before the fallback (TC_B_47's
    // Booted): a few failed TLS attempts and their back-off.
    actionTimeoutS: 30,
    ...over,
    certificates: {
      ...csConfig().certificates,
      oldCSMSRootCertificate: old.pem,
      newCSMSRootCertificate: successor.pem,
    },
  });
  const secured: SecuredLink = {
    tls: old.serverTls(),
    newRootTls: successor.serverTls(),
    password,
    connect: { auth: { username: stationId, password }, ca: old.pem },
    prepare: (charger) => {
      charger.station.model.update("SecurityCtrlr", "AdditionalRootCertificateCheck", "true");
      charger.station.model.update("OCPPCommCtrlr", "RetryBackOffRandomRange", "0");
    },
  };
  return { config, secured, oldRoot: old.pem, newRoot: successor.pem };
}
