/** Opening the WebSocket failed; `message` says why in one line. */
export class ConnectError extends Error {
  /** HTTP status when the server refused the upgrade. */
  readonly statusCode?: number;
  /**
   * True when trying again may work: the network failed (refused, unreachable, reset, timed out, DNS)
   * or the server is unavailable (HTTP 5xx, 408, 429). False when only a change of configuration helps:
   * a malformed URL, another HTTP refusal (401, 403, 404...), a certificate that does not verify, no
   * agreed subprotocol.
   */
  readonly retryable: boolean;
  constructor(message: string, statusCode?: number) {
    super(message);
    this.name = "ConnectError";
    this.statusCode = statusCode;
    this.retryable = isRetryable(message, statusCode);
  }
}

const notRetryable = [
  /subprotocol/i,
  /Invalid URL|ERR_INVALID_URL|SyntaxError/i,
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|altname|alert certificate required|certificate/i,
];

function isRetryable(message: string, statusCode: number | undefined): boolean {
  if (statusCode !== undefined) return statusCode >= 500 || statusCode === 408 || statusCode === 429;
  return !notRetryable.some((pattern) => pattern.test(message));
}
