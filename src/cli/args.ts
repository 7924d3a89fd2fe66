/** Command-line parsing shared by the commands: node:util parseArgs, with mistakes turned into usage errors. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { usageError } from "./cli-errors.js";

type OptionSpec = { type: "string" | "boolean"; short?: string; multiple?: false; default?: string | boolean };
export type OptionSpecs = Record<string, OptionSpec>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** Options every command takes. */
export const commonOptions = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies OptionSpecs;

export function parse(command: string, argv: readonly string[], options: OptionSpecs, maxPositionals = 0): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains well but long; keep its first sentence.
    const first = (error as Error).message.split(". ")[0].replace(/\.$/, "");
    throw usageError(command, first.charAt(0).toLowerCase() + first.slice(1));
  }
  if (!parsed.values.help && parsed.positionals.length > maxPositionals) {
    throw usageError(command, `unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return { values: parsed.values as Parsed["values"], positionals: parsed.positionals };
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A whole number option within [min, max]. */
export function intOption(command: string, parsed: Parsed, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw usageError(command, `--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** A positive number option (seconds, rates): decimals allowed. */
export function numberOption(command: string, parsed: Parsed, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw usageError(command, `--${name} must be a number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** A ws:// or wss:// URL positional. */
export function urlArgument(command: string, raw: string | undefined): URL {
  if (raw === undefined) throw usageError(command, "missing the central system URL, e.g. ws://127.0.0.1:9000/ocpp");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(command, `'${raw}' is not a URL; expected something like ws://127.0.0.1:9000/ocpp`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw usageError(command, `'${raw}' is not a WebSocket URL: it must start with ws:// or wss://`);
  }
  return url;
}

/** `basic:user:pass` (the password may itself contain colons). */
export function basicAuthOption(command: string, raw: string | undefined): { username: string; password: string } | undefined {
  if (raw === undefined) return undefined;
  const match = /^basic:([^:]+):(.+)$/.exec(raw);
  if (!match) throw usageError(command, `--auth must look like basic:user:password, got '${raw}'`);
  return { username: match[1], password: match[2] };
}

/** Parses a JSON object given on the command line or the prompt; `what` names it in the error. */
export function jsonObject(command: string, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(command, `${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw usageError(command, `${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function readTextFile(command: string, path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw usageError(command, `cannot read ${what} '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
