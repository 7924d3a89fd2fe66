/** How a step of a case ends other than well: a failed check (the system under test is wrong) or an error. */

/** A tool validation failed: the case fails at `step`, naming the check, what it expected and received. */
export class CheckFailure extends Error {
  readonly step: string;
  readonly check: string;
  readonly expected: string;
  readonly received: string;
  /** How many frames had been exchanged when it failed (the report shows the frames around it). */
  frameIndex = -1;
  constructor(step: string, check: string, expected: string, received: string) {
    super(`step ${step}: ${check}: expected ${expected}, received ${received}`);
    this.name = "CheckFailure";
    this.step = step;
    this.check = check;
    this.expected = expected;
    this.received = received;
  }
}

/** The runner could not carry out a step (a trigger failed, the connection broke): the case is "error". */
export class StepError extends Error {
  readonly step: string;
  frameIndex = -1;
  constructor(step: string, message: string) {
    super(`step ${step}: ${message}`);
    this.name = "StepError";
    this.step = step;
  }
}

/** A value as the report shows it: JSON, cut to a line. */
export function shown(value: unknown): string {
  if (value === undefined) return "absent";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
