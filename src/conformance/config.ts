/**
 * The configuration the cases assume: part 6's `<Configured …>` values (station identity, idTokens valid,
 * invalid, blocked, expired, EVSE and connector, security profile, intervals), the features the system
 * under test claims, and the runner's time limits. A JSON file where every field is optional and has
 * the documented default below; lines starting with // are comments (`--init` writes a commented example).
 */
import { allFeatures, Feature } from "./case.js";
import { ConformanceError } from "./errors.js";
import { sampleCertificates } from "./sample-certificates.js";

export interface IdToken {
  readonly idToken: string;
  readonly type: string;
}

export interface ConformanceConfig {
  /** The station identity the runner connects as (the last path segment of the URL). */
  readonly stationId: string;
  /** A second identity the CSMS answers first with Pending (prerequisite of TC_B_02, TC_B_30, TC_B_31). */
  readonly pendingStationId: string;
  readonly model: string;
  readonly vendorName: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  /** EVSEs of the simulated station (each with one connector). */
  readonly evses: number;
  /** The EVSE and connector the cases use (`<Configured evseId>`, `<Configured connectorId>`). */
  readonly evseId: number;
  readonly connectorId: number;
  readonly idTokens: {
    readonly valid: IdToken;
    /** A second valid token with the same group id as `valid` (TC_C_39). */
    readonly validSameGroup: IdToken;
    readonly groupId: string;
    readonly invalid: IdToken;
    readonly blocked: IdToken;
    readonly expired: IdToken;
    /** A master pass token (TC_C_47..49): its group id is `masterPassGroupId`. */
    readonly masterPass: IdToken;
    /** `<Configured masterPassGroupId>` (AuthCtrlr.MasterPassGroupId). */
    readonly masterPassGroupId: string;
  };
  /** 0 (none), 1 (Basic over ws), 2 (Basic over wss), 3 (client certificate over wss). */
  readonly securityProfile: number;
  /** HTTP Basic password of profiles 1 and 2 (the username is the station id). */
  readonly basicAuthPassword?: string;
  /**
   * PEM files for wss://: the CA to trust, for profile 3 the client certificate and key, and a client
   * certificate the CSMS must refuse (TC_A_08: unknown, expired, or a commonName that is not the station's).
   */
  readonly tls?: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly invalidCert?: string;
    readonly invalidKey?: string;
  };
  /** `<Configured heartbeatInterval>`: seconds between BootNotifications when a Pending answer gives interval 0. */
  readonly heartbeatIntervalS: number;
  /** `<Configured Transaction Duration>`: seconds the tool waits while energy flows. */
  readonly transactionDurationS: number;
  /** `<Configured ev_connection_timeout>`: TxCtrlr.EVConnectionTimeOut the station gets in TC_E_05/39, TC_F_04, in seconds. */
  readonly evConnectionTimeoutS: number;
  /** `<Configured RetryBackOffWaitMinimum_duration>`: how long the tool keeps the station offline (TC_E_16/40/43/44), in seconds. */
  readonly retryBackOffWaitMinimumS: number;
  /** `<Configured clock-aligned Meter Values interval>` (AlignedDataCtrlr.Interval), in seconds. */
  readonly clockAlignedIntervalS: number;
  /** `<Configured sampled Meter Values interval>` (SampledDataCtrlr.TxUpdatedInterval), in seconds. */
  readonly sampledIntervalS: number;
  /**
   * The firmware the CSMS is asked to install (TC_L_*): its location, and the signing certificate and
   * signature the runner compares with what the CSMS sends (`<Configured signingCertificate>`).
   */
  readonly firmware: {
    readonly location: string;
    readonly signingCertificate: string;
    readonly signature: string;
    /** A station case's `<Configured Download Offset Period>` / `<Configured Install Offset Period>` (TC_L_03_CS, TC_L_02_CS), in seconds. */
    readonly downloadOffsetS: number;
    readonly installOffsetS: number;
    /** `<Configured invalid firmware signature>` (TC_L_06_CS); default: the signature with a byte changed. */
    readonly invalidSignature?: string;
    /**
     * TC_L_05_CS's `<Configured Invalid Firmware SigningCertificate>`: a well-formed certificate the station
     * must refuse as a firmware signing certificate (not issued by its ManufacturerRootCertificate).
     */
    readonly invalidSigningCertificate?: string;
    /**
     * TC_L_08_CS's `<Configured invalid firmware location>` with its signing certificate and signature: a
     * firmware that verifies but whose installation fails (part 6 uses the same names as TC_L_05/06 for
     * values that must verify here, so they are a field of their own).
     */
    readonly installFailure?: { readonly location: string; readonly signingCertificate: string; readonly signature: string };
  };
  /** `<The configured certificate of the specified certificateType>` (TC_M_*): PEM text your CSMS installs. */
  readonly certificates: {
    readonly CSMSRootCertificate: string;
    readonly ManufacturerRootCertificate: string;
    /**
     * A station case's `<Configured old CSMS Root certificate>` (AdditionalRootCertificateCheck, TC_B_47/50,
     * TC_M_09/30/31): the root of the server certificate the runner serves (--tls), the one the station trusts.
     */
    readonly oldCSMSRootCertificate?: string;
    /** `<Configured (new) CSMS Root certificate 2>`: signed by the old one; the root of --new-root-tls's certificate. */
    readonly newCSMSRootCertificate?: string;
  };
  /** Where the CSMS asks for log uploads (GetLog log.remoteLocation, TC_N_25/34/35/36). */
  readonly logRemoteLocation: string;
  /**
   * The runner's log upload endpoint (TC_N_25/26/35/36 of a station): it listens on the runner's host at
   * `port` (0: a free one); `url` is what the station is given when it reaches the runner by another
   * name (default http://<host>:<port>/); `retryIntervalS` is `<Configured retryInterval>` (TC_N_26),
   * `logType` `<Configured logType>` (TC_N_36).
   */
  readonly logUpload: { readonly port: number; readonly url?: string; readonly retryIntervalS: number; readonly logType: string };
  /** `<Configured customerIdentifier>` (TC_N_62): stored at the station by hand before the case. */
  readonly customerIdentifier: string;
  /** `<Configured vendorId>` and `<Configured messageId>` of a DataTransfer the CSMS does not know (TC_P_02). */
  readonly dataTransfer: { readonly vendorId: string; readonly messageId: string };
  /** `<Configured configurationSlot>` and the connection data of TC_B_42 / TC_A_19. */
  readonly networkProfile: {
    readonly configurationSlot: number;
    readonly ocppCsmsUrl: string;
    readonly messageTimeout: number;
    readonly ocppInterface: string;
  };
  /** The features the CSMS claims (like the PICS of certification); a case needing another is not applicable. */
  readonly features: readonly Feature[];
  /** Seconds to wait for a CALLRESULT of the system under test. */
  readonly responseTimeoutS: number;
  /** Seconds to wait for a message the system under test sends on its own or on a trigger. */
  readonly actionTimeoutS: number;
  /** Longest the runner waits for a time the CSMS sets (a Pending interval, a firmware retrieve or install time), in seconds. */
  readonly maxWaitS: number;
}

const optInFeatures = new Set<Feature>([Feature.PermanentCable, Feature.UserInterface, Feature.AdditionalRootCertificateCheck]);

export const defaultConfig: ConformanceConfig = {
  stationId: "OCPPKIT-CS1",
  pendingStationId: "OCPPKIT-CS1-PENDING",
  model: "ocppkit-conformance",
  vendorName: "ocppkit",
  firmwareVersion: "1.0.0",
  serialNumber: "OCPPKIT-0001",
  evses: 2,
  evseId: 1,
  connectorId: 1,
  idTokens: {
    valid: { idToken: "VALID-0001", type: "ISO14443" },
    validSameGroup: { idToken: "VALID-0002", type: "ISO14443" },
    groupId: "GROUP-0001",
    invalid: { idToken: "INVALID-0001", type: "ISO14443" },
    blocked: { idToken: "BLOCKED-0001", type: "ISO14443" },
    expired: { idToken: "EXPIRED-0001", type: "ISO14443" },
    masterPass: { idToken: "MASTER-0001", type: "ISO14443" },
    masterPassGroupId: "MASTERPASS",
  },
  securityProfile: 0,
  heartbeatIntervalS: 60,
  transactionDurationS: 0,
  evConnectionTimeoutS: 30,
  retryBackOffWaitMinimumS: 10,
  clockAlignedIntervalS: 10,
  sampledIntervalS: 10,
  logRemoteLocation: "https://logs.example.com/upload",
  logUpload: { port: 0, retryIntervalS: 5, logType: "DiagnosticsLog" },
  customerIdentifier: "OpenChargeAlliance",
  certificates: sampleCertificates,
  firmware: {
    location: "https://firmware.example.com/ocppkit-1.0.1.bin",
    signingCertificate: "-----BEGIN CERTIFICATE-----\nMIIBocppkitConformanceFirmwareSigningCertificate\n-----END CERTIFICATE-----",
    signature: "b2NwcGtpdCBjb25mb3JtYW5jZSBmaXJtd2FyZSBzaWduYXR1cmU=",
    downloadOffsetS: 60,
    installOffsetS: 60,
  },
  dataTransfer: { vendorId: "org.ocppkit.conformance", messageId: "Unknown" },
  networkProfile: { configurationSlot: 1, ocppCsmsUrl: "wss://csms.example.com/ocpp", messageTimeout: 30, ocppInterface: "Wired0" },
  // Not claimed by default, like the simulator started without options: PermanentCable (a socket and a
  // detachable cable), UserInterface (a master pass stops every transaction, TC_C_49) and
  // AdditionalRootCertificateCheck (part 6's general pre condition: false unless a station claims it).
  features: allFeatures.filter((feature) => !optInFeatures.has(feature)),
  responseTimeoutS: 30,
  actionTimeoutS: 60,
  maxWaitS: 60,
};

/** JSON with whole-line // comments (what `--init` writes). */
export function parseConfigText(text: string, source: string): Partial<ConformanceConfig> {
  const json = text
    .split("\n")
    .filter((line) => !/^\s*\/\//.test(line))
    .join("\n");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConformanceError("BadConfig", `${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConformanceError("BadConfig", `${source} must hold a JSON object`);
  return value as Partial<ConformanceConfig>;
}

const numberFields = [
  "evses",
  "evseId",
  "connectorId",
  "securityProfile",
  "heartbeatIntervalS",
  "transactionDurationS",
  "evConnectionTimeoutS",
  "retryBackOffWaitMinimumS",
  "clockAlignedIntervalS",
  "sampledIntervalS",
  "responseTimeoutS",
  "actionTimeoutS",
  "maxWaitS",
] as const;
const stringFields = [
  "stationId",
  "pendingStationId",
  "model",
  "vendorName",
  "firmwareVersion",
  "serialNumber",
  "logRemoteLocation",
  "customerIdentifier",
] as const;

/** Lays `given` over the defaults and checks it; a mistake names the field. */
export function resolveConfig(given: Partial<ConformanceConfig> = {}, source = "the config"): ConformanceConfig {
  const known = new Set(Object.keys(defaultConfig).concat("basicAuthPassword", "tls"));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new ConformanceError("BadConfig", `${source}: unknown field "${key}" (known: ${[...known].join(", ")})`);
  }
  const config: ConformanceConfig = {
    ...defaultConfig,
    ...given,
    idTokens: { ...defaultConfig.idTokens, ...given.idTokens },
    networkProfile: { ...defaultConfig.networkProfile, ...given.networkProfile },
    dataTransfer: { ...defaultConfig.dataTransfer, ...given.dataTransfer },
    firmware: { ...defaultConfig.firmware, ...given.firmware },
    certificates: { ...defaultConfig.certificates, ...given.certificates },
    logUpload: { ...defaultConfig.logUpload, ...given.logUpload },
  };
  for (const field of numberFields) {
    const value = config[field];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ConformanceError("BadConfig", `${source}: "${field}" must be a number >= 0, got ${JSON.stringify(value)}`);
    }
  }
  for (const field of stringFields) {
    if (typeof config[field] !== "string" || !config[field]) {
      throw new ConformanceError("BadConfig", `${source}: "${field}" must be a non-empty string`);
    }
  }
  for (const field of ["downloadOffsetS", "installOffsetS"] as const) {
    const value = config.firmware[field];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
      throw new ConformanceError("BadConfig", `${source}: "firmware.${field}" must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  const { invalidSigningCertificate, installFailure } = config.firmware;
  if (invalidSigningCertificate !== undefined && (typeof invalidSigningCertificate !== "string" || !invalidSigningCertificate))
    throw new ConformanceError("BadConfig", `${source}: "firmware.invalidSigningCertificate" must be a non-empty string (PEM)`);
  if (installFailure !== undefined) {
    for (const field of ["location", "signingCertificate", "signature"] as const) {
      if (typeof installFailure?.[field] !== "string" || !installFailure[field])
        throw new ConformanceError("BadConfig", `${source}: "firmware.installFailure.${field}" must be a non-empty string`);
    }
  }
  const givenUpload = given.logUpload as unknown;
  if (givenUpload !== undefined && (typeof givenUpload !== "object" || givenUpload === null || Array.isArray(givenUpload)))
    throw new ConformanceError("BadConfig", `${source}: "logUpload" must be an object like {"port": 0, "retryIntervalS": 5}`);
  const { logUpload } = config;
  if (!Number.isInteger(logUpload.port) || logUpload.port < 0 || logUpload.port > 65535)
    throw new ConformanceError("BadConfig", `${source}: "logUpload.port" must be a port number (0: a free one)`);
  if (typeof logUpload.retryIntervalS !== "number" || !Number.isInteger(logUpload.retryIntervalS) || logUpload.retryIntervalS < 0)
    throw new ConformanceError("BadConfig", `${source}: "logUpload.retryIntervalS" must be a whole number of seconds >= 0`);
  if (logUpload.logType !== "DiagnosticsLog" && logUpload.logType !== "SecurityLog")
    throw new ConformanceError("BadConfig", `${source}: "logUpload.logType" must be "DiagnosticsLog" or "SecurityLog"`);
  if (logUpload.url !== undefined && !/^https?:\/\/./.test(String(logUpload.url)))
    throw new ConformanceError(
      "BadConfig",
      `${source}: "logUpload.url" must be an http:// or https:// URL the station reaches the runner at`,
    );
  if (config.evseId < 1 || config.evseId > config.evses) {
    throw new ConformanceError("BadConfig", `${source}: "evseId" must be from 1 to evses (${config.evses})`);
  }
  if (![0, 1, 2, 3].includes(config.securityProfile))
    throw new ConformanceError("BadConfig", `${source}: "securityProfile" must be 0, 1, 2 or 3`);
  for (const [name, token] of Object.entries(config.idTokens)) {
    if (name === "groupId" || name === "masterPassGroupId") {
      if (typeof token !== "string" || !token)
        throw new ConformanceError("BadConfig", `${source}: "idTokens.${name}" must be a non-empty string`);
      continue;
    }
    const t = token as IdToken;
    if (typeof t?.idToken !== "string" || typeof t?.type !== "string") {
      throw new ConformanceError("BadConfig", `${source}: "idTokens.${name}" must be {"idToken": "...", "type": "ISO14443"}`);
    }
  }
  if (!Array.isArray(config.features)) throw new ConformanceError("BadConfig", `${source}: "features" must be a list`);
  for (const feature of config.features) {
    if (!allFeatures.includes(feature)) {
      throw new ConformanceError("BadConfig", `${source}: unknown feature "${feature}" (features: ${allFeatures.join(", ")})`);
    }
  }
  return config;
}

/** The commented example `ocppkit conformance csms --init` writes: every field at its default. */
export function exampleConfigText(): string {
  const d = defaultConfig;
  const line = (comment: string, key: string, value: unknown, last = false) =>
    `  // ${comment}\n  ${JSON.stringify(key)}: ${JSON.stringify(value)}${last ? "" : ","}\n`;
  return [
    "// ocppkit conformance: the <Configured ...> values of OCPP 2.0.1 part 6. Every field is optional;\n",
    "// the values below are the defaults. Lines starting with // are comments.\n",
    "{\n",
    line("the station identity the runner connects as", "stationId", d.stationId),
    line("a second identity your CSMS answers first with Pending (TC_B_02, TC_B_30, TC_B_31)", "pendingStationId", d.pendingStationId),
    line("BootNotification chargingStation.model", "model", d.model),
    line("BootNotification chargingStation.vendorName", "vendorName", d.vendorName),
    line("BootNotification chargingStation.firmwareVersion", "firmwareVersion", d.firmwareVersion),
    line("BootNotification chargingStation.serialNumber", "serialNumber", d.serialNumber),
    line("EVSEs of the simulated station, one connector each", "evses", d.evses),
    line("<Configured evseId>", "evseId", d.evseId),
    line("<Configured connectorId>", "connectorId", d.connectorId),
    line(
      "idTokens your CSMS knows: valid and validSameGroup (Accepted, groupIdToken groupId), invalid, blocked, expired, masterPass (Accepted, groupIdToken masterPassGroupId)",
      "idTokens",
      d.idTokens,
    ),
    line(
      "0 none, 1 Basic auth over ws://, 2 Basic auth over wss://, 3 client certificate over wss://",
      "securityProfile",
      d.securityProfile,
    ),
    "  // HTTP Basic password (profiles 1 and 2; the username is the station id):\n",
    '  // "basicAuthPassword": "secret",\n',
    "  // PEM files: the CA to trust, the client certificate and key (profile 3), an invalid client certificate (TC_A_08):\n",
    '  // "tls": {"ca": "ca.pem", "cert": "station.pem", "key": "station-key.pem", "invalidCert": "other.pem", "invalidKey": "other-key.pem"},\n',
    line("<Configured heartbeatInterval> in seconds", "heartbeatIntervalS", d.heartbeatIntervalS),
    line("<Configured Transaction Duration> in seconds", "transactionDurationS", d.transactionDurationS),
    line("<Configured ev_connection_timeout> in seconds (TxCtrlr.EVConnectionTimeOut)", "evConnectionTimeoutS", d.evConnectionTimeoutS),
    line(
      "<Configured RetryBackOffWaitMinimum_duration> in seconds (offline cases)",
      "retryBackOffWaitMinimumS",
      d.retryBackOffWaitMinimumS,
    ),
    line("<Configured clock-aligned Meter Values interval> in seconds", "clockAlignedIntervalS", d.clockAlignedIntervalS),
    line("<Configured sampled Meter Values interval> in seconds", "sampledIntervalS", d.sampledIntervalS),
    line(
      "the firmware (TC_L_*): what your CSMS is asked to install, with the signingCertificate and signature it must send; for a station, what it downloads (a URL of your file server), the offsets of TC_L_03_CS / TC_L_02_CS in seconds, and optionally invalidSigningCertificate (TC_L_05_CS: PEM the station must refuse) and installFailure { location, signingCertificate, signature } (TC_L_08_CS: a firmware that verifies but fails to install)",
      "firmware",
      d.firmware,
    ),
    line(
      "PEM certificates your CSMS installs (TC_M_*); the defaults are sample self-signed CAs. A station claiming AdditionalRootCertificateCheck also needs oldCSMSRootCertificate (the root of --tls's certificate) and newCSMSRootCertificate (signed by it; the root of --new-root-tls's)",
      "certificates",
      d.certificates,
    ),
    line("where your CSMS asks for log uploads (GetLog)", "logRemoteLocation", d.logRemoteLocation),
    line(
      "a station's log uploads (TC_N_25/26/35/36) go to the runner's HTTP endpoint on its --host at port (0: a free one); url: what the station is given if it reaches the runner by another name; <Configured retryInterval> and <Configured logType>",
      "logUpload",
      d.logUpload,
    ),
    line("<Configured customerIdentifier> stored at the station by hand (TC_N_62)", "customerIdentifier", d.customerIdentifier),
    line("a DataTransfer vendorId / messageId your CSMS does not know (TC_P_02)", "dataTransfer", d.dataTransfer),
    line("the network profile the CSMS is asked to set (TC_B_42, TC_B_44, TC_A_19)", "networkProfile", d.networkProfile),
    line(
      `the features your CSMS claims; a case needing another is "not applicable". All: ${allFeatures.join(", ")}`,
      "features",
      d.features,
    ),
    line("seconds to wait for a response of the CSMS", "responseTimeoutS", d.responseTimeoutS),
    line("seconds to wait for a message the CSMS sends by itself or on a trigger", "actionTimeoutS", d.actionTimeoutS),
    line(
      "longest wait for a time the CSMS sets (Pending interval, firmware retrieve or install time), in seconds",
      "maxWaitS",
      d.maxWaitS,
      true,
    ),
    "}\n",
  ].join("");
}
