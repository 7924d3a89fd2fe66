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
 * key over the file (SHA-256). What a transaction under way holds back is `duringTransaction` (2.0.1
 * L01.FR.06/07 as TC_L_12..16_CS cite them; 1.6 section 5.19: installation waits, recommended).
 * A file that holds `installFailsMarker` installs, reboots and then fails its verification
 * (InstallVerificationFailed, TC_L_08_CS): the simulator's deterministic broken firmware.
 */
import { createHash, verify, X509Certificate } from "node:crypto";

/** The bytes that make the simulator's installation of a firmware file fail (TC_L_08_CS). */
export const installFailsMarker = "OCPPKIT-FIRMWARE-INSTALL-FAILS";

/**
 * What the station does while a transaction runs (2.0.1 L01.FR.06): `Wait` neither downloads nor installs
 * until every transaction ended (TC_L_12/13_CS), `Download` downloads and verifies but installs after them
 * (TC_L_14/15_CS), `Update` downloads and installs at once, without a reboot (TC_L_16_CS).
 */
export const DuringTransaction = { Wait: "wait", Download: "download", Update: "update" } as const;
export type DuringTransaction = (typeof DuringTransaction)[keyof typeof DuringTransaction];

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
  /** `rebooting`: the new firmware is in place and the next boot reports Installed (or, `failed`, InstallVerificationFailed). */
  stage: "pending" | "rebooting";
  failed?: boolean;
  /** The version the station reports after the update. */
  version?: string;
}

export interface FirmwareHost {
  /** Sends the version's FirmwareStatusNotification (SignedFirmwareStatusNotification in 1.6-signed). */
  notify(status: string, requestId: number | undefined): Promise<unknown>;
  securityEvent(type: string, techInfo?: string): Promise<unknown>;
  download(location: string): Promise<Buffer>;
  /** Resolves once no transaction runs and no EV is plugged in (a reboot would end its session). */
  idle(): Promise<void>;
  /** Whether a transaction runs now (2.x; the 1.6 dialects only wait before installing). */
  charging?(): boolean;
  /**
   * The update waits for transactions to end (`true`) or no longer does: while it waits the EVSEs not in
   * use may start no new session unless AllowNewSessionsPendingFirmwareUpdate (L01.FR.07).
   */
  pending?(waiting: boolean): Promise<void>;
  /** The new firmware runs without a reboot (`Update` during a transaction). */
  activate?(version: string): void;
  /**
   * Reboots on the new firmware (undefined: the old one stays, its installation failed): BootNotification
   * with reason FirmwareUpdate, then `afterBoot`, then the statuses (TC_L_01_CS steps 13-17).
   */
  reboot(version: string | undefined, afterBoot: () => Promise<void>): Promise<void>;
  /** The job changed (undefined: finished), to keep it over a restart. */
  saved(job: FirmwareJob | undefined): void;
  delay(ms: number, signal: AbortSignal): Promise<void>;
}

/** How a station's updates behave (`ocppkit charge-point --firmware`), the variants part 6's TC_L_10..16_CS prerequisites name. */
export interface FirmwareVariant {
  readonly cancellable: boolean;
  readonly duringTransaction: DuringTransaction;
}

const variantWords = ["cancel", "no-cancel", ...Object.values(DuringTransaction)];

export class FirmwareVariantError extends Error {
  readonly code = "ERR_FIRMWARE_VARIANT";
}

/** `no-cancel,wait` and the like: `cancel` / `no-cancel` and one of `wait`, `download`, `update`; unnamed parts keep the default. */
export function parseFirmwareVariant(text: string): FirmwareVariant {
  let cancellable = true;
  let duringTransaction: DuringTransaction = DuringTransaction.Update;
  for (const word of text.split(",").map((w) => w.trim())) {
    if (!variantWords.includes(word))
      throw new FirmwareVariantError(`unknown firmware variant '${word}' (known: ${variantWords.join(", ")})`);
    if (word === "cancel" || word === "no-cancel") cancellable = word === "cancel";
    else duringTransaction = word as DuringTransaction;
  }
  return { cancellable, duringTransaction };
}

export class FirmwareCancelled extends Error {
  readonly code = "ERR_FIRMWARE_CANCELLED";
  constructor() {
    super("the firmware update was replaced by a newer one");
  }
}

/** Whether a PEM certificate can be read. */
export function readableCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `pem` is a firmware signing certificate the station trusts (2.0.1 L01.FR.02 as TC_L_05_CS cites
 * it: the station validates the certificate before it accepts the request; UpdateFirmware answers
 * InvalidCertificate when not): readable, valid now, and issued and signed by one of `roots` (its
 * ManufacturerRootCertificates). A station with no ManufacturerRootCertificate installed has nothing to
 * check the chain against; the simulator then takes any readable certificate valid now (documented in the README).
 */
export function trustedSigningCertificate(pem: string, roots: readonly string[]): boolean {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return false;
  }
  const now = Date.now();
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) return false;
  if (!roots.length) return true;
  return roots.some((rootPem) => {
    try {
      const root = new X509Certificate(rootPem);
      return certificate.checkIssued(root) && certificate.verify(root.publicKey);
    } catch {
      return false;
    }
  });
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
  /** A new request cancels the running update (L01.FR.24, AcceptedCanceled); when false it is Rejected (TC_L_11_CS). */
  cancellable = true;
  /** The simulator updates while a transaction runs (TC_L_16_CS); the other variants are for TC_L_12..15_CS. */
  duringTransaction: DuringTransaction = DuringTransaction.Update;

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
    return this.#notify(job.failed ? "InstallVerificationFailed" : "Installed", job.request.requestId, new AbortController().signal);
  }

  async #notify(status: string, requestId: number | undefined, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new FirmwareCancelled();
    this.status = status;
    this.requestId = requestId;
    await this.#host.notify(status, requestId);
  }

  async #run(job: FirmwareJob, signal: AbortSignal): Promise<void> {
    const v2 = job.dialect === FirmwareDialect.V2;
    const waits = v2 && this.duringTransaction !== DuringTransaction.Update && this.#charging();
    let holding = false;
    const hold = async (on: boolean) => {
      if (holding === on) return;
      holding = on;
      await this.#host.pending?.(on);
    };
    try {
      await this.#steps(job, signal, waits, hold);
    } finally {
      await hold(false);
    }
  }

  async #steps(job: FirmwareJob, signal: AbortSignal, waits: boolean, hold: (on: boolean) => Promise<void>): Promise<void> {
    const { request, dialect } = job;
    const id = request.requestId;
    const signed = dialect !== FirmwareDialect.V16;
    const v2 = dialect === FirmwareDialect.V2;
    const waitsToDownload = waits && this.duringTransaction === DuringTransaction.Wait;
    // TC_L_12/13_CS step 3: DownloadScheduled while the transaction keeps the download back.
    if (v2 && (Date.parse(request.retrieveDateTime) > Date.now() || waitsToDownload)) await this.#notify("DownloadScheduled", id, signal);
    if (waits) await hold(true);
    await waitUntil(this.#host, request.retrieveDateTime, signal);
    if (waitsToDownload) await this.#idle(hold);
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
    const later = request.installDateTime !== undefined && Date.parse(request.installDateTime) > Date.now();
    // TC_L_14/15_CS step 9/11: InstallScheduled while a transaction keeps the installation back.
    if (v2 && (later || (this.duringTransaction !== DuringTransaction.Update && this.#charging())))
      await this.#notify("InstallScheduled", id, signal);
    await waitUntil(this.#host, request.installDateTime, signal);
    const hot = v2 && this.duringTransaction === DuringTransaction.Update && this.#charging();
    if (!hot) await this.#idle(hold);
    await this.#notify("Installing", id, signal);
    const version = `sim-${createHash("sha256").update(file).digest("hex").slice(0, 12)}`;
    const failed = file.includes(installFailsMarker);
    if (hot && !failed) {
      // TC_L_16_CS: the station updates while the transaction goes on; no reboot, so no InstallRebooting.
      this.#host.activate?.(version);
      this.#host.saved(undefined);
      await this.#host.securityEvent("FirmwareUpdated", version);
      return this.#notify("Installed", id, signal);
    }
    job.stage = "rebooting";
    job.version = version;
    job.failed = failed;
    this.#host.saved(job);
    if (signed) await this.#notify("InstallRebooting", id, signal);
    this.#running = undefined;
    await hold(false);
    // A firmware that fails its verification after the reboot leaves the old one running (TC_L_08_CS).
    await this.#host.reboot(failed ? undefined : version, async () => {
      this.#host.saved(undefined);
      if (signed && !failed) await this.#host.securityEvent("FirmwareUpdated", version);
    });
    await this.#notify(failed ? "InstallVerificationFailed" : "Installed", id, new AbortController().signal);
  }

  #charging(): boolean {
    return this.#host.charging?.() ?? false;
  }

  /** Waits until no transaction runs, then no longer holds new sessions back. */
  async #idle(hold: (on: boolean) => Promise<void>): Promise<void> {
    await this.#host.idle();
    await hold(false);
  }
}
