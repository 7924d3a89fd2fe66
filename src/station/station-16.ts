/**
 * The OCPP 1.6 charge point's follow-ups (edition 2 and the security whitepaper edition 2): firmware
 * (UpdateFirmware section 5.19; SignedUpdateFirmware), diagnostics and logs (GetDiagnostics 5.9;
 * GetLog), reservations with their expiry and token (5.13, 5.1), ChangeAvailability scheduled during a
 * transaction (5.2), and TriggerMessage / ExtendedTriggerMessage reporting the state these run in.
 * Like Station2 it knows no socket: its handlers go on the charger's ChargePoint, its CALLs through the host.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Authorization, type AuthorizationSettings, type IdTokenInfo, type StoredAuthorization } from "./authorization.js";
import { type CertificateContext, routeCertificates16, signCertificate } from "./certificate-routes.js";
import { Certificates, type StoredCertificates } from "./certificates.js";
import { EvseStates, type StoredEvseStates } from "./evse-states.js";
import { FirmwareDialect, type FirmwareJob, FirmwareUpdater, readableCertificate } from "./firmware.js";
import { routeGetLog } from "./log-routes.js";
import { LogUploader } from "./log-upload.js";
import { type ReserveNowReading, routeReservations } from "./reservation-routes.js";
import { SecurityLog } from "./security-log.js";
import { ChargingProfiles, type Profile } from "./smart-charging.js";
import { routeSmartCharging16 } from "./smart-charging-routes.js";
import { durably, type StationStateFile } from "./state-file.js";
import type { Routable, StationHost } from "./station-2.js";
import { download } from "./transfer.js";

export interface StoredStation16 extends StoredEvseStates {
  readonly firmware?: FirmwareJob;
  readonly firmwareVersion: string;
  readonly authorization: StoredAuthorization;
  readonly chargingProfiles: readonly Profile[];
  readonly certificates: StoredCertificates;
  /** The configuration keys' values (section 9), from the host. */
  readonly configuration?: Readonly<Record<string, string>>;
}

/** The configuration keys (section 9.1, 9.3) the local authorization rules read, with the simulator's defaults. */
export const authorizationKeys16: readonly (readonly [key: string, value: string, readonly: boolean])[] = [
  ["LocalAuthListEnabled", "true", false],
  ["LocalAuthListMaxLength", "10000", true],
  ["SendLocalListMaxLength", "1000", true],
  ["LocalAuthorizeOffline", "true", false],
  ["LocalPreAuthorize", "false", false],
  ["AuthorizationCacheEnabled", "true", false],
  // The simulator lets an unknown idTag charge offline by default, as it did before it had a local list.
  ["AllowOfflineTxForUnknownId", "true", false],
];

type Info16 = { status: string; expiryDate?: string; parentIdTag?: string };
const idTagInfo16 = (info: Info16 | undefined): IdTokenInfo | undefined =>
  info && { status: info.status, expiry: info.expiryDate, group: info.parentIdTag };

const now = () => new Date().toISOString();
// The station's waits (polls for an idle station, scheduled firmware steps) hold no process open: a
// station closed with an update still waiting must let its command or test runner exit.
const delay = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, undefined, { signal, ref: false });

interface FirmwareFields {
  location: string;
  retrieveDateTime: string;
  installDateTime?: string;
  signingCertificate?: string;
  signature?: string;
}

export class Station16 {
  readonly #host: StationHost;
  readonly evses: EvseStates;
  /** UpdateFirmware's statuses go in FirmwareStatusNotification, SignedUpdateFirmware's in SignedFirmwareStatusNotification. */
  readonly firmware: FirmwareUpdater;
  readonly #signedFirmware: FirmwareUpdater;
  readonly diagnostics: LogUploader;
  readonly logs: LogUploader;
  /** What GetLog SecurityLog uploads. */
  readonly securityLog = new SecurityLog();
  firmwareVersion = "sim-1.0.0";
  /** Local authorization list and authorization cache. */
  readonly authorization = new Authorization();
  /** Charging profiles and the composite schedule (section 3.13). */
  readonly profiles = new ChargingProfiles();
  /** Installed root certificates and the charger's own key and certificate (security whitepaper). */
  readonly certificates = new Certificates();
  #firmwareJob: FirmwareJob | undefined;
  /** Called whenever something worth keeping over a restart changed. */
  changed: () => void = () => {};

  constructor(host: StationHost) {
    this.#host = host;
    this.evses = new EvseStates(
      () => host.connectors,
      // 1.6 has no ReservationStatusUpdate: an expired reservation shows as the connector becoming Available.
      (reservation) => host.background("ReserveNow", () => this.#reportIdle(reservation.evseId)),
      () => this.changed(),
    );
    const updater = (action: string) =>
      new FirmwareUpdater({
        notify: (status, requestId) => host.send(action, { status, ...(requestId === undefined ? {} : { requestId }) }),
        securityEvent: (type, techInfo) => this.securityEvent(type, techInfo),
        download: (location) => download(location, host.transfer),
        idle: async () => {
          while (host.connectors.some((c) => c.transactionId !== undefined)) await delay(500);
        },
        reboot: async (version, afterBoot) => {
          if (version !== undefined) this.firmwareVersion = version;
          this.changed();
          await host.reboot("FirmwareUpdate", afterBoot);
        },
        saved: (job) => {
          this.#firmwareJob = job;
          this.changed();
        },
        delay,
      });
    this.firmware = updater("FirmwareStatusNotification");
    this.#signedFirmware = updater("SignedFirmwareStatusNotification");
    this.diagnostics = new LogUploader(() => host.transfer);
    this.logs = new LogUploader(() => host.transfer);
  }

  securityEvent(type: string, techInfo?: string): Promise<unknown> {
    this.securityLog.add(techInfo === undefined ? type : `${type}: ${techInfo}`);
    return this.#host.send("SecurityEventNotification", { type, timestamp: now(), ...(techInfo === undefined ? {} : { techInfo }) });
  }

  /** A transaction ended on `connectorId`: a scheduled availability change applies; the status to show. */
  sessionEnded(connectorId: number): string {
    this.profiles.transactionEnded(connectorId);
    this.evses.transactionEnded(connectorId);
    return this.evses.idleStatus(connectorId);
  }

  store(): StoredStation16 {
    return {
      ...this.evses.store(),
      firmware: this.#firmwareJob,
      firmwareVersion: this.firmwareVersion,
      authorization: this.authorization.store(),
      chargingProfiles: this.profiles.store(),
      certificates: this.certificates.store(),
    };
  }

  restore(stored: Partial<StoredStation16>): void {
    this.evses.restore(stored);
    if (stored.firmwareVersion) this.firmwareVersion = stored.firmwareVersion;
    this.#firmwareJob = stored.firmware;
    this.#restoredJob = stored.firmware;
    if (stored.authorization) this.authorization.restore(stored.authorization);
    if (stored.chargingProfiles) this.profiles.restore(stored.chargingProfiles);
    if (stored.certificates) this.certificates.restore(stored.certificates);
  }

  /** What the connector offers the car now, in W: its maximum, limited by the composite schedule. */
  offeredW(connectorId: number): number {
    const max = this.#host.maxPowerW ?? 11_000;
    const limit = this.profiles.limitAt(connectorId, Date.now(), "W")?.limit;
    return limit === undefined ? max : Math.min(max, limit);
  }

  authorizationSettings(): AuthorizationSettings {
    const on = (key: string) => this.#host.setting?.(key) === "true";
    return {
      localListEnabled: on("LocalAuthListEnabled"),
      cacheEnabled: on("AuthorizationCacheEnabled"),
      localAuthorizeOffline: on("LocalAuthorizeOffline"),
      localPreAuthorize: on("LocalPreAuthorize"),
      offlineTxForUnknownId: on("AllowOfflineTxForUnknownId"),
      cacheLifetimeS: 0,
      maxListEntries: Number(this.#host.setting?.("LocalAuthListMaxLength")) || 10_000,
    };
  }

  /** Whether `idTag` may charge (section 3.5): local list and cache offline or with LocalPreAuthorize, else Authorize. */
  authorize(idTag: string): Promise<boolean> {
    return this.authorization.decide(idTag, this.authorizationSettings(), {
      online: this.#host.online ?? true,
      askCsms: async () => idTagInfo16((await this.#host.send("Authorize", { idTag })).idTagInfo as Info16 | undefined),
    });
  }

  /**
   * Keeps the charger's state in `file`: restored now, saved on every change (configuration through
   * `configuration`, local list and cache, profiles, reservations, availability, a firmware update under way).
   */
  keepIn(
    file: StationStateFile,
    configuration?: { values(): Record<string, string>; restore(values: Readonly<Record<string, string>>): void },
  ): void {
    const stored = file.load() as Partial<StoredStation16> | undefined;
    if (stored && typeof stored === "object") {
      this.restore(stored);
      if (stored.configuration) configuration?.restore(stored.configuration);
    }
    this.#file = file;
    const save = () => file.save(() => ({ ...this.store(), configuration: configuration?.values() }));
    this.changed = save;
    this.authorization.changed = save;
    this.profiles.changed = save;
    this.certificates.changed = save;
  }

  #booted = false;
  #file: StationStateFile | undefined;

  /** Writes a pending change of the state directory now (before an answer that reports it goes out). */
  flushState(): void {
    this.#file?.flush();
  }

  /** The charger booted: after a restart, a firmware update under way goes on. */
  booted(): void {
    if (this.#booted) return;
    this.#booted = true;
    this.resumeFirmware();
  }

  /** A StartTransaction answer's idTagInfo goes to the cache too (section 3.5.1). */
  remember(idTag: string, info: unknown): void {
    this.authorization.remember(idTag, idTagInfo16(info as Info16 | undefined), this.authorizationSettings());
  }

  /** After the first boot of a restarted charger: a firmware update that was under way goes on. */
  resumeFirmware(): void {
    const job = this.#restoredJob;
    this.#restoredJob = undefined;
    if (!job) return;
    const updater = job.dialect === FirmwareDialect.V16Signed ? this.#signedFirmware : this.firmware;
    this.#host.background("UpdateFirmware", () => updater.resume(job));
  }

  #restoredJob: FirmwareJob | undefined;

  #start(updater: FirmwareUpdater, job: FirmwareJob): void {
    this.#host.background("UpdateFirmware", () => updater.start(job));
  }

  async #reportIdle(connectorId: number): Promise<void> {
    const connector = this.#host.connectors.find((c) => c.id === connectorId);
    if (connector && connector.transactionId === undefined) await this.#host.sendStatus(connectorId, this.evses.idleStatus(connectorId));
  }

  route(routable: Routable): void {
    const peer = durably(routable, () => this.#file);
    const host = this.#host;
    routeSmartCharging16(peer, { host, profiles: this.profiles, maxPowerW: host.maxPowerW ?? 11_000 });
    const certificates: CertificateContext = {
      host,
      certificates: this.certificates,
      subject: () => ({
        commonName: host.setting?.("ChargeBoxSerialNumber") ?? host.identity ?? "",
        organizationName: host.setting?.("CpoName") ?? "ocppkit",
      }),
      maxEntries: () => Number(host.setting?.("CertificateStoreMaxLength")) || 50,
      securityEvent: (type, techInfo) => this.securityEvent(type, techInfo),
    };
    routeCertificates16(peer, certificates);
    type Entry = { idTag: string; idTagInfo?: Info16 };
    peer.route(
      "SendLocalList",
      (request: { listVersion: number; updateType: "Full" | "Differential"; localAuthorizationList?: Entry[] }) => {
        const settings = this.authorizationSettings();
        if (!settings.localListEnabled) return { status: "NotSupported" };
        const entries = request.localAuthorizationList ?? [];
        if (entries.length > (Number(host.setting?.("SendLocalListMaxLength")) || Number.POSITIVE_INFINITY)) return { status: "Failed" };
        const mapped = entries.map((e) => ({ idToken: e.idTag, info: idTagInfo16(e.idTagInfo) }));
        return { status: this.authorization.update(request.updateType, request.listVersion, mapped, settings.maxListEntries) };
      },
    );
    // Section 5.10: -1 when the list is not enabled, 0 when empty.
    peer.route("GetLocalListVersion", () => ({
      listVersion: this.authorizationSettings().localListEnabled ? (this.authorization.listSize ? this.authorization.version : 0) : -1,
    }));
    peer.route("ClearCache", () => {
      if (!this.authorizationSettings().cacheEnabled) return { status: "Rejected" };
      this.authorization.clearCache();
      return { status: "Accepted" };
    });
    type UpdateFirmware = { location: string; retrieveDate: string; retries?: number; retryInterval?: number };
    peer.route("UpdateFirmware", () => ({}));
    peer.routeAfter("UpdateFirmware", (request: UpdateFirmware) =>
      this.#start(this.firmware, {
        dialect: FirmwareDialect.V16,
        stage: "pending",
        request: {
          location: request.location,
          retrieveDateTime: request.retrieveDate,
          retries: request.retries,
          retryIntervalS: request.retryInterval,
        },
      }),
    );
    type SignedUpdateFirmware = { requestId: number; retries?: number; retryInterval?: number; firmware: FirmwareFields };
    peer.route("SignedUpdateFirmware", (request: SignedUpdateFirmware) => {
      if (!readableCertificate(request.firmware.signingCertificate ?? "")) return { status: "InvalidCertificate" };
      return { status: this.#signedFirmware.busy ? "AcceptedCanceled" : "Accepted" };
    });
    peer.routeAfter("SignedUpdateFirmware", (request: SignedUpdateFirmware) => {
      if (!readableCertificate(request.firmware.signingCertificate ?? "")) {
        host.background("SecurityEventNotification", () => this.securityEvent("InvalidFirmwareSigningCertificate"));
        return;
      }
      this.#start(this.#signedFirmware, {
        dialect: FirmwareDialect.V16Signed,
        stage: "pending",
        request: { ...request.firmware, requestId: request.requestId, retries: request.retries, retryIntervalS: request.retryInterval },
      });
    });

    type GetDiagnostics = { location: string; retries?: number; retryInterval?: number };
    const diagnosticsFiles = new Map<string, string>();
    peer.route(
      "GetDiagnostics",
      (_request: GetDiagnostics, uniqueId: string) => {
        const fileName = `diagnostics-${new Date().toISOString().replace(/[:.]/g, "-")}.log`;
        diagnosticsFiles.set(uniqueId, fileName);
        return { fileName };
      },
      { callUniqueIdRequired: true },
    );
    peer.routeAfter(
      "GetDiagnostics",
      (request: GetDiagnostics, uniqueId: string) => {
        const fileName = diagnosticsFiles.get(uniqueId) ?? "diagnostics.log";
        diagnosticsFiles.delete(uniqueId);
        host.background("GetDiagnostics", () =>
          this.diagnostics.run({
            location: request.location,
            fileName,
            content: host.logText?.("Diagnostics") ?? "",
            retries: request.retries,
            retryIntervalS: request.retryInterval,
            notify: (status) => host.send("DiagnosticsStatusNotification", { status }),
            failed: "UploadFailed",
          }),
        );
      },
      { callUniqueIdRequired: true },
    );
    routeGetLog(peer, host, this.logs);

    type ReserveNow = { connectorId: number; expiryDate: string; idTag: string; parentIdTag?: string; reservationId: number };
    routeReservations(peer, {
      host,
      evses: this.evses,
      changed: () => this.changed(),
      reportIdle: (connectorId) => this.#reportIdle(connectorId),
      read: (request: ReserveNow): ReserveNowReading => {
        // Section 5.13: connector 0 (any connector) only when ReserveConnectorZeroSupported, which the simulator is not.
        if (request.connectorId === 0) return { refused: "Rejected" };
        const reservation = {
          id: request.reservationId,
          idToken: request.idTag,
          groupIdToken: request.parentIdTag,
          expiresAt: request.expiryDate,
        };
        return { reservation, evseId: request.connectorId };
      },
    });

    type ChangeAvailability = { connectorId: number; type: "Operative" | "Inoperative" };
    peer.route("ChangeAvailability", (request: ChangeAvailability) => ({
      status: this.evses.changeAvailability(request.connectorId, request.type === "Operative") ?? "Rejected",
    }));
    peer.routeAfter("ChangeAvailability", (request: ChangeAvailability) =>
      host.background("ChangeAvailability", async () => {
        for (const connector of host.connectors) {
          if (request.connectorId !== 0 && connector.id !== request.connectorId) continue;
          if (connector.transactionId === undefined) await host.sendStatus(connector.id, this.evses.idleStatus(connector.id));
        }
      }),
    );

    // Section 5.17 / whitepaper ExtendedTriggerMessage: the triggered message goes out after the answer.
    const own: Record<string, () => Promise<unknown>> = {
      DiagnosticsStatusNotification: () => host.send("DiagnosticsStatusNotification", { status: this.diagnostics.status }),
      FirmwareStatusNotification: () => host.send("FirmwareStatusNotification", { status: this.firmware.status }),
      SignChargePointCertificate: () => signCertificate(certificates),
      LogStatusNotification: () =>
        host.send("LogStatusNotification", {
          status: this.logs.status,
          ...(this.logs.busy && this.logs.requestId !== undefined ? { requestId: this.logs.requestId } : {}),
        }),
    };
    const shared = ["BootNotification", "Heartbeat", "MeterValues", "StatusNotification"];
    for (const action of ["TriggerMessage", "ExtendedTriggerMessage"]) {
      const known =
        action === "TriggerMessage"
          ? [...shared, "DiagnosticsStatusNotification", "FirmwareStatusNotification"]
          : [...shared, "FirmwareStatusNotification", "LogStatusNotification", "SignChargePointCertificate"];
      type Trigger = { requestedMessage: string; connectorId?: number };
      const status = (request: Trigger) => {
        if (!known.includes(request.requestedMessage)) return "NotImplemented";
        const id = request.connectorId;
        return id === undefined || id === 0 || host.connectors.some((c) => c.id === id) ? "Accepted" : "Rejected";
      };
      peer.route(action, (request: Trigger) => ({ status: status(request) }));
      peer.routeAfter(action, (request: Trigger) => {
        if (status(request) !== "Accepted") return;
        const send = own[request.requestedMessage] ?? (() => host.trigger(request.requestedMessage, request.connectorId || undefined));
        host.background(action, send);
      });
    }
  }
}
