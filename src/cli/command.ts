/** What main.ts knows of a command. */
export interface Command {
  readonly name: string;
  /** One line for `ocppkit --help`. */
  readonly summary: string;
  /** The full `ocppkit <name> --help` text, with examples. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves with the exit code. */
  run(argv: readonly string[]): Promise<number>;
}
