/**
 * The events of `ocppkit charge-point`: with --json, one object per line on stdout, each with `time`
 * (ISO 8601), `event` and `chargePoint`, beside the frame records of the timeline; for a person, a
 * coloured line for the events worth reading. The README lists every event and its fields: keep
 * them stable, a test harness reads them.
 */
import type { Logger } from "../index.js";
import { Color, type Palette } from "./colors.js";

export interface EventLogOptions {
  readonly json: boolean;
  readonly chargePoint: string;
  readonly palette: Palette;
  readonly write: (line: string) => void;
}

/** Records `event` with its fields; `text` is the line a person sees (none: only in --json). */
export type EventLog = (event: string, fields: Record<string, unknown>, text?: string) => void;

export function eventLog(options: EventLogOptions): EventLog {
  const { json, chargePoint, palette, write } = options;
  return (event, fields, text) => {
    if (json) {
      const record: Record<string, unknown> = { time: new Date().toISOString(), event, chargePoint };
      // A field never overwrites the three every line has.
      for (const [key, value] of Object.entries(fields)) if (!(key in record)) record[key] = value;
      write(JSON.stringify(record));
    } else if (text !== undefined) write(palette.paint(Color.yellow, text));
  };
}

/**
 * `logger` with its warnings and errors as `warning` / `error` events on stdout in --json (a harness
 * reads one stream), and on stderr as one line each otherwise.
 */
export function withEventWarnings(logger: Logger, log: EventLog, json: boolean): Logger {
  if (!json) return logger;
  return {
    ...logger,
    warn: (message, context) => log("warning", { message, ...context }),
    error: (message, context) => log("error", { message, ...context }),
  };
}
