/**
 * The 2.0.1 / 2.1 CSMS commands whose answer starts work the station then reports on: UpdateFirmware
 * (L01), GetLog (N01), ReserveNow / CancelReservation (H01-H04), ChangeAvailability (G03/G04), Reset
 * (B11/B12), TriggerMessage (F06), UnlockConnector (F05), PublishFirmware (L03). Each answers at once and does the rest
 * after its answer is on the wire.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { EvseStates, type StoredEvseStates } from "./evse-states.js";
import { type FirmwareJob, FirmwareUpdater, trustedSigningCertificate } from "./firmware.js";
import { routeGetLog } from "./log-routes.js";
import { LogUploader } from "./log-upload.js";
import { FirmwarePublisher } from "./publish-firmware.js";
import { type ReserveNowReading, routeReservations } from "./reservation-routes.js";
import { SecurityLog } from "./security-log.js";
import type { Routable, StationHost } from "./station-2.js";
import { download } from "./transfer.js";

const now = () => new Date().toISOString();
// The station's waits (polls for an idle station, scheduled firmware steps) hold no process open: a
// station closed with an update still waiting must let its command or test runner exit.
const delay = (ms: number, signal?: AbortSignal): Promise<void> => sleep(ms, undefined, { signal, ref: false });

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
  /** What GetLog SecurityLog uploads. */
  readonly securityLog = new SecurityLog();
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
      charging: () => host.connectors.some((e) => e.transactionId !== undefined),
      pending: (waiting) => this.#holdSessions(waiting),
      activate: (version) => {
        this.firmwareVersion = version;
        this.changed();
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
  }

  securityEvent(type: string, techInfo?: string): Promise<unknown> {
    this.securityLog.add(techInfo === undefined ? type : `${type}: ${techInfo}`);
    return this.#host.send("SecurityEventNotification", { type, timestamp: now(), ...(techInfo === undefined ? {} : { techInfo }) });
  }

  /** The ManufacturerRootCertificates a firmware signing certificate must chain to (the station's certificate store). */
  manufacturerRoots: () => readonly string[] = () => [];

  /**
   * Firmware updates waiting for the transactions to end, and new sessions wait for them (L01.FR.07): a
   * count, since a cancelled update lets go after its successor took hold.
   */
  #holding = 0;

  idleStatus(evseId: number): string {
    if (this.#holdsSessions()) return "Unavailable";
    return this.evses.idleStatus(evseId);
  }

  /**
   * Only while a transaction still runs: the EVSE of the last one reports Available when its EV leaves
   * (part 6 State EVDisconnected in TC_L_13/15_CS), and the update goes on.
   */
  #holdsSessions(): boolean {
    return (
      this.#holding > 0 &&
      !this.#enabled("ChargingStation", "AllowNewSessionsPendingFirmwareUpdate") &&
      this.#host.connectors.some((e) => e.transactionId !== undefined)
    );
  }

  /**
   * L01.FR.07 (TC_L_13/15_CS step 3-5): while an update waits for the transactions to end, the EVSEs not in
   * use are Unavailable unless AllowNewSessionsPendingFirmwareUpdate is true; afterwards they are what they were.
   */
  async #holdSessions(on: boolean): Promise<void> {
    this.#holding += on ? 1 : -1;
    for (const evse of this.#host.connectors) {
      if (evse.transactionId !== undefined || evse.status === "Occupied") continue;
      const status = this.idleStatus(evse.id);
      if (status !== evse.status) await this.#host.sendStatus(evse.id, status);
    }
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
    return this.idleStatus(evseId) !== "Unavailable" && this.evses.mayStart(evseId, idToken);
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

  /** No transaction runs and no EV is plugged in: a reboot ends no session. */
  async #idle(): Promise<void> {
    while (this.#host.connectors.some((e) => e.transactionId !== undefined || e.status === "Occupied")) await delay(500);
  }

  async #reportIdle(evseId: number): Promise<void> {
    const evse = this.#host.connectors.find((e) => e.id === evseId);
    if (evse && evse.transactionId === undefined) await this.#host.sendStatus(evseId, this.idleStatus(evseId));
  }

  /**
   * UpdateFirmware's answer: the station supports only secure firmware updates, so a request without a
   * signing certificate and signature is Rejected (TC_L_18_CS); a signing certificate that is not
   * trusted is InvalidCertificate (L01.FR.02, TC_L_05_CS); a request while an update runs cancels it
   * (AcceptedCanceled, L01.FR.24) or, for a station that cannot cancel, is Rejected (L01.FR.27, TC_L_11_CS).
   */
  #updateFirmwareStatus({ firmware }: UpdateFirmwareRequest): string {
    if (firmware.signingCertificate === undefined || firmware.signature === undefined) return "Rejected";
    if (!trustedSigningCertificate(firmware.signingCertificate, this.manufacturerRoots())) return "InvalidCertificate";
    if (!this.firmware.busy) return "Accepted";
    return this.firmware.cancellable ? "AcceptedCanceled" : "Rejected";
  }

  route(peer: Routable): void {
    const host = this.#host;
    this.publisher.route(peer, host);
    peer.route("UpdateFirmware", (request: UpdateFirmwareRequest) => ({ status: this.#updateFirmwareStatus(request) }));
    peer.routeAfter("UpdateFirmware", (request: UpdateFirmwareRequest) => {
      const { firmware } = request;
      const status = this.#updateFirmwareStatus(request);
      if (status === "InvalidCertificate") {
        // L01.FR.22 as TC_L_05_CS cites it: the refused signing certificate is a security event.
        host.background("SecurityEventNotification", () => this.securityEvent("InvalidFirmwareSigningCertificate"));
        return;
      }
      if (status === "Rejected") return;
      const job: FirmwareJob = {
        dialect: "2.x",
        stage: "pending",
        request: { ...firmware, requestId: request.requestId, retries: request.retries, retryIntervalS: request.retryInterval },
      };
      host.background("UpdateFirmware", () => this.firmware.start(job));
    });

    routeGetLog(peer, host, this.logs, "AcceptedCanceled");

    type ReserveNow = {
      id: number;
      expiryDateTime: string;
      idToken: IdToken;
      evseId?: number;
      groupIdToken?: IdToken;
      connectorType?: string;
    };
    routeReservations(peer, {
      host,
      evses: this.evses,
      changed: () => this.changed(),
      reportIdle: (evseId) => this.#reportIdle(evseId),
      read: (request: ReserveNow): ReserveNowReading => {
        if (!this.#enabled("ReservationCtrlr", "Enabled")) return { refused: "Rejected" };
        const reservation = {
          id: request.id,
          idToken: request.idToken.idToken,
          groupIdToken: request.groupIdToken?.idToken,
          expiresAt: request.expiryDateTime,
        };
        return { reservation, evseId: request.evseId };
      },
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
      const evseId = request.evseId;
      if (evseId !== undefined) {
        // B11.FR.08 / B12.FR.07 / B12.FR.08 (part 6 TC_B_25-27): only this EVSE resets; the station and its
        // other EVSEs stay up. Immediate ends its transaction first (stoppedReason ImmediateReset, triggerReason
        // ResetCommand); OnIdle (answered Scheduled) lets it run to its end. The simulated EVSE has nothing
        // to restart beyond its transaction: its connector state (an EV still plugged in) survives the reset.
        if (request.type === "Immediate") host.background("Reset", () => host.stopSession(evseId, "ImmediateReset"));
        return;
      }
      if (request.type === "OnIdle" && busy) {
        // B12.FR.01 / B12.FR.03 (part 6 TC_B_21 step 7, TC_B_41 step 11): the reset waits for the last
        // transaction to end, then boots with reason ScheduledReset.
        this.#resetWhenIdle = "ScheduledReset";
        return;
      }
      // B12.FR.02 / B12.FR.04 (part 6 TC_B_22): Immediate ends every transaction (TransactionEvent Ended,
      // stoppedReason ImmediateReset, triggerReason ResetCommand), then reboots with reason RemoteReset.
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
