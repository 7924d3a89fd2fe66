/**
 * How the `ocppkit` command fails: one line for a person on stderr and a documented exit code, never
 * a stack trace. Every command throws CliError for a problem it can explain; main.ts prints it.
 */

/** Exit codes of the `ocppkit` command (documented in `ocppkit --help` and the README). */
export const ExitCode = {
  /** Done as asked. */
  Ok: 0,
  /** The run itself failed: a session did not complete, a load run saw errors. */
  Failure: 1,
  /** Bad command line: unknown command or option, bad value, bad JSON, unreadable file. */
  Usage: 2,
  /** Could not connect: wrong URL, nothing listening, TLS failure, subprotocol refused. */
  Connect: 3,
  /** The central system refused the credentials (HTTP 401 or 403). */
  Auth: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A command-line mistake; `command` names the help to point at. */
export function usageError(command: string, message: string): CliError {
  const help = command ? `ocppkit ${command} --help` : "ocppkit --help";
  return new CliError(`ocppkit${command ? ` ${command}` : ""}: ${message} (see '${help}')`, ExitCode.Usage);
}

/** The one line a person sees for any error, whatever threw it. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0];
}
