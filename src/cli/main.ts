#!/usr/bin/env node
/**
 * The `ocppkit` command: dispatches to one module per command and turns every failure into one line
 * on stderr and a documented exit code (see cli-errors.ts), never a stack trace.
 */
import { readFileSync } from "node:fs";
import { chargePoint } from "./charge-point.js";
import { CliError, ExitCode, oneLine, usageError } from "./cli-errors.js";
import type { Command } from "./command.js";
import { conformance } from "./conformance.js";
import { demo } from "./demo.js";
import { load } from "./load.js";
import { serve } from "./serve.js";

const commands: readonly Command[] = [demo, serve, chargePoint, load, conformance];

const packageVersion = (): string => {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

const help = () => `ocppkit ${packageVersion()}: OCPP from the terminal (simulated chargers and a development central system)

Usage: ocppkit <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join("\n")}

Every command takes --help (with examples) and --json (one JSON object per line).

Exit codes:
  0  done as asked
  1  the run failed (a session did not complete, a load run saw errors)
  2  bad command line (unknown command or option, bad value, bad JSON, unreadable file)
  3  could not connect (wrong URL, nothing listening, TLS failure, subprotocol refused)
  4  the central system refused the credentials (HTTP 401/403)

Examples:
  ocppkit demo
  ocppkit serve --port 9000
  ocppkit charge-point ws://127.0.0.1:9000 --id CP1
  ocppkit load ws://127.0.0.1:9000 --count 100 --duration 30
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? topic.help : help());
    return ExitCode.Ok;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${packageVersion()}\n`);
    return ExitCode.Ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    throw usageError("", `unknown command '${name}'; commands are ${commands.map((c) => c.name).join(", ")}`);
  }
  return command.run(rest);
}

// A closed stdout (`ocppkit serve | head`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.Ok);
});

main(process.argv.slice(2)).then(
  // Exit explicitly once stdout has drained: a command that is done may still hold stdin open (the prompt).
  (code) => {
    process.stdout.write("", () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`${oneLine(error)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : ExitCode.Failure);
  },
);
