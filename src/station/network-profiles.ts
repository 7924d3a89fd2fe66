/**
 * The station's network connection profiles (2.0.1 B09 SetNetworkProfile, B10 migration with fallback,
 * A05 upgrade of the security profile; part 6 TC_A_19-22, TC_B_43-49): the CSMS stores connection data
 * in a slot, OCPPCommCtrlr.NetworkConfigurationPriority orders the slots (from the next reboot: the
 * variable is RebootRequired), and the station connects with the first one. A slot that fails
 * NetworkProfileConnectionAttempts times in a row gives way to the next, and after the last the
 * station goes back to the profile it was last connected with (B10.FR.07, TC_B_47/49: "switches back
 * to the previous network profile configuration"), so a broken new profile cannot strand it.
 *
 * Slot 1 holds the command line's connection (the installer's setting) until the CSMS sets slot 1.
 * Credentials per security profile: 1 and 2 send Basic auth (the station id, SecurityCtrlr.
 * BasicAuthPassword or else the command line's password), 2 and 3 trust the installed
 * CSMSRootCertificates and the command line's CA, 3 presents the certificate CertificateSigned gave
 * the station, or else the command line's.
 */
import type { Endpoint, LinkStateChange } from "../transport/reconnecting-connection.js";
import type { DeviceModel } from "./device-model.js";
import { type RootCertificateCheck, serverCertificateInvalid } from "./root-certificate-check.js";

export interface ConnectionData {
  /** 2.0.1: OCPP20; 2.1 has OCPP201 and OCPP21 too, and may leave it out. */
  readonly ocppVersion?: string;
  readonly ocppTransport: string;
  readonly ocppCsmsUrl: string;
  readonly messageTimeout: number;
  readonly securityProfile: number;
  readonly ocppInterface: string;
}

export interface StoredNetwork {
  /** The slots the CSMS set, by number. */
  readonly slots: Readonly<Record<string, ConnectionData>>;
  /** The profile of the last connection that opened: the fallback. */
  readonly lastGood?: { readonly slot: number; readonly data: ConnectionData };
}

/** A link whose endpoint can change: ReconnectingConnection. */
export interface SwitchableLink {
  readonly endpoint: Endpoint;
  retarget(endpoint: Endpoint): void;
  readonly link?: { close(code?: number, reason?: string): void };
  on(event: "state", listener: (change: LinkStateChange) => void): unknown;
  off(event: "state", listener: (change: LinkStateChange) => void): unknown;
}

export interface NetworkContext {
  readonly model: DeviceModel;
  readonly stationId: string;
  /** The installed CSMSRootCertificates (PEM). */
  readonly csmsRoots: () => readonly string[];
  /** The station's own certificate chain and key, once a CertificateSigned was accepted. */
  readonly stationCertificate: () => { readonly cert: string; readonly key: string } | undefined;
  /** What the station did, one line (the simulator's event log). */
  readonly note: (text: string) => void;
  /** SecurityCtrlr.AdditionalRootCertificateCheck: while on, TLS trusts the one CSMS root (or its fallback) only. */
  readonly rootCheck?: RootCertificateCheck;
}

/** The connectionData.ocppVersion values of the versions the station speaks. */
const ocppVersions = ["OCPP20", "OCPP201", "OCPP21"];

/** The slots a station has (B09.FR.02: another one is Rejected). */
export const networkSlots = 8;

interface Candidate {
  readonly slot: number;
  readonly data: ConnectionData;
}

const sameData = (a: ConnectionData, b: ConnectionData) => JSON.stringify(a) === JSON.stringify(b);

/** `ws://host/ocpp` + CP1 -> `ws://host/ocpp/CP1` (the connection data's URL is without the identity). */
export function stationUrl(csmsUrl: string, stationId: string): string {
  const url = new URL(csmsUrl);
  const segments = url.pathname.split("/").filter(Boolean);
  if (segments.at(-1) === encodeURIComponent(stationId)) return url.href;
  url.pathname = `${url.pathname.replace(/\/$/, "")}/${encodeURIComponent(stationId)}`;
  return url.href;
}

/** The security profile a command line's endpoint stands for (0: ocppkit's plain ws:// without credentials). */
export function securityProfileOf(endpoint: Endpoint): number {
  const secure = endpoint.url.startsWith("wss:");
  // Basic auth with a client certificate is profile 2 (the certificate waits for an upgrade to 3).
  if (secure && endpoint.cert && endpoint.key && !endpoint.auth) return 3;
  if (endpoint.auth) return secure ? 2 : 1;
  return secure ? 2 : 0;
}

export class NetworkProfiles {
  readonly #context: NetworkContext;
  #slots = new Map<number, ConnectionData>();
  #lastGood: Candidate | undefined;
  #factory: Endpoint | undefined;
  #link: SwitchableLink | undefined;
  #candidates: Candidate[] = [];
  #index = 0;
  #failures = 0;
  /** The attempts verify the server with the fallback CSMS root (M05.FR.14), not the new one. */
  #usingFallbackRoot = false;
  /** With the check on: the installed certificates' generation when the open link connected. */
  #rootsAtConnect: number | undefined;
  /** Called when something worth keeping changed. */
  changed: () => void = () => {};

  constructor(context: NetworkContext) {
    this.#context = context;
  }

  /** The security profile in use: the last connection's, else the command line's. */
  get securityProfile(): number {
    const value = this.#lastGood?.data.securityProfile ?? (this.#factory ? securityProfileOf(this.#factory) : undefined);
    return value ?? (Number(this.#context.model.value("SecurityCtrlr", "SecurityProfile")) || 0);
  }

  /** The slot of the connection in use (or being tried). */
  get activeSlot(): number | undefined {
    return this.#candidates[this.#index]?.slot ?? this.#lastGood?.slot;
  }

  /** Another profile is there to try when this one fails (a refusal then is no reason to give up). */
  get fallsBack(): boolean {
    const check = this.#context.rootCheck;
    const fallbackRoot = check?.enabled === true && check.fallback !== undefined && !this.#usingFallbackRoot;
    return this.#link !== undefined && (this.#candidates.length > 1 || fallbackRoot);
  }

  slot(number: number): ConnectionData | undefined {
    return this.#slots.get(number) ?? (number === 1 ? this.#factoryData() : undefined);
  }

  #factoryData(): ConnectionData | undefined {
    const factory = this.#factory;
    if (!factory) return undefined;
    const url = new URL(factory.url);
    const segments = url.pathname.split("/");
    if (segments.at(-1) === encodeURIComponent(this.#context.stationId)) url.pathname = segments.slice(0, -1).join("/") || "/";
    return {
      ocppVersion: "OCPP20",
      ocppTransport: "JSON",
      ocppCsmsUrl: url.href,
      messageTimeout: 30,
      securityProfile: securityProfileOf(factory),
      ocppInterface: "Wired0",
    };
  }

  /**
   * SetNetworkProfile (B09): Rejected for a slot the station does not have, the slot in use ("depending
   * on which one is already in use", TC_A_19), a transport or version it does not speak, a URL it cannot
   * use for the profile, and a lower security profile than the one in use (B09.FR.04, TC_A_22).
   */
  set(slot: number, data: ConnectionData): "Accepted" | "Rejected" {
    if (!Number.isInteger(slot) || slot < 1 || slot > networkSlots) return "Rejected";
    if (this.#factory && slot === this.activeSlot) return "Rejected";
    if (data.ocppTransport !== "JSON" || (data.ocppVersion !== undefined && !ocppVersions.includes(data.ocppVersion))) return "Rejected";
    if (data.securityProfile < this.securityProfile || data.securityProfile > 3) return "Rejected";
    let url: URL;
    try {
      url = new URL(data.ocppCsmsUrl);
    } catch {
      return "Rejected";
    }
    const scheme = data.securityProfile >= 2 ? "wss:" : "ws:";
    if (url.protocol !== scheme) return "Rejected";
    this.#slots.set(slot, { ...data });
    this.changed();
    return "Accepted";
  }

  /**
   * A new NetworkConfigurationPriority: the reasonCode it is Rejected with, or undefined when it may be
   * set (reasonCode is at most 20 characters). Every slot must hold a profile; a higher security profile needs what it is built on (A05.FR.02:
   * 2 and 3 a CSMSRootCertificate, A05.FR.03: 3 a ChargingStationCertificate; TC_A_20, TC_A_21).
   */
  priorityProblem(value: string): string | undefined {
    const current = this.securityProfile;
    for (const item of value.split(",").map((s) => s.trim())) {
      const data = this.slot(Number(item));
      // Slot 1 is the connection the station was given, also when it was not told what it is (no link attached).
      if (!data && item === "1") continue;
      if (!data) return "NoNetworkProfile";
      if (data.securityProfile <= current) continue;
      if (data.securityProfile >= 2 && this.#trust().length === 0) return "NoCSMSRootCert";
      if (data.securityProfile === 3 && !this.#clientCertificate()) return "NoStationCert";
    }
    return undefined;
  }

  #trust(): string[] {
    const check = this.#context.rootCheck;
    if (check?.enabled) {
      const root = this.#usingFallbackRoot ? check.fallback : check.current;
      return root === undefined ? [] : [root];
    }
    const roots = [...this.#context.csmsRoots()];
    const ca = this.#factory?.ca;
    if (ca !== undefined) roots.push(...(Array.isArray(ca) ? ca : [ca]).map(String));
    return roots;
  }

  #clientCertificate(): { cert: string; key: string } | undefined {
    const own = this.#context.stationCertificate();
    if (own) return own;
    const factory = this.#factory;
    return factory?.cert && factory.key ? { cert: String(factory.cert), key: String(factory.key) } : undefined;
  }

  /** The URL and credentials of a profile. */
  endpointOf(data: ConnectionData): Endpoint {
    const id = this.#context.stationId;
    const profile = data.securityProfile;
    const password = this.#context.model.value("SecurityCtrlr", "BasicAuthPassword") || this.#factory?.auth?.password;
    const auth = (profile === 1 || profile === 2) && password !== undefined ? { username: id, password } : undefined;
    const trust = this.#trust();
    const client = profile === 3 ? this.#clientCertificate() : undefined;
    return {
      url: stationUrl(data.ocppCsmsUrl, id),
      auth: profile === 0 ? this.#factory?.auth : auth,
      ca: profile >= 2 && trust.length ? trust : undefined,
      cert: client?.cert,
      key: client?.key,
      // The new CSMS root is signed by the old one, not by itself: it is the trust anchor on its own.
      tls: this.#context.rootCheck?.enabled ? { ...this.#factory?.tls, allowPartialTrustChain: true } : this.#factory?.tls,
    };
  }

  /** NetworkConfigurationPriority's slots that hold a profile, then the last profile that worked (or slot 1). */
  #candidatesNow(): Candidate[] {
    const priority = (this.#context.model.value("OCPPCommCtrlr", "NetworkConfigurationPriority") ?? "")
      .split(",")
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    const candidates: Candidate[] = [];
    for (const slot of priority) {
      const data = this.slot(slot);
      if (data && !candidates.some((c) => c.slot === slot)) candidates.push({ slot, data });
    }
    const fallback = this.#lastGood ?? (this.slot(1) ? { slot: 1, data: this.slot(1) as ConnectionData } : undefined);
    if (fallback && !candidates.some((c) => sameData(c.data, fallback.data))) candidates.push(fallback);
    return candidates;
  }

  /**
   * The link is `link` from now on (its endpoint now is the command line's): the first attempt goes to
   * the first profile of the priority, and the link's events drive the fallback.
   */
  attach(link: SwitchableLink): () => void {
    this.#link = link;
    this.#factory = link.endpoint;
    // With the check on, the installer's CA is the station's CSMS root, listed and replaced as M05 says.
    const factoryCa = link.endpoint.ca;
    if (this.#context.rootCheck?.enabled && factoryCa !== undefined)
      for (const pem of Array.isArray(factoryCa) ? factoryCa : [factoryCa]) this.#context.rootCheck.adopt(String(pem));
    this.#context.model.update("SecurityCtrlr", "SecurityProfile", String(this.securityProfile));
    this.#choose(0);
    const listener = (change: LinkStateChange) => this.#onState(change);
    link.on("state", listener);
    return () => link.off("state", listener);
  }

  #choose(index: number): void {
    this.#candidates = this.#candidatesNow();
    this.#index = index;
    this.#failures = 0;
    this.#usingFallbackRoot = false;
    const candidate = this.#candidates[index];
    if (candidate && this.#link) this.#link.retarget(this.endpointOf(candidate.data));
  }

  #onState(change: LinkStateChange): void {
    const link = this.#link;
    if (!link) return;
    if (change.state === "open") {
      this.#connected();
      return;
    }
    // An open link that was lost is tried again as it was; failed attempts count against the profile.
    if (change.state !== "disconnected" || !change.error) return;
    if (this.#tryFallbackRoot(change.error.message)) return;
    this.#failures++;
    const attempts = Math.max(1, Number(this.#context.model.value("OCPPCommCtrlr", "NetworkProfileConnectionAttempts")) || 1);
    if (this.#failures < attempts || this.#candidates.length < 2) return;
    const from = this.#candidates[this.#index];
    this.#index = (this.#index + 1) % this.#candidates.length;
    this.#failures = 0;
    this.#usingFallbackRoot = false;
    const next = this.#candidates[this.#index];
    this.#context.note(
      `network profile in slot ${from?.slot} failed ${attempts} times (${change.reason}); trying slot ${next.slot} (${next.data.ocppCsmsUrl}, security profile ${next.data.securityProfile})`,
    );
    link.retarget(this.endpointOf(next.data));
  }

  /**
   * M05.FR.14: the new CSMS root did not verify the server's certificate of the CSMS the station was
   * connected with, so the next attempt verifies it with the fallback root (not counted as a failure of
   * the profile). A new profile gets no fallback: part 6 TC_B_47 (citing B10.FR.07, M05.FR.15/16) has the
   * new CSMS's certificate checked with the new root only, then the previous profile with the fallback;
   * the fallback root gets the station back to the CSMS that installed the new root, it trusts no other.
   */
  #tryFallbackRoot(message: string): boolean {
    const check = this.#context.rootCheck;
    const candidate = this.#candidates[this.#index];
    if (!check?.enabled || this.#usingFallbackRoot || check.fallback === undefined || !candidate) return false;
    if (!serverCertificateInvalid(message) || candidate.data.securityProfile < 2) return false;
    const known = this.#lastGood ? sameData(this.#lastGood.data, candidate.data) : candidate.slot === 1;
    if (!known) return false;
    this.#usingFallbackRoot = true;
    this.#context.note(`the new CSMS root does not verify the server certificate (${message}); trying the fallback root`);
    this.#link?.retarget(this.endpointOf(candidate.data));
    return true;
  }

  #connected(): void {
    const candidate = this.#candidates[this.#index];
    if (!candidate) return;
    const check = this.#context.rootCheck;
    const secure = candidate.data.securityProfile >= 2;
    if (check?.enabled && secure && !this.#usingFallbackRoot && check.connectedWithCurrent())
      this.#context.note("connected with the new CSMS root: the fallback root is removed");
    this.#rootsAtConnect = check?.enabled && secure ? check.generation : undefined;
    const before = this.securityProfile;
    this.#lastGood = { slot: candidate.slot, data: candidate.data };
    this.#failures = 0;
    const model = this.#context.model;
    model.update("OCPPCommCtrlr", "ActiveNetworkProfile", String(candidate.slot));
    model.update("SecurityCtrlr", "SecurityProfile", String(candidate.data.securityProfile));
    if (candidate.data.securityProfile > before) {
      // Connected with a higher security profile: the lower ones go from the priority, so the station
      // cannot be taken back down (1.6 security A05.FR.09; TC_A_19 step 13: the old slot is gone).
      const kept = (model.value("OCPPCommCtrlr", "NetworkConfigurationPriority") ?? "")
        .split(",")
        .filter((s) => (this.slot(Number(s))?.securityProfile ?? 0) >= candidate.data.securityProfile);
      model.update("OCPPCommCtrlr", "NetworkConfigurationPriority", kept.length ? kept.join(",") : String(candidate.slot));
      this.#context.note(`connected with security profile ${candidate.data.securityProfile} (slot ${candidate.slot})`);
    }
    this.changed();
  }

  /**
   * At a reboot: the priority may have changed (it is RebootRequired), so the station connects anew
   * with its first profile when that is not the one in use; resolves once a link is open again.
   * false when nothing changes.
   */
  reconnectIfChanged(): Promise<boolean> {
    const link = this.#link;
    if (!link) return Promise.resolve(false);
    const candidates = this.#candidatesNow();
    const first = candidates[0];
    const current = this.#candidates[this.#index];
    // A new CSMS root is first used at the next connection (TC_M_30/31: the reset after InstallCertificate).
    const check = this.#context.rootCheck;
    const rootChanged = check?.enabled === true && this.#rootsAtConnect !== undefined && this.#rootsAtConnect !== check.generation;
    if (!rootChanged && (!first || (current && first.slot === current.slot && sameData(first.data, current.data))))
      return Promise.resolve(false);
    return this.reconnect().then(() => true);
  }

  /** Connects anew from the first profile of the priority (a reboot, a new BasicAuthPassword); resolves once open. */
  reconnect(): Promise<void> {
    const link = this.#link;
    if (!link) return Promise.resolve();
    this.#choose(0);
    return new Promise((resolve) => {
      const listener = (change: LinkStateChange) => {
        if (change.state !== "open" && change.state !== "closed") return;
        link.off("state", listener);
        resolve();
      };
      link.on("state", listener);
      link.link?.close(1012, "switching network profile");
    });
  }

  store(): StoredNetwork {
    return { slots: Object.fromEntries(this.#slots), lastGood: this.#lastGood };
  }

  restore(stored: Partial<StoredNetwork>): void {
    this.#slots = new Map(
      Object.entries(stored.slots ?? {})
        .map(([slot, data]) => [Number(slot), data] as const)
        .filter(([slot, data]) => Number.isInteger(slot) && slot >= 1 && slot <= networkSlots && typeof data?.ocppCsmsUrl === "string"),
    );
    this.#lastGood = stored.lastGood && typeof stored.lastGood.data?.ocppCsmsUrl === "string" ? stored.lastGood : undefined;
  }
}
