/** Where ocppkit reports frames and problems. Every method is optional: leave one out to stay quiet. */
export interface Logger {
  /** One frame as it crossed the wire; `direction` is "in" (received) or "out" (sent). */
  frame?(chargePointId: string, direction: "in" | "out", text: string): void;
  /** Something was dropped, ignored or mapped to an error the application did not ask for. */
  warn?(message: string, context?: Record<string, unknown>): void;
  /** A handler failed or answered invalidly; the peer got a CALLERROR. */
  error?(message: string, context?: Record<string, unknown>): void;
}

/** Logs nothing. */
export const silentLogger: Logger = {};

const describe = (context?: Record<string, unknown>) => (context ? ` ${JSON.stringify(context)}` : "");

/** Problems (warn, error) to stderr; frames too when `frames` is true. */
export function consoleLogger({ frames = false } = {}): Logger {
  return {
    frame: frames ? (id, direction, text) => console.error(`${direction === "in" ? "<-" : "->"} ${id} ${text}`) : undefined,
    warn: (message, context) => console.error(`ocppkit warn: ${message}${describe(context)}`),
    error: (message, context) => console.error(`ocppkit error: ${message}${describe(context)}`),
  };
}

/**
 * The logger used when none is given, chosen by the OCPPKIT_LOG environment variable:
 * unset or "warn" reports problems only, "frames" adds every frame, "silent" logs nothing.
 */
export function defaultLogger(): Logger {
  const level = environmentLevel();
  if (level === "silent") return silentLogger;
  // Shared, not made per call: every ChargePoint asks for one, and a server holding thousands of them
  // would otherwise keep thousands of identical loggers (an object and three closures each).
  if (level === "frames" || level === "debug") {
    framesLogger ??= consoleLogger({ frames: true });
    return framesLogger;
  }
  problemsLogger ??= consoleLogger();
  return problemsLogger;
}

/**
 * OCPPKIT_LOG where there is an environment. Read through `globalThis` and typed here, not through
 * Node's `process` global: browsers and edge runtimes have no `process` (a bare reference throws a
 * ReferenceError there), and the published types must not need `@types/node`.
 */
function environmentLevel(): string | undefined {
  const { process } = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return process?.env?.OCPPKIT_LOG;
}

let problemsLogger: Logger | undefined;
let framesLogger: Logger | undefined;
