/**
 * The frame log of every command: a readable, coloured timeline for a person (direction, action, key
 * fields, latency) or, with --json, one JSON object per frame and line for a program.
 */
import { type Logger, MessageType } from "../index.js";
import { Color, type Palette } from "./colors.js";

export type Side = "charge point" | "central system";

export interface FrameRecord {
  readonly time: string;
  readonly chargePoint: string;
  /** Who sent the frame. */
  readonly from: "chargePoint" | "centralSystem";
  readonly type: "CALL" | "CALLRESULT" | "CALLERROR" | "UNKNOWN";
  readonly id: string;
  readonly action?: string;
  readonly payload?: unknown;
  readonly errorCode?: string;
  readonly errorDescription?: string;
  /** On an answer to a CALL this side sent: milliseconds from the CALL to it. */
  readonly latencyMs?: number;
}

export interface TimelineOptions {
  /** Which side this process plays: decides which direction is "out". */
  readonly side: Side;
  readonly json: boolean;
  readonly palette: Palette;
  readonly write: (line: string) => void;
  /** Called for every frame after it is printed (the demo's summary counts with it). */
  readonly onRecord?: (record: FrameRecord) => void;
}

const typeNames: Record<number, FrameRecord["type"]> = {
  [MessageType.Call]: "CALL",
  [MessageType.CallResult]: "CALLRESULT",
  [MessageType.CallError]: "CALLERROR",
};
// Calls never answered must not grow the maps for ever.
const maxOpenCalls = 10_000;
const hiddenFields = new Set(["timestamp", "currentTime", "scheduleStart"]);

/** `status=Accepted interval=300`: the scalar fields that say what a payload is about. */
export function keyFields(payload: unknown, limit = 110): string {
  const parts: string[] = [];
  const visit = (value: unknown, key: string, depth: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (key === "meterValue" || key === "sampledValue") {
        for (const item of value) visit(item, key, depth);
      } else if (value.every((item) => typeof item !== "object")) {
        parts.push(`${key}=${value.join(",")}`);
      } else {
        parts.push(`${key}=[${value.length}]`);
      }
      return;
    }
    if (typeof value === "object") {
      const record = value as Record<string, unknown>;
      // A sampled value reads best as measurand=value+unit.
      if (typeof record.value === "string" && key === "sampledValue") {
        parts.push(`${String(record.measurand ?? "Energy.Active.Import.Register")}=${record.value}${String(record.unit ?? "")}`);
        return;
      }
      if (depth > 2) return;
      for (const [child, childValue] of Object.entries(record)) visit(childValue, child, depth + 1);
      return;
    }
    if (hiddenFields.has(key) || (key === "errorCode" && value === "NoError")) return;
    parts.push(`${key}=${typeof value === "string" && /\s/.test(value) ? JSON.stringify(value) : String(value)}`);
  };
  visit(payload, "", 0);
  const text = parts.join(" ");
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

const actionColumn = 30;
const clock = (date: Date) => date.toISOString().slice(11, 23);

/** A Logger whose `frame` prints the timeline; warnings and errors go to stderr as one line each. */
export function timeline(options: TimelineOptions): Logger {
  const { palette, write, side } = options;
  const { paint } = palette;
  // Per charger and message id: when our CALL went out and its action (for the answer's line).
  const sent = new Map<string, { action: string; at: number }>();
  const received = new Map<string, string>();
  const key = (chargePoint: string, id: string) => `${chargePoint}\u0000${id}`;

  const record = (chargePoint: string, direction: "in" | "out", text: string): FrameRecord => {
    const now = performance.now();
    const from = (direction === "out") === (side === "charge point") ? "chargePoint" : "centralSystem";
    const base = { time: new Date().toISOString(), chargePoint, from } as const;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return { ...base, type: "UNKNOWN", id: "", payload: text };
    }
    if (!Array.isArray(frame)) return { ...base, type: "UNKNOWN", id: "", payload: frame };
    const type = typeNames[frame[0] as number] ?? "UNKNOWN";
    const id = String(frame[1]);
    const k = key(chargePoint, id);
    if (type === "CALL") {
      const action = String(frame[2]);
      const open = direction === "out" ? sent : received;
      if (open.size >= maxOpenCalls) open.clear();
      if (direction === "out") sent.set(k, { action, at: now });
      else received.set(k, action);
      return { ...base, type, id, action, payload: frame[3] };
    }
    let action: string | undefined;
    let latencyMs: number | undefined;
    if (direction === "in") {
      const call = sent.get(k);
      sent.delete(k);
      action = call?.action;
      if (call) latencyMs = Math.round((now - call.at) * 10) / 10;
    } else {
      action = received.get(k);
      received.delete(k);
    }
    if (type === "CALLRESULT") return { ...base, type, id, action, payload: frame[2], latencyMs };
    if (type === "CALLERROR") {
      return { ...base, type, id, action, errorCode: String(frame[2]), errorDescription: String(frame[3] ?? ""), latencyMs };
    }
    return { ...base, type, id, payload: frame };
  };

  const human = (r: FrameRecord): string => {
    const fromCp = r.from === "chargePoint";
    const arrow = fromCp ? paint(Color.cyan, `${r.chargePoint} → CS`) : paint(Color.magenta, `${r.chargePoint} ← CS`);
    const latency = r.latencyMs === undefined ? "" : ` ${r.latencyMs} ms`;
    // Columns are padded on the plain text, then painted, so colours do not break the alignment.
    const column = (plain: string, painted: string) => painted + " ".repeat(Math.max(1, actionColumn - plain.length));
    let body: string;
    if (r.type === "CALL") body = column(r.action ?? "", paint(Color.bold, r.action ?? "")) + keyFields(r.payload);
    else if (r.type === "CALLRESULT") {
      const head = `${r.action ?? "?"} ✓${latency}`;
      body = column(head, `${r.action ?? "?"} ${paint(Color.green, "✓")}${paint(Color.dim, latency)}`) + keyFields(r.payload);
    } else if (r.type === "CALLERROR") {
      const head = `${r.action ?? "?"} ✗ ${r.errorCode}${latency}`;
      body =
        column(head, `${r.action ?? "?"} ${paint(Color.red, `✗ ${r.errorCode}`)}${paint(Color.dim, latency)}`) + (r.errorDescription ?? "");
    } else body = paint(Color.yellow, `unreadable frame ${JSON.stringify(r.payload).slice(0, 100)}`);
    return `${paint(Color.dim, clock(new Date(r.time)))}  ${arrow}  ${body}`.trimEnd();
  };

  return {
    frame(chargePoint, direction, text) {
      const r = record(chargePoint, direction, text);
      write(options.json ? JSON.stringify(r) : human(r));
      options.onRecord?.(r);
    },
    warn: (message, context) => console.error(`warning: ${message}${context ? ` ${JSON.stringify(context)}` : ""}`),
    error: (message, context) => console.error(`error: ${message}${context ? ` ${JSON.stringify(context)}` : ""}`),
  };
}

/** Writes one line to stdout. */
export const stdoutLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
