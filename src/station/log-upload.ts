/**
 * A log upload as a station runs it (2.0.1 N01, 1.6 GetDiagnostics section 5.9, 1.6 security GetLog):
 * Uploading, then the file PUT to the location (retried `retries` times, `retryIntervalS` apart), then
 * Uploaded or the version's failure status. A newer request cancels the running one (2.0.1 N01.FR.12,
 * part 6 TC_N_36: the canceled upload's LogStatusNotification says AcceptedCanceled, before the new one's Uploading).
 */
import { type TransferOptions, upload } from "./transfer.js";

export interface UploadJob {
  readonly location: string;
  readonly fileName: string;
  readonly content: string;
  readonly retries?: number;
  readonly retryIntervalS?: number;
  /** Sends the version's status notification. */
  readonly notify: (status: string) => Promise<unknown>;
  /** UploadFailure (GetLog) or UploadFailed (1.6 GetDiagnostics). */
  readonly failed: string;
  /** The status of an upload a newer request cancels (2.0.1 AcceptedCanceled); none: nothing is sent. */
  readonly canceled?: string;
}

export class LogUploader {
  #running: { readonly controller: AbortController; readonly job: UploadJob } | undefined;
  /** The last status sent while an upload runs (Idle otherwise), for a TriggerMessage. */
  status = "Idle";
  requestId: number | undefined;
  readonly #transfer: () => TransferOptions | undefined;

  constructor(transfer: () => TransferOptions | undefined) {
    this.#transfer = transfer;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  async run(job: UploadJob, requestId?: number): Promise<void> {
    const previous = this.#running;
    previous?.controller.abort();
    const controller = new AbortController();
    const running = { controller, job };
    this.#running = running;
    this.requestId = requestId;
    if (previous && job.canceled) await previous.job.notify(job.canceled);
    const notify = async (status: string) => {
      if (controller.signal.aborted) return;
      this.status = status;
      await job.notify(status);
    };
    // The upload is over once its last status goes out: a GetLog from then on starts afresh, it cancels nothing.
    const end = async (status: string) => {
      if (controller.signal.aborted) return;
      this.#running = undefined;
      this.status = "Idle";
      await job.notify(status);
    };
    try {
      const attempts = 1 + Math.max(0, job.retries ?? 0);
      for (let attempt = 1; attempt <= attempts && !controller.signal.aborted; attempt++) {
        await notify("Uploading");
        try {
          await upload(job.location, job.fileName, Buffer.from(job.content), this.#transfer());
          await end("Uploaded");
          return;
        } catch {
          if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, (job.retryIntervalS ?? 0) * 1000));
        }
      }
      await end(job.failed);
    } finally {
      if (this.#running === running) {
        this.#running = undefined;
        this.status = "Idle";
      }
    }
  }
}
