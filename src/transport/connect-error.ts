/** Opening the WebSocket failed; `message` says why in one line. */
export class ConnectError extends Error {
  /** HTTP status when the server refused the upgrade. */
  readonly statusCode?: number;
  constructor(message: string, statusCode?: number) {
    super(message);
    this.name = "ConnectError";
    this.statusCode = statusCode;
  }
}
