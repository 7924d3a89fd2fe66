/**
 * The station's security log: what GetLog with logType SecurityLog uploads (1.6 security whitepaper
 * N01, 2.0.1 N01), kept apart from the diagnostics log. Every security event the station reports is in
 * it (whitepaper N01.FR.05), and so is each change of the AuthorizationKey (whitepaper A01.FR.11), never
 * the key itself (A01.FR.12): callers write what happened, not values.
 */
const maxLines = 1000;

export class SecurityLog {
  readonly #lines: string[] = [];

  /** Adds a line stamped with the current time; the oldest lines go beyond 1,000. */
  add(text: string): void {
    this.#lines.push(`${new Date().toISOString()} ${text}`);
    if (this.#lines.length > maxLines) this.#lines.shift();
  }

  get lines(): readonly string[] {
    return this.#lines;
  }
}
