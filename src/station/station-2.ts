/**
 * The OCPP 2.0.1 / 2.1 charging station's own state and the CSMS commands that act on it: the device
 * model (B05-B08: Get/SetVariables, GetBaseReport, GetReport with NotifyReport parts) and monitoring
 * (N02-N07: Set/ClearVariableMonitoring, SetMonitoringBase/Level, GetMonitoringReport, NotifyEvent).
 * It knows no socket: `route()` installs its handlers on a ChargePoint, and what it sends goes through
 * its host, the simulated charger or the conformance runner playing a station.
 */
import type { AfterOptions, Handler, OnOptions } from "../rpc/routing.js";
import { Authorization, type AuthorizationSettings, type IdTokenInfo, type StoredAuthorization } from "./authorization.js";
import { type CertificateContext, routeCertificates2, signCertificate } from "./certificate-routes.js";
import { Certificates, type StoredCertificates } from "./certificates.js";
import { routeCustomerInformation, StoredCustomers } from "./customer-information.js";
import {
  type AttributeType,
  type ComponentRef,
  type DeviceModel,
  type DeviceModelValues,
  GetVariableStatus,
  type VariableRef,
} from "./device-model.js";
import { DisplayMessages, type MessageInfo } from "./display-messages.js";
import { MeterSigner } from "./meter-signing.js";
import { type MonitorEvent, Monitoring, type SetMonitoringData, type StoredMonitors } from "./monitoring.js";
import { type ConnectionData, NetworkProfiles, type StoredNetwork } from "./network-profiles.js";
import { Operations2, type StoredOperations2 } from "./operations-2.js";
import { baseReport, type ComponentVariableFilter, customReport, parts, reportDataOf } from "./reports.js";
import { RootCertificateCheck } from "./root-certificate-check.js";
import { ChargingProfiles, type Profile } from "./smart-charging.js";
import { routeSmartCharging2 } from "./smart-charging-routes.js";
import { type StationIdentity, standardDeviceModel } from "./standard-components.js";
import { durably, type StationStateFile } from "./state-file.js";
import type { TransferOptions } from "./transfer.js";

type Body = Record<string, unknown>;

/** An EVSE as the station's host runs it (one connector each). */
export interface EvseView {
  readonly id: number;
  readonly status: string;
  readonly transactionId?: string | number;
  readonly claimed?: boolean;
}

/** What the station needs of whoever runs it (the simulated charger, a conformance runner). */
export interface StationHost {
  /** Sends a CALL to the CSMS and resolves with its CALLRESULT. */
  send(action: string, body: Body): Promise<Body>;
  /** Runs a follow-up in the background; a failure is logged, not thrown. */
  background(what: string, work: () => Promise<unknown>): void;
  readonly connectors: readonly EvseView[];
  /** Ends the transaction on `evseId` (reason as TransactionEvent's stoppedReason). */
  stopSession(evseId: number, reason: string): Promise<void>;
  sendStatus(evseId: number, status: string): Promise<void>;
  /** Boots again with this BootNotification reason; `afterBoot` runs once it is accepted, before the statuses. */
  reboot(reason: string, afterBoot?: () => Promise<void>): Promise<void>;
  /** Sends a message a TriggerMessage asked for (Heartbeat, StatusNotification, MeterValues, TransactionEvent, BootNotification). */
  trigger(message: string, evseId: number | undefined): Promise<void>;
  /** OCPPCommCtrlr.HeartbeatInterval changed. */
  setHeartbeat?(intervalS: number): void;
  /** SampledDataCtrlr.TxUpdatedInterval changed: running transactions sample at the new interval. */
  restartMeters?(): void;
  /** TLS trust for firmware downloads and log uploads over https://. */
  readonly transfer?: TransferOptions;
  /** The text of a log GetLog uploads. */
  logText?(logType: string): string;
  /** A link to the CSMS is open (else offline authorization rules apply). */
  readonly online?: boolean;
  /** A 1.6 configuration key's value (the 2.x station reads its device model instead). */
  setting?(key: string): string | undefined;
  /** The charger's identity (the CSR's common name in 1.6). */
  readonly identity?: string;
  /** What the station did, one line (the simulator's event log). */
  note?(text: string): void;
  /** The most the car draws from an EVSE, in W, where no charging profile limits it (1.6; 2.x: EVSE.Power MaxSet). */
  readonly maxPowerW?: number;
}

/** The handler table of a ChargePoint (the function form of `@on` and `@after`). */
export interface Routable {
  route(action: string, handler: Handler, options?: OnOptions): unknown;
  routeAfter(action: string, handler: Handler, options?: AfterOptions): unknown;
}

export interface StoredStation2 {
  readonly variables: DeviceModelValues;
  readonly monitoring: StoredMonitors;
  readonly operations: StoredOperations2;
  readonly displayMessages: readonly MessageInfo[];
  readonly authorization: StoredAuthorization;
  readonly chargingProfiles: readonly Profile[];
  readonly certificates: StoredCertificates;
  readonly network?: StoredNetwork;
}

interface VariableRequest {
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly attributeType?: AttributeType;
  readonly attributeValue?: string;
}

const now = () => new Date().toISOString();

export type Info2 = { status: string; cacheExpiryDateTime?: string; groupIdToken?: { idToken: string } };
const idTokenInfo2 = (info: Info2 | undefined): IdTokenInfo | undefined =>
  info && { status: info.status, expiry: info.cacheExpiryDateTime, group: info.groupIdToken?.idToken };
const present = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export class Station2 {
  readonly model: DeviceModel;
  readonly monitoring: Monitoring;
  /** Firmware, logs, reservations, availability, reset, triggers, unlock. */
  readonly operations: Operations2;
  readonly displayMessages = new DisplayMessages();
  /** Local authorization list and authorization cache. */
  readonly authorization = new Authorization();
  /** Customer data stored by hand under a customerIdentifier (CustomerInformation, TC_N_62). */
  readonly customers = new StoredCustomers();
  /** Charging profiles and the composite schedule. */
  readonly profiles = new ChargingProfiles();
  /** Installed root certificates and the station's own key and certificate. */
  readonly certificates = new Certificates();
  /** The network connection profiles and the switch between them (B09, B10, A05). */
  readonly network: NetworkProfiles;
  /** SecurityCtrlr.AdditionalRootCertificateCheck: one CSMS root, its predecessor as a fallback (M05). */
  readonly rootCheck: RootCertificateCheck;
  readonly #maxPowerW: number;
  readonly #host: StationHost;

  constructor(host: StationHost, identity: StationIdentity) {
    this.#host = host;
    this.#maxPowerW = identity.powerW;
    this.model = standardDeviceModel(identity);
    this.monitoring = new Monitoring(this.model, (events) => this.#notifyEvents(events));
    this.operations = new Operations2(host, (component, variable) => this.enabled(component, variable));
    this.rootCheck = new RootCertificateCheck(
      this.certificates,
      () => this.model.value("SecurityCtrlr", "AdditionalRootCertificateCheck") === "true",
    );
    this.network = new NetworkProfiles({
      model: this.model,
      stationId: identity.identity,
      csmsRoots: () => this.certificates.list(["CSMSRootCertificate"]).map((c) => c.pem),
      rootCheck: this.rootCheck,
      stationCertificate: () => this.certificates.own(),
      note: (text) => host.note?.(text),
    });
    this.certificates.changed = () => this.#countCertificates();
    this.operations.manufacturerRoots = () => this.certificates.list(["ManufacturerRootCertificate"]).map((c) => c.pem);
    this.model.onChange(({ variable, type }) => {
      if (type !== "Actual" || variable.component.evse) return;
      const name = `${variable.component.name}.${variable.variable.name}`;
      if (name === "OCPPCommCtrlr.HeartbeatInterval") host.setHeartbeat?.(Number(this.model.value("OCPPCommCtrlr", "HeartbeatInterval")));
      if (name === "SampledDataCtrlr.TxUpdatedInterval" || name === "SampledDataCtrlr.Enabled") host.restartMeters?.();
    });
  }

  /**
   * Keeps the station's state in `file`: what it holds is restored now, and every change is saved
   * (device model values, monitors, local list and cache, profiles, reservations, availability,
   * display messages, a firmware update under way).
   */
  keepIn(file: StationStateFile): void {
    this.#file = file;
    const stored = file.load();
    if (stored && typeof stored === "object") this.restore(stored as Partial<StoredStation2>);
    const save = () => file.save(() => this.store());
    this.operations.changed = save;
    this.displayMessages.changed = save;
    this.authorization.changed = save;
    this.profiles.changed = save;
    this.monitoring.changed = save;
    this.network.changed = save;
    this.certificates.changed = () => {
      this.#countCertificates();
      save();
    };
    this.model.onChange(({ variable, type }) => {
      if (variable.attributes.get(type)?.persistent) save();
    });
  }

  #booted = false;
  #file: StationStateFile | undefined;

  /** Writes a pending change of the state directory now (before an answer that reports it goes out). */
  flushState(): void {
    this.#file?.flush();
  }

  #countCertificates(): void {
    this.model.update("SecurityCtrlr", "CertificateEntries", String(this.certificates.installed.length));
  }

  /** The station booted (BootNotification accepted, statuses sent): after a restart, a firmware update under way goes on. */
  booted(): void {
    if (this.#booted) return;
    this.#booted = true;
    this.operations.resumeFirmware();
  }

  /** A controller's boolean setting. */
  enabled(component: string, variable: string): boolean {
    return this.model.value(component, variable) === "true";
  }

  /** A MemberList / SequenceList setting as its items. */
  list(component: string, variable: string): string[] {
    return (this.model.value(component, variable) ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  }

  store(): StoredStation2 {
    return {
      variables: this.model.snapshot(),
      monitoring: this.monitoring.store(),
      operations: this.operations.store(),
      displayMessages: this.displayMessages.all,
      authorization: this.authorization.store(),
      chargingProfiles: this.profiles.store(),
      certificates: this.certificates.store(),
      network: this.network.store(),
    };
  }

  restore(stored: Partial<StoredStation2>): void {
    if (stored.variables) this.model.restore(stored.variables);
    if (stored.monitoring) this.monitoring.restore(stored.monitoring);
    if (stored.operations) this.operations.restore(stored.operations);
    if (stored.displayMessages) this.displayMessages.restore(stored.displayMessages);
    if (stored.authorization) this.authorization.restore(stored.authorization);
    if (stored.chargingProfiles) this.profiles.restore(stored.chargingProfiles);
    if (stored.certificates) this.certificates.restore(stored.certificates);
    if (stored.network) this.network.restore(stored.network);
    this.#countCertificates();
    this.model.update("LocalAuthListCtrlr", "Entries", String(this.authorization.listSize));
  }

  transactionStarted(evseId: number): void {
    this.profiles.transactionStarted(evseId);
  }

  /** A transaction ended on `evseId`: its TxProfiles go, scheduled changes apply; the status the EVSE shows now. */
  sessionEnded(evseId: number): string {
    this.profiles.transactionEnded(evseId);
    return this.operations.sessionEnded(evseId);
  }

  /** What the EVSE offers the car now, in W: its maximum, limited by the composite schedule (K08). */
  offeredW(evseId: number): number {
    const limit = this.profiles.limitAt(evseId, Date.now(), "W")?.limit;
    return limit === undefined ? this.#maxPowerW : Math.min(this.#maxPowerW, limit);
  }

  /** One line per record the station holds about a customer's idToken (CustomerInformation). */
  customerRecords(idToken: string): string[] {
    const reservations = this.operations.evses.reservations.all
      .filter((r) => r.idToken === idToken)
      .map((r) => `reservation ${r.id} of EVSE ${r.evseId} until ${r.expiresAt}`);
    return [...this.authorization.describe(idToken), ...reservations];
  }

  /** AuthCtrlr, AuthCacheCtrlr and LocalAuthListCtrlr as the authorization rules read them. */
  authorizationSettings(): AuthorizationSettings {
    return {
      localListEnabled: this.enabled("LocalAuthListCtrlr", "Enabled"),
      cacheEnabled: this.enabled("AuthCacheCtrlr", "Enabled"),
      localAuthorizeOffline: this.enabled("AuthCtrlr", "LocalAuthorizeOffline"),
      localPreAuthorize: this.enabled("AuthCtrlr", "LocalPreAuthorize"),
      offlineTxForUnknownId: this.enabled("AuthCtrlr", "OfflineTxForUnknownIdEnabled"),
      cacheLifetimeS: Number(this.model.value("AuthCacheCtrlr", "LifeTime")) || 0,
      maxListEntries: 10_000,
      disablePostAuthorize: this.enabled("AuthCacheCtrlr", "DisablePostAuthorize"),
    };
  }

  /** Signs meter values when SampledDataCtrlr / AlignedDataCtrlr.SignReadings say so. */
  readonly meterSigner = new MeterSigner();

  /** `values` signed when `component`.SignReadings is true (J01, J02); `first`: they open a transaction. */
  signed<T extends { timestamp: string; sampledValue: readonly Body[] }>(component: string, values: T[], first = false): T[] {
    if (!this.enabled(component, "SignReadings")) return values;
    const policy = this.model.value("OCPPCommCtrlr", "PublicKeyWithSignedMeterValue") ?? "EveryMeterValue";
    return this.meterSigner.signAll(values, policy, first);
  }

  /** The group of each idToken, as the CSMS's last answer about it gave it (C09: who may stop whose transaction). */
  readonly #groups = new Map<string, string>();

  /**
   * What the station holds true of `idToken` (C01, C10-C15): the local list and cache decide offline and,
   * with LocalPreAuthorize, online; otherwise an Authorize to the CSMS does, its answer going to the cache.
   * With AuthCtrlr.Enabled false every token is Accepted.
   */
  async authorizationInfo(idToken: string, type = "ISO14443"): Promise<IdTokenInfo> {
    if (!this.enabled("AuthCtrlr", "Enabled")) return { status: "Accepted" };
    // AuthCtrlr.DisableRemoteAuthorization (part 6 TC_E_52, overruling C01.FR.02 / C01.FR.05): online too only the
    // local list and cache decide; no AuthorizeRequest, and a token they do not know is refused. Offline they always do.
    if ((this.#host.online ?? true) && this.enabled("AuthCtrlr", "DisableRemoteAuthorization")) {
      const local = this.authorization.lookUp(idToken, this.authorizationSettings()) ?? { status: "Unknown" };
      if (local.group !== undefined) this.#groups.set(idToken, local.group);
      return local;
    }
    const info = await this.authorization.check(idToken, this.authorizationSettings(), {
      online: this.#host.online ?? true,
      askCsms: async () => {
        const answer = await this.#host.send("Authorize", { idToken: { idToken, type } });
        return idTokenInfo2(answer.idTokenInfo as Info2 | undefined);
      },
    });
    if (info.group !== undefined) this.#groups.set(idToken, info.group);
    return info;
  }

  /** Whether `idToken` may start charging: Accepted, and not a master pass (C16.FR.03: it only stops transactions). */
  async authorize(idToken: string, type = "ISO14443"): Promise<boolean> {
    const info = await this.authorizationInfo(idToken, type);
    return info.status === "Accepted" && !this.isMasterPass(info);
  }

  /** A token of AuthCtrlr.MasterPassGroupId (C16). */
  isMasterPass(info: IdTokenInfo): boolean {
    const masterPass = this.model.value("AuthCtrlr", "MasterPassGroupId") ?? "";
    return masterPass !== "" && info.group === masterPass;
  }

  /** The group the CSMS last gave `idToken`, if any. */
  groupOf(idToken: string): string | undefined {
    return this.#groups.get(idToken);
  }

  /** A TransactionEventResponse's idTokenInfo about `idToken`: the cache is updated with it (C10.FR.05). */
  transactionAnswer(idToken: string, info: Info2 | undefined): void {
    const converted = idTokenInfo2(info);
    if (!converted) return;
    if (converted.group !== undefined) this.#groups.set(idToken, converted.group);
    this.authorization.remember(idToken, converted, this.authorizationSettings());
  }

  route(routable: Routable): void {
    const peer = durably(routable, () => this.#file);
    this.operations.route(peer);
    const certificates: CertificateContext = {
      host: this.#host,
      certificates: this.certificates,
      subject: () => ({
        commonName: this.model.value("SecurityCtrlr", "Identity") ?? "",
        organizationName: this.model.value("SecurityCtrlr", "OrganizationName"),
      }),
      maxEntries: () => 50,
      securityEvent: (type, techInfo) => this.operations.securityEvent(type, techInfo),
      rootCheck: this.rootCheck,
      resend: () => ({
        waitMinimumS: Number(this.model.value("SecurityCtrlr", "CertSigningWaitMinimum")) || 0,
        repeatTimes: Number(this.model.value("SecurityCtrlr", "CertSigningRepeatTimes")) || 0,
      }),
    };
    routeCertificates2(peer, certificates);
    this.operations.triggers.set("SignChargingStationCertificate", () =>
      signCertificate(certificates, { certificateType: "ChargingStationCertificate" }),
    );
    routeSmartCharging2(peer, { host: this.#host, profiles: this.profiles, maxPowerW: this.#maxPowerW });
    type Entry = { idToken: { idToken: string }; idTokenInfo?: Info2 };
    peer.route(
      "SendLocalList",
      (request: { versionNumber: number; updateType: "Full" | "Differential"; localAuthorizationList?: Entry[] }) => {
        if (!this.enabled("LocalAuthListCtrlr", "Enabled")) return { status: "Failed" };
        const entries = (request.localAuthorizationList ?? []).map((e) => ({
          idToken: e.idToken.idToken,
          info: idTokenInfo2(e.idTokenInfo),
        }));
        const status = this.authorization.update(
          request.updateType,
          request.versionNumber,
          entries,
          this.authorizationSettings().maxListEntries,
        );
        this.model.update("LocalAuthListCtrlr", "Entries", String(this.authorization.listSize));
        return { status };
      },
    );
    peer.route("GetLocalListVersion", () => ({ versionNumber: this.authorization.version }));
    peer.route("ClearCache", () => {
      if (!this.enabled("AuthCacheCtrlr", "Enabled")) return { status: "Rejected" };
      this.authorization.clearCache();
      return { status: "Accepted" };
    });
    this.displayMessages.route(peer, this.#host, () => ({
      formats: this.list("DisplayMessageCtrlr", "SupportedFormats"),
      priorities: this.list("DisplayMessageCtrlr", "SupportedPriorities"),
      states: this.list("DisplayMessageCtrlr", "SupportedStates"),
      capacity: Number(this.model.value("DisplayMessageCtrlr", "DisplayMessages")) || 0,
    }));
    routeCustomerInformation(
      peer,
      this.#host,
      {
        describe: (idToken) => this.customerRecords(idToken),
        clear: (idToken) => {
          this.authorization.forget(idToken);
          for (const reservation of this.operations.evses.reservations.all) {
            if (reservation.idToken === idToken) this.operations.evses.reservations.remove(reservation.id);
          }
          this.operations.changed();
        },
      },
      this.customers,
    );
    peer.route("GetVariables", (request: { getVariableData: VariableRequest[] }) => ({
      getVariableResult: request.getVariableData.map((data) => {
        // B06.FR.05: more items than DeviceDataCtrlr.ItemsPerMessage[GetVariables] are all Rejected.
        const limit = Number(this.model.get({ name: "DeviceDataCtrlr" }, { name: "ItemsPerMessage", instance: "GetVariables" }).value);
        if (limit > 0 && request.getVariableData.length > limit) {
          return present({
            attributeStatus: GetVariableStatus.Rejected,
            attributeStatusInfo: { reasonCode: "TooManyElements" },
            attributeType: data.attributeType,
            component: data.component,
            variable: data.variable,
          });
        }
        const outcome = this.model.get(data.component, data.variable, data.attributeType);
        return present({
          attributeStatus: outcome.status,
          attributeType: data.attributeType,
          attributeValue: outcome.status === GetVariableStatus.Accepted ? outcome.value : undefined,
          component: data.component,
          variable: data.variable,
        });
      }),
    }));
    // B09: the connection data goes to its slot; it is used once NetworkConfigurationPriority names it.
    peer.route("SetNetworkProfile", (request: { configurationSlot: number; connectionData: ConnectionData }) => ({
      status: this.network.set(request.configurationSlot, request.connectionData),
    }));
    type SetVariableData = VariableRequest & { attributeValue: string };
    const priority = (data: SetVariableData) =>
      data.component.name === "OCPPCommCtrlr" &&
      !data.component.evse &&
      data.variable.name === "NetworkConfigurationPriority" &&
      (data.attributeType ?? "Actual") === "Actual";
    peer.route("SetVariables", (request: { setVariableData: SetVariableData[] }) => ({
      setVariableResult: request.setVariableData.map((data) => {
        const problem = priority(data) ? this.network.priorityProblem(data.attributeValue) : undefined;
        const outcome = problem
          ? { status: "Rejected", reasonCode: problem }
          : this.model.set(data.component, data.variable, data.attributeValue, data.attributeType);
        return present({
          attributeType: data.attributeType,
          attributeStatus: outcome.status,
          attributeStatusInfo: outcome.reasonCode === undefined ? undefined : { reasonCode: outcome.reasonCode },
          component: data.component,
          variable: data.variable,
        });
      }),
    }));
    // A01: a new BasicAuthPassword is used at once: the station connects again with it (TC_A_09_CS step 3).
    peer.routeAfter("SetVariables", (request: { setVariableData: SetVariableData[] }) => {
      const password = request.setVariableData.some(
        (d) =>
          d.component.name === "SecurityCtrlr" &&
          d.variable.name === "BasicAuthPassword" &&
          this.model.value("SecurityCtrlr", "BasicAuthPassword") === d.attributeValue,
      );
      const profile = this.network.securityProfile;
      if (password && (profile === 1 || profile === 2)) this.#host.background("BasicAuthPassword", () => this.network.reconnect());
    });

    peer.route("GetBaseReport", (request: { reportBase: string }) => ({
      status: baseReport(this.model, request.reportBase) === undefined ? "NotSupported" : "Accepted",
    }));
    peer.routeAfter("GetBaseReport", (request: { requestId: number; reportBase: string }) => {
      const selected = baseReport(this.model, request.reportBase);
      if (selected) this.#host.background("NotifyReport", () => this.#report(request.requestId, selected.map(reportDataOf)));
    });
    type GetReport = { requestId: number; componentVariable?: ComponentVariableFilter[]; componentCriteria?: string[] };
    peer.route("GetReport", (request: GetReport) => ({
      status: customReport(this.model, request.componentVariable, request.componentCriteria).length ? "Accepted" : "EmptyResultSet",
    }));
    peer.routeAfter("GetReport", (request: GetReport) => {
      const selected = customReport(this.model, request.componentVariable, request.componentCriteria);
      if (selected.length) this.#host.background("NotifyReport", () => this.#report(request.requestId, selected.map(reportDataOf)));
    });

    peer.route("SetVariableMonitoring", (request: { setMonitoringData: SetMonitoringData[] }) => ({
      setMonitoringResult: request.setMonitoringData.map((data) => {
        const outcome = this.monitoring.set(data);
        return present({
          id: outcome.id ?? data.id,
          status: outcome.status,
          type: data.type,
          severity: data.severity,
          component: data.component,
          variable: data.variable,
        });
      }),
    }));
    peer.route("ClearVariableMonitoring", (request: { id: number[] }) => ({
      clearMonitoringResult: request.id.map((id) => ({ id, status: this.monitoring.clear(id) })),
    }));
    peer.route("SetMonitoringLevel", (request: { severity: number }) => ({
      status: this.monitoring.setLevel(request.severity) ? "Accepted" : "Rejected",
    }));
    peer.route("SetMonitoringBase", (request: { monitoringBase: string }) => {
      this.monitoring.setBase(request.monitoringBase);
      return { status: "Accepted" };
    });
    type GetMonitoringReport = { requestId: number; componentVariable?: ComponentVariableFilter[]; monitoringCriteria?: string[] };
    const monitorsFor = (request: GetMonitoringReport) => {
      const variables = new Set(customReport(this.model, request.componentVariable, undefined));
      return this.monitoring.matching(request.monitoringCriteria).filter((m) => {
        const variable = this.model.find(m.component, m.variable);
        return variable !== undefined && variables.has(variable);
      });
    };
    peer.route("GetMonitoringReport", (request: GetMonitoringReport) => ({
      status: monitorsFor(request).length ? "Accepted" : "EmptyResultSet",
    }));
    peer.routeAfter("GetMonitoringReport", (request: GetMonitoringReport) => {
      const monitors = monitorsFor(request);
      if (!monitors.length) return;
      const monitor = monitors.map((m) => ({
        component: m.component,
        variable: m.variable,
        variableMonitoring: [{ id: m.id, transaction: m.transaction, value: m.value, type: m.type, severity: m.severity }],
      }));
      this.#host.background("NotifyMonitoringReport", () => this.#inParts("NotifyMonitoringReport", request.requestId, "monitor", monitor));
    });
  }

  /** NotifyReport in parts of DeviceDataCtrlr.ItemsPerMessage[GetReport] entries, each sent once the previous one is answered. */
  #report(requestId: number, reportData: readonly object[]): Promise<void> {
    return this.#inParts("NotifyReport", requestId, "reportData", reportData);
  }

  async #inParts(action: string, requestId: number, field: string, items: readonly object[]): Promise<void> {
    const size = Number(this.model.value("DeviceDataCtrlr", { name: "ItemsPerMessage", instance: "GetReport" })) || 20;
    const all = parts(items, size);
    const generatedAt = now();
    for (const [seqNo, part] of all.entries()) {
      await this.#host.send(action, { requestId, generatedAt, seqNo, tbc: seqNo < all.length - 1, [field]: part });
    }
  }

  #notifyEvents(events: MonitorEvent[]): void {
    // seqNo numbers the parts of one notification; these events fit in one.
    this.#host.background("NotifyEvent", () =>
      this.#host.send("NotifyEvent", { generatedAt: now(), seqNo: 0, tbc: false, eventData: events.map((e) => present({ ...e })) }),
    );
  }
}
