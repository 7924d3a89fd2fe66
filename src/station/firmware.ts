/**
 * A firmware update as a station runs it, one at a time, in every version's dialect:
 * - 2.0.1 / 2.1 L01 (TC_L_01_CS / TC_L_02_CS): [DownloadScheduled] Downloading, Downloaded,
 *   SignatureVerified, [InstallScheduled] Installing, InstallRebooting, reboot (BootNotification
 *   reason FirmwareUpdate, SecurityEventNotification FirmwareUpdated, statuses), Installed; failures
 *   DownloadFailed (after the retries), InvalidSignature with SecurityEventNotification
 *   InvalidFirmwareSignature (TC_L_06_CS).
 * - 1.6 UpdateFirmware (section 5.19, figure 41): Downloading, Downloaded, Installing, reboot,
 *   Installed; DownloadFailed.
 * - 1.6 security extension SignedUpdateFirmware: as 2.0.1 without the scheduled statuses.
 * The file is really fetched; a signature (base64) is checked against the signing certificate's public
 * key over the file (SHA-256). Installation waits until no transaction runs (1.6 section 5.19: recommended).
 */
import { createHash, verify, X509Certificate } from "node:crypto";

export const FirmwareDialect = { V2: "2.x", V16: "1.6", V16Signed: "1.6-signed" } as const;
export type FirmwareDialect = (typeof FirmwareDialect)[keyof typeof FirmwareDialect];

export interface FirmwareRequest {
  readonly location: string;
  readonly retrieveDateTime: string;
  readonly installDateTime?: string;
  readonly signingCertificate?: string;
  readonly signature?: string;
  readonly requestId?: number;
  readonly retries?: number;
  readonly retryIntervalS?: number;
}

/** The update as kept over a restart: what was asked and how far it got. */
export interface FirmwareJob {
  readonly request: FirmwareRequest;
  readonly dialect: FirmwareDialect;
  /** `rebooting`: the new firmware is in place and the next boot reports Installed. */
  stage: "pending" | "rebooting";
  /** The version the station reports after the update. */
  version?: string;
}

export interface FirmwareHost {
  /** Sends the version's FirmwareStatusNotification (SignedFirmwareStatusNotification in 1.6-signed). */
  notify(status: string, requestId: number | undefined): Promise<unknown>;
  securityEvent(type: string, techInfo?: string): Promise<unknown>;
  download(location: string): Promise<Buffer>;
  /** Resolves once no transaction runs. */
  idle(): Promise<void>;
  /**
   * Reboots on the new firmware: BootNotification with reason FirmwareUpdate, then `afterBoot`, then
   * the statuses (TC_L_01_CS steps 13-17).
   */
  reboot(version: string, afterBoot: () => Promise<void>): Promise<void>;
  /** The job changed (undefined: finished), to keep it over a restart. */
  saved(job: FirmwareJob | undefined): void;
  delay(ms: number, signal: AbortSignal): Promise<void>;
}

export class FirmwareCancelled extends Error {
  readonly code = "ERR_FIRMWARE_CANCELLED";
  constructor() {
    super("the firmware update was replaced by a newer one");
  }
}

/** Whether a PEM signing certificate can be read; UpdateFirmware answers InvalidCertificate when not. */
export function readableCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

export function signatureValid(file: Buffer, certificatePem: string, signatureBase64: string): boolean {
  try {
    const key = new X509Certificate(certificatePem).publicKey;
    return verify("sha256", file, key, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}

const waitUntil = (host: FirmwareHost, at: string | undefined, signal: AbortSignal) => {
  const ms = at === undefined ? 0 : Date.parse(at) - Date.now();
  return ms > 0 ? host.delay(ms, signal) : Promise.resolve();
};

export class FirmwareUpdater {
  readonly #host: FirmwareHost;
  #running: AbortController | undefined;
  /** The last status sent, for a TriggerMessage (Idle when none runs). */
  status = "Idle";
  requestId: number | undefined;

  constructor(host: FirmwareHost) {
    this.#host = host;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Starts `job`, cancelling a running update (2.0.1 L01.FR.24: answered AcceptedCanceled). */
  start(job: FirmwareJob): Promise<void> {
    this.#running?.abort();
    const controller = new AbortController();
    this.#running = controller;
    this.#host.saved(job);
    return this.#run(job, controller.signal).finally(() => {
      if (this.#running === controller) this.#running = undefined;
      // Ended before the new firmware was in place (done, failed or cancelled): nothing to resume.
      if (job.stage === "pending" && !controller.signal.aborted) this.#host.saved(undefined);
    });
  }

  /** After a restart: an update that had installed its firmware reports Installed; one still pending starts over. */
  resume(job: FirmwareJob): Promise<void> {
    if (job.stage !== "rebooting") return this.start({ ...job, stage: "pending" });
    this.#host.saved(undefined);
    return this.#notify("Installed", job.request.requestId, new AbortController().signal);
  }

  async #notify(status: string, requestId: number | undefined, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new FirmwareCancelled();
    this.status = status;
    this.requestId = requestId;
    await this.#host.notify(status, requestId);
  }

  async #run(job: FirmwareJob, signal: AbortSignal): Promise<void> {
    const { request, dialect } = job;
    const id = request.requestId;
    const signed = dialect !== FirmwareDialect.V16;
    if (Date.parse(request.retrieveDateTime) > Date.now() && dialect === FirmwareDialect.V2)
      await this.#notify("DownloadScheduled", id, signal);
    await waitUntil(this.#host, request.retrieveDateTime, signal);
    let file: Buffer | undefined;
    const attempts = 1 + Math.max(0, request.retries ?? 0);
    for (let attempt = 1; attempt <= attempts && !file; attempt++) {
      await this.#notify("Downloading", id, signal);
      try {
        file = await this.#host.download(request.location);
      } catch {
        if (attempt < attempts) await this.#host.delay((request.retryIntervalS ?? 0) * 1000, signal);
      }
    }
    if (!file) return this.#notify("DownloadFailed", id, signal);
    await this.#notify("Downloaded", id, signal);
    if (signed && (request.signature !== undefined || request.signingCertificate !== undefined || dialect === FirmwareDialect.V16Signed)) {
      const valid =
        request.signature !== undefined &&
        request.signingCertificate !== undefined &&
        signatureValid(file, request.signingCertificate, request.signature);
      if (!valid) {
        await this.#notify("InvalidSignature", id, signal);
        await this.#host.securityEvent("InvalidFirmwareSignature");
        return;
      }
      await this.#notify("SignatureVerified", id, signal);
    }
    if (request.installDateTime !== undefined && Date.parse(request.installDateTime) > Date.now() && dialect === FirmwareDialect.V2)
      await this.#notify("InstallScheduled", id, signal);
    await waitUntil(this.#host, request.installDateTime, signal);
    await this.#host.idle();
    await this.#notify("Installing", id, signal);
    const version = `sim-${createHash("sha256").update(file).digest("hex").slice(0, 12)}`;
    job.stage = "rebooting";
    job.version = version;
    this.#host.saved(job);
    if (signed) await this.#notify("InstallRebooting", id, signal);
    this.#running = undefined;
    await this.#host.reboot(version, async () => {
      this.#host.saved(undefined);
      if (signed) await this.#host.securityEvent("FirmwareUpdated", version);
    });
    await this.#notify("Installed", id, new AbortController().signal);
  }
}
