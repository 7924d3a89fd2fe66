/**
 * The 2.0.1 / 2.1 CSMS commands whose answer starts work the station then reports on: UpdateFirmware
 * (L01), GetLog (N01), ReserveNow / CancelReservation (H01-H04), ChangeAvailability (G03/G04), Reset
 * (B11/B12), TriggerMessage (F06), UnlockConnector (F05), PublishFirmware (L03). Each answers at once and does the rest
 * after its answer is on the wire.
 */

import { EvseStates, type StoredEvseStates } from "./evse-states.js";
import { type FirmwareJob, FirmwareUpdater, readableCertificate } from "./firmware.js";
import { LogUploader } from "./log-upload.js";
import { FirmwarePublisher } from "./publish-firmware.js";
import type { Routable, StationHost } from "./station-2.js";
import { download } from "./transfer.js";

const now = () => new Date().toISOString();
const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new Error("cancelled"));
    });
  });

/** What the station keeps of these operations over a restart. */
export interface StoredOperations2 extends StoredEvseStates {
  readonly firmware?: FirmwareJob;
  readonly firmwareVersion: string;
}

interface UpdateFirmwareRequest {
  requestId: number;
  retries?: number;
  retryInterval?: number;
  firmware: { location: string; retrieveDateTime: string; installDateTime?: string; signingCertificate?: string; signature?: string };
}
interface GetLogRequest {
  requestId: number;
  logType: string;
  retries?: number;
  retryInterval?: number;
  log: { remoteLocation: string; oldestTimestamp?: string; latestTimestamp?: string };
}
/** The name GetLog answers with and uploads under. */
export const logFileName = (request: { logType: string; requestId: number }) =>
  `${request.logType === "SecurityLog" ? "security" : "diagnostics"}-${request.requestId}.log`;

interface IdToken {
  idToken: string;
  type: string;
}

export class Operations2 {
  readonly #host: StationHost;
  readonly firmware: FirmwareUpdater;
  /** Availability and reservations of the EVSEs. */
  readonly evses: EvseStates;
  #resetWhenIdle: string | undefined;
  readonly logs: LogUploader;
  /** PublishFirmware / UnpublishFirmware (L03/L04). */
  readonly publisher = new FirmwarePublisher();
  firmwareVersion = "sim-1.0.0";
  /** Called whenever something worth keeping over a restart changed. */
  changed: () => void = () => {};
  /** Messages other parts of the station send on a TriggerMessage (the Sign* ones), by requestedMessage. */
  readonly triggers = new Map<string, () => Promise<unknown>>();
  /** The last BootNotification was Accepted: a triggered one is Rejected then (F06.FR.17). */
  accepted = false;

  readonly #enabled: (component: string, variable: string) => boolean;

  constructor(host: StationHost, enabled: (component: string, variable: string) => boolean) {
    this.#host = host;
    this.#enabled = enabled;
    this.logs = new LogUploader(() => host.transfer);
    this.evses = new EvseStates(
      () => host.connectors,
      (reservation) =>
        host.background("ReservationStatusUpdate", async () => {
          await host.send("ReservationStatusUpdate", { reservationId: reservation.id, reservationUpdateStatus: "Expired" });
          await this.#reportIdle(reservation.evseId);
        }),
      () => this.changed(),
    );
    this.firmware = new FirmwareUpdater({
      notify: (status, requestId) => host.send("FirmwareStatusNotification", { status, ...(requestId === undefined ? {} : { requestId }) }),
      securityEvent: (type, techInfo) => this.securityEvent(type, techInfo),
      download: (location) => download(location, host.transfer),
      idle: () => this.#idle(),
      reboot: async (version, afterBoot) => {
        this.firmwareVersion = version;
        this.changed();
        await host.reboot("FirmwareUpdate", afterBoot);
      },
      saved: (job) => {
        this.#firmwareJob = job;
        this.changed();
      },
      delay,
    });
  }

  securityEvent(type: string, techInfo?: string): Promise<unknown> {
    return this.#host.send("SecurityEventNotification", { type, timestamp: now(), ...(techInfo === undefined ? {} : { techInfo }) });
  }

  idleStatus(evseId: number): string {
    return this.evses.idleStatus(evseId);
  }

  /** A transaction ended on `evseId`: scheduled availability applies, a scheduled reset runs; the status to show. */
  sessionEnded(evseId: number): string {
    this.evses.transactionEnded(evseId);
    if (this.#resetWhenIdle && this.#host.connectors.every((e) => e.transactionId === undefined || e.id === evseId)) {
      const reason = this.#resetWhenIdle;
      this.#resetWhenIdle = undefined;
      this.#host.background("Reset", () => delay(0).then(() => this.#host.reboot(reason)));
    }
    return this.evses.idleStatus(evseId);
  }

  mayStart(evseId: number, idToken: string): boolean {
    return this.evses.mayStart(evseId, idToken);
  }

  evseForStart(requested: number | undefined, idToken: string): number | undefined {
    return this.evses.forStart(requested, idToken);
  }

  /** `{ reservationId }` for the TransactionEvent Started of a session that uses a reservation. */
  useReservation(evseId: number, idToken: string): { reservationId?: number } {
    const used = this.evses.useReservation(evseId, idToken);
    return used ? { reservationId: used.id } : {};
  }

  store(): StoredOperations2 {
    return {
      firmware: this.#firmwareJob,
      ...this.evses.store(),
      firmwareVersion: this.firmwareVersion,
    };
  }

  #firmwareJob: FirmwareJob | undefined;

  restore(stored: Partial<StoredOperations2>): void {
    this.evses.restore(stored);
    if (stored.firmwareVersion) this.firmwareVersion = stored.firmwareVersion;
    this.#firmwareJob = stored.firmware;
    this.#restoredJob = stored.firmware;
  }

  #restoredJob: FirmwareJob | undefined;

  /** After the first boot of a restarted station: a firmware update that was under way goes on. */
  resumeFirmware(): void {
    const job = this.#restoredJob;
    this.#restoredJob = undefined;
    if (job) this.#host.background("UpdateFirmware", () => this.firmware.resume(job));
  }

  async #idle(): Promise<void> {
    while (this.#host.connectors.some((e) => e.transactionId !== undefined)) await delay(500);
  }

  async #reportIdle(evseId: number): Promise<void> {
    const evse = this.#host.connectors.find((e) => e.id === evseId);
    if (evse && evse.transactionId === undefined) await this.#host.sendStatus(evseId, this.idleStatus(evseId));
  }

  route(peer: Routable): void {
    const host = this.#host;
    this.publisher.route(peer, host);
    peer.route("UpdateFirmware", (request: UpdateFirmwareRequest) => {
      const certificate = request.firmware.signingCertificate;
      if (certificate !== undefined && !readableCertificate(certificate)) return { status: "InvalidCertificate" };
      return { status: this.firmware.busy ? "AcceptedCanceled" : "Accepted" };
    });
    peer.routeAfter("UpdateFirmware", (request: UpdateFirmwareRequest) => {
      const { firmware } = request;
      if (firmware.signingCertificate !== undefined && !readableCertificate(firmware.signingCertificate)) {
        host.background("SecurityEventNotification", () => this.securityEvent("InvalidFirmwareSigningCertificate"));
        return;
      }
      const job: FirmwareJob = {
        dialect: "2.x",
        stage: "pending",
        request: { ...firmware, requestId: request.requestId, retries: request.retries, retryIntervalS: request.retryInterval },
      };
      host.background("UpdateFirmware", () => this.firmware.start(job));
    });

    peer.route("GetLog", (request: GetLogRequest) => ({
      status: this.logs.busy ? "AcceptedCanceled" : "Accepted",
      filename: logFileName(request),
    }));
    peer.routeAfter("GetLog", (request: GetLogRequest) => {
      host.background("GetLog", () =>
        this.logs.run(
          {
            location: request.log.remoteLocation,
            fileName: logFileName(request),
            content: host.logText?.(request.logType) ?? "",
            retries: request.retries,
            retryIntervalS: request.retryInterval,
            notify: (status) => host.send("LogStatusNotification", { status, requestId: request.requestId }),
            failed: "UploadFailure",
            canceled: "AcceptedCanceled",
          },
          request.requestId,
        ),
      );
    });

    type ReserveNow = {
      id: number;
      expiryDateTime: string;
      idToken: IdToken;
      evseId?: number;
      groupIdToken?: IdToken;
      connectorType?: string;
    };
    const pendingReservations = new Map<string, number>();
    peer.route(
      "ReserveNow",
      (request: ReserveNow, uniqueId: string) => {
        if (!this.#enabled("ReservationCtrlr", "Enabled")) return { status: "Rejected" };
        const reservation = {
          id: request.id,
          idToken: request.idToken.idToken,
          groupIdToken: request.groupIdToken?.idToken,
          expiresAt: request.expiryDateTime,
        };
        const { status, evseId } = this.evses.reserve(reservation, request.evseId);
        if (evseId !== undefined) pendingReservations.set(uniqueId, evseId);
        return { status };
      },
      { callUniqueIdRequired: true },
    );
    peer.routeAfter(
      "ReserveNow",
      (_request: ReserveNow, uniqueId: string) => {
        const evseId = pendingReservations.get(uniqueId);
        pendingReservations.delete(uniqueId);
        if (evseId !== undefined) host.background("ReserveNow", () => this.#reportIdle(evseId));
      },
      { callUniqueIdRequired: true },
    );
    peer.route("CancelReservation", (request: { reservationId: number }) => {
      const reservation = this.evses.reservations.remove(request.reservationId);
      if (!reservation) return { status: "Rejected" };
      this.changed();
      host.background("CancelReservation", () => delay(0).then(() => this.#reportIdle(reservation.evseId)));
      return { status: "Accepted" };
    });

    type ChangeAvailability = { operationalStatus: "Operative" | "Inoperative"; evse?: { id: number; connectorId?: number } };
    peer.route("ChangeAvailability", (request: ChangeAvailability) => {
      if (request.evse?.connectorId !== undefined && request.evse.connectorId !== 1) return { status: "Rejected" };
      const status = this.evses.changeAvailability(request.evse?.id ?? 0, request.operationalStatus === "Operative");
      return { status: status ?? "Rejected" };
    });
    peer.routeAfter("ChangeAvailability", (request: ChangeAvailability) => {
      const id = request.evse?.id ?? 0;
      const targets = id === 0 ? host.connectors : host.connectors.filter((e) => e.id === id);
      host.background("ChangeAvailability", async () => {
        for (const evse of targets) if (evse.transactionId === undefined) await host.sendStatus(evse.id, this.idleStatus(evse.id));
      });
    });

    type Reset = { type: "Immediate" | "OnIdle"; evseId?: number };
    peer.route("Reset", (request: Reset) => {
      if (request.evseId !== undefined && !host.connectors.some((e) => e.id === request.evseId)) return { status: "Rejected" };
      const targets = host.connectors.filter((e) => request.evseId === undefined || e.id === request.evseId);
      const busy = targets.some((e) => e.transactionId !== undefined);
      return { status: request.type === "OnIdle" && busy ? "Scheduled" : "Accepted" };
    });
    peer.routeAfter("Reset", (request: Reset) => {
      const targets = host.connectors.filter((e) => request.evseId === undefined || e.id === request.evseId);
      const busy = targets.some((e) => e.transactionId !== undefined);
      if (request.evseId !== undefined) {
        // An EVSE reset ends its transaction (Immediate) and brings it back; the station stays up.
        if (request.type === "Immediate") host.background("Reset", () => host.stopSession(request.evseId as number, "ImmediateReset"));
        return;
      }
      if (request.type === "OnIdle" && busy) {
        // TC_B_21_CS step 7: a reset carried out once the station is idle boots with reason ScheduledReset.
        this.#resetWhenIdle = "ScheduledReset";
        return;
      }
      host.background("Reset", async () => {
        for (const evse of targets) await host.stopSession(evse.id, "ImmediateReset");
        await host.reboot("RemoteReset");
      });
    });

    type Trigger = { requestedMessage: string; evse?: { id: number; connectorId?: number } };
    const triggerStatus = (request: Trigger): string => {
      const evseId = request.evse?.id;
      if (evseId !== undefined && evseId !== 0 && !host.connectors.some((e) => e.id === evseId)) return "Rejected";
      switch (request.requestedMessage) {
        case "BootNotification":
          return this.accepted ? "Rejected" : "Accepted";
        case "TransactionEvent":
          return host.connectors.some((e) => e.transactionId !== undefined && (evseId === undefined || e.id === evseId))
            ? "Accepted"
            : "Rejected";
        case "Heartbeat":
        case "StatusNotification":
        case "MeterValues":
        case "FirmwareStatusNotification":
        case "LogStatusNotification":
        case "PublishFirmwareStatusNotification":
          return "Accepted";
        default:
          return this.triggers.has(request.requestedMessage) ? "Accepted" : "NotImplemented";
      }
    };
    peer.route("TriggerMessage", (request: Trigger) => ({ status: triggerStatus(request) }));
    peer.routeAfter("TriggerMessage", (request: Trigger) => {
      if (triggerStatus(request) !== "Accepted") return;
      const evseId = request.evse?.id || undefined;
      host.background("TriggerMessage", async () => {
        switch (request.requestedMessage) {
          case "FirmwareStatusNotification": {
            const { status, requestId } = this.firmware;
            // Idle once nothing is going on; the requestId belongs to an update under way.
            await host.send("FirmwareStatusNotification", {
              status,
              ...(status !== "Idle" && requestId !== undefined ? { requestId } : {}),
            });
            return;
          }
          case "LogStatusNotification":
            await host.send("LogStatusNotification", {
              status: this.logs.status,
              ...(this.logs.busy && this.logs.requestId !== undefined ? { requestId: this.logs.requestId } : {}),
            });
            return;
          case "PublishFirmwareStatusNotification":
            await host.send("PublishFirmwareStatusNotification", { status: this.publisher.status });
            return;
          default: {
            const own = this.triggers.get(request.requestedMessage);
            await (own ? own() : host.trigger(request.requestedMessage, evseId));
          }
        }
      });
    });

    peer.route("UnlockConnector", (request: { evseId: number; connectorId: number }) => {
      const evse = host.connectors.find((e) => e.id === request.evseId);
      if (!evse || request.connectorId !== 1) return { status: "UnknownConnector" };
      // F05.FR.02: a connector in an authorized transaction is not unlocked remotely.
      return { status: evse.transactionId !== undefined ? "OngoingAuthorizedTransaction" : "Unlocked" };
    });
  }
}
