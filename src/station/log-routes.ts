/**
 * GetLog on the station's LogUploader, for both versions (2.0.1 N01; 1.6 security whitepaper N01): the
 * answer names the file, the upload starts once the answer is on the wire, and a GetLog while another
 * upload runs is answered AcceptedCanceled (whitepaper N01.FR.11, part 6 TC_N_36: the new one replaces it).
 */
import type { LogUploader } from "./log-upload.js";
import type { Routable, StationHost } from "./station-2.js";

interface GetLogRequest {
  readonly requestId: number;
  readonly logType: string;
  readonly retries?: number;
  readonly retryInterval?: number;
  readonly log: { readonly remoteLocation: string };
}

/** The name GetLog answers with and uploads under. */
export const logFileName = (request: { logType: string; requestId: number }) =>
  `${request.logType === "SecurityLog" ? "security" : "diagnostics"}-${request.requestId}.log`;

/**
 * `canceled`: the LogStatusNotification status of an upload a newer GetLog replaced, where the version has
 * one (2.0.1 AcceptedCanceled, part 6 TC_N_36); 1.6's UploadLogStatusEnumType has none, so 1.6 sends nothing.
 */
export function routeGetLog(peer: Routable, host: StationHost, logs: LogUploader, canceled?: string): void {
  peer.route("GetLog", (request: GetLogRequest) => ({
    status: logs.busy ? "AcceptedCanceled" : "Accepted",
    filename: logFileName(request),
  }));
  peer.routeAfter("GetLog", (request: GetLogRequest) => {
    host.background("GetLog", () =>
      logs.run(
        {
          location: request.log.remoteLocation,
          fileName: logFileName(request),
          content: host.logText?.(request.logType) ?? "",
          retries: request.retries,
          retryIntervalS: request.retryInterval,
          notify: (status) => host.send("LogStatusNotification", { status, requestId: request.requestId }),
          failed: "UploadFailure",
          ...(canceled ? { canceled } : {}),
        },
        request.requestId,
      ),
    );
  });
}
