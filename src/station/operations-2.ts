/**
 * The 2.0.1 / 2.1 CSMS commands whose answer starts work the station then reports on: UpdateFirmware
 * (L01), GetLog (N01), ReserveNow / CancelReservation (H01-H04), ChangeAvailability (G03/G04), Reset
 * (B11/B12), TriggerMessage (F06), UnlockConnector (F05). Each answers at once and does the rest
 * after its answer is on the wire.
 */

import { type FirmwareJob, FirmwareUpdater, readableCertificate } from "./firmware.js";
import { type Reservation, ReservationBook } from "./reservations.js";
import type { Routable, StationHost } from "./station-2.js";
import { download, upload } from "./transfer.js";

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
export interface StoredOperations2 {
  readonly firmware?: FirmwareJob;
  readonly reservations: readonly Reservation[];
  /** EVSE ids set Inoperative; 0 is the whole station. */
  readonly inoperative: readonly number[];
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
interface IdToken {
  idToken: string;
  type: string;
}

export class Operations2 {
  readonly #host: StationHost;
  readonly firmware: FirmwareUpdater;
  readonly reservations: ReservationBook;
  readonly #inoperative = new Set<number>();
  /** EVSEs whose availability changes once their transaction ends (G03.FR.05: Scheduled). */
  readonly #scheduled = new Map<number, boolean>();
  #resetWhenIdle: string | undefined;
  #log = { status: "Idle", requestId: undefined as number | undefined, running: undefined as AbortController | undefined };
  firmwareVersion = "sim-1.0.0";
  /** Called whenever something worth keeping over a restart changed. */
  changed: () => void = () => {};
  /** The last BootNotification was Accepted: a triggered one is Rejected then (F06.FR.17). */
  accepted = false;

  readonly #enabled: (component: string, variable: string) => boolean;

  constructor(host: StationHost, enabled: (component: string, variable: string) => boolean) {
    this.#host = host;
    this.#enabled = enabled;
    this.reservations = new ReservationBook((reservation) => {
      this.changed();
      host.background("ReservationStatusUpdate", async () => {
        await host.send("ReservationStatusUpdate", { reservationId: reservation.id, reservationUpdateStatus: "Expired" });
        await this.#reportIdle(reservation.evseId);
      });
    });
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
      saved: () => this.changed(),
      delay,
    });
  }

  securityEvent(type: string, techInfo?: string): Promise<unknown> {
    return this.#host.send("SecurityEventNotification", { type, timestamp: now(), ...(techInfo === undefined ? {} : { techInfo }) });
  }

  /** The status an EVSE without a transaction shows: Unavailable, Reserved or Available. */
  idleStatus(evseId: number): string {
    if (this.#inoperative.has(0) || this.#inoperative.has(evseId)) return "Unavailable";
    return this.reservations.onEvse(evseId) ? "Reserved" : "Available";
  }

  /** A transaction ended on `evseId`: scheduled availability applies, a scheduled reset runs; the status to show. */
  sessionEnded(evseId: number): string {
    const operative = this.#scheduled.get(evseId);
    if (operative !== undefined) {
      this.#scheduled.delete(evseId);
      this.#setOperative(evseId, operative);
    }
    if (this.#resetWhenIdle && this.#host.connectors.every((e) => e.transactionId === undefined || e.id === evseId)) {
      const reason = this.#resetWhenIdle;
      this.#resetWhenIdle = undefined;
      this.#host.background("Reset", () => delay(0).then(() => this.#host.reboot(reason)));
    }
    return this.idleStatus(evseId);
  }

  /** Whether `idToken` may start on `evseId` (a reservation for another token refuses it). */
  mayStart(evseId: number, idToken: string): boolean {
    return this.reservations.allows(evseId, idToken) && this.idleStatus(evseId) !== "Unavailable";
  }

  /** The EVSE a RequestStartTransaction for `idToken` gets: the one asked for, else a free one. */
  evseForStart(requested: number | undefined, idToken: string): number | undefined {
    const free = (e: StationHost["connectors"][number]) =>
      e.transactionId === undefined && !e.claimed && (e.status === "Available" || e.status === "Reserved") && this.mayStart(e.id, idToken);
    if (requested !== undefined) {
      const evse = this.#host.connectors.find((e) => e.id === requested);
      return evse && free(evse) ? evse.id : undefined;
    }
    const reserved = this.#host.connectors.find((e) => free(e) && this.reservations.onEvse(e.id)?.idToken === idToken);
    return (reserved ?? this.#host.connectors.find((e) => free(e) && !this.reservations.onEvse(e.id)))?.id;
  }

  /** `{ reservationId }` for the TransactionEvent Started of a session that uses a reservation, which ends it. */
  useReservation(evseId: number, idToken: string): { reservationId?: number } {
    const used = this.reservations.use(evseId, idToken);
    if (used) this.changed();
    return used ? { reservationId: used.id } : {};
  }

  store(): StoredOperations2 {
    return {
      firmware: this.#firmwareJob,
      reservations: this.reservations.all,
      inoperative: [...this.#inoperative],
      firmwareVersion: this.firmwareVersion,
    };
  }

  #firmwareJob: FirmwareJob | undefined;

  restore(stored: Partial<StoredOperations2>): void {
    for (const id of stored.inoperative ?? []) this.#inoperative.add(id);
    for (const reservation of stored.reservations ?? []) {
      if (Date.parse(reservation.expiresAt) > Date.now()) this.reservations.add(reservation);
    }
    if (stored.firmwareVersion) this.firmwareVersion = stored.firmwareVersion;
    this.#firmwareJob = stored.firmware;
  }

  /** After the first boot of a restarted station: a firmware update that was under way goes on. */
  resumeFirmware(): void {
    const job = this.#firmwareJob;
    if (job) this.#host.background("UpdateFirmware", () => this.firmware.resume(job));
  }

  async #idle(): Promise<void> {
    while (this.#host.connectors.some((e) => e.transactionId !== undefined)) await delay(500);
  }

  async #reportIdle(evseId: number): Promise<void> {
    const evse = this.#host.connectors.find((e) => e.id === evseId);
    if (evse && evse.transactionId === undefined) await this.#host.sendStatus(evseId, this.idleStatus(evseId));
  }

  #setOperative(evseId: number, operative: boolean): void {
    if (operative) this.#inoperative.delete(evseId);
    else this.#inoperative.add(evseId);
    this.changed();
  }

  route(peer: Routable): void {
    const host = this.#host;
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
      this.#firmwareJob = job;
      host.background("UpdateFirmware", () =>
        this.firmware.start(job).finally(() => {
          if (this.#firmwareJob === job && job.stage === "pending") this.#firmwareJob = undefined;
        }),
      );
    });

    peer.route("GetLog", (request: GetLogRequest) => ({
      status: this.#log.running ? "AcceptedCanceled" : "Accepted",
      filename: `${request.logType === "SecurityLog" ? "security" : "diagnostics"}-${request.requestId}.log`,
    }));
    peer.routeAfter("GetLog", (request: GetLogRequest) => {
      this.#log.running?.abort();
      const controller = new AbortController();
      this.#log.running = controller;
      const fileName = `${request.logType === "SecurityLog" ? "security" : "diagnostics"}-${request.requestId}.log`;
      const notify = (status: string) => {
        this.#log.status = status;
        this.#log.requestId = request.requestId;
        return host.send("LogStatusNotification", { status, requestId: request.requestId });
      };
      host.background("GetLog", async () => {
        try {
          const attempts = 1 + Math.max(0, request.retries ?? 0);
          for (let attempt = 1; attempt <= attempts; attempt++) {
            if (controller.signal.aborted) return;
            await notify("Uploading");
            try {
              await upload(request.log.remoteLocation, fileName, Buffer.from(host.logText?.(request.logType) ?? ""), host.transfer);
              await notify("Uploaded");
              return;
            } catch {
              if (attempt < attempts) await delay((request.retryInterval ?? 0) * 1000, controller.signal);
            }
          }
          await notify("UploadFailure");
        } finally {
          if (this.#log.running === controller) this.#log.running = undefined;
        }
      });
    });

    type ReserveNow = {
      id: number;
      expiryDateTime: string;
      idToken: IdToken;
      evseId?: number;
      groupIdToken?: IdToken;
      connectorType?: string;
    };
    const reserveStatus = (request: ReserveNow): { status: string; evseId?: number } => {
      // A ReserveNow with the id of an existing reservation replaces it.
      if (this.reservations.byId(request.id)) this.reservations.remove(request.id);
      if (request.evseId === undefined) {
        const evseId = this.evseForStart(undefined, request.idToken.idToken);
        return evseId === undefined ? { status: "Occupied" } : { status: "Accepted", evseId };
      }
      const evse = host.connectors.find((e) => e.id === request.evseId);
      if (!evse) return { status: "Rejected" };
      if (this.idleStatus(evse.id) === "Unavailable") return { status: "Unavailable" };
      if (evse.status === "Faulted") return { status: "Faulted" };
      if (evse.transactionId !== undefined || evse.claimed || this.reservations.onEvse(evse.id)) return { status: "Occupied" };
      return { status: "Accepted", evseId: evse.id };
    };
    const pendingReservations = new Map<string, Reservation>();
    peer.route(
      "ReserveNow",
      (request: ReserveNow, uniqueId: string) => {
        if (!this.#enabled("ReservationCtrlr", "Enabled")) return { status: "Rejected" };
        const { status, evseId } = reserveStatus(request);
        if (status === "Accepted" && evseId !== undefined) {
          const reservation: Reservation = {
            id: request.id,
            evseId,
            idToken: request.idToken.idToken,
            groupIdToken: request.groupIdToken?.idToken,
            expiresAt: request.expiryDateTime,
          };
          this.reservations.add(reservation);
          this.changed();
          pendingReservations.set(uniqueId, reservation);
        }
        return { status };
      },
      { callUniqueIdRequired: true },
    );
    peer.routeAfter(
      "ReserveNow",
      (_request: ReserveNow, uniqueId: string) => {
        const reservation = pendingReservations.get(uniqueId);
        pendingReservations.delete(uniqueId);
        if (reservation) host.background("ReserveNow", () => this.#reportIdle(reservation.evseId));
      },
      { callUniqueIdRequired: true },
    );
    peer.route("CancelReservation", (request: { reservationId: number }) => {
      const reservation = this.reservations.remove(request.reservationId);
      if (!reservation) return { status: "Rejected" };
      this.changed();
      host.background("CancelReservation", () => delay(0).then(() => this.#reportIdle(reservation.evseId)));
      return { status: "Accepted" };
    });

    type ChangeAvailability = { operationalStatus: "Operative" | "Inoperative"; evse?: { id: number; connectorId?: number } };
    peer.route("ChangeAvailability", (request: ChangeAvailability) => {
      const operative = request.operationalStatus === "Operative";
      const id = request.evse?.id ?? 0;
      const targets = id === 0 ? host.connectors : host.connectors.filter((e) => e.id === id);
      if (!targets.length || (request.evse?.connectorId !== undefined && request.evse.connectorId !== 1)) return { status: "Rejected" };
      const busy = targets.filter((e) => e.transactionId !== undefined);
      for (const evse of busy) this.#scheduled.set(evse.id, operative);
      if (id === 0) {
        // The whole station: idle EVSEs change now, busy ones when their transaction ends.
        if (operative) {
          this.#inoperative.delete(0);
          for (const evse of targets) if (evse.transactionId === undefined) this.#inoperative.delete(evse.id);
        } else for (const evse of targets) if (evse.transactionId === undefined) this.#inoperative.add(evse.id);
        this.changed();
      } else if (!busy.length) this.#setOperative(id, operative);
      return { status: busy.length ? "Scheduled" : "Accepted" };
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
        this.#resetWhenIdle = "RemoteReset";
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
          return "NotImplemented";
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
              status: this.#log.running ? this.#log.status : "Idle",
              ...(this.#log.running && this.#log.requestId !== undefined ? { requestId: this.#log.requestId } : {}),
            });
            return;
          case "PublishFirmwareStatusNotification":
            await host.send("PublishFirmwareStatusNotification", { status: "Idle" });
            return;
          default:
            await host.trigger(request.requestedMessage, evseId);
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
