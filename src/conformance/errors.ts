/** Errors of the conformance runner: a stable code and a one-line message that says what to do. */
export type ConformanceErrorCode = "BadConfig" | "UnknownCase" | "TriggerFailed" | "ConnectFailed";

export class ConformanceError extends Error {
  readonly code: ConformanceErrorCode;
  constructor(code: ConformanceErrorCode, message: string) {
    super(message);
    this.name = "ConformanceError";
    this.code = code;
  }
}
