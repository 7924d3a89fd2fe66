/** How a CALL to a charger ended, from the promise its call() returned: the one mapping every Fleet uses. */
import { OcppError } from "../index.js";
import type { CallOutcome } from "./fleet.js";

export async function callOutcome(call: () => Promise<unknown>): Promise<CallOutcome> {
  try {
    const result = await call();
    return { outcome: "result", payload: { ...(result as object) } };
  } catch (error) {
    if (error instanceof OcppError)
      return { outcome: "callError", code: error.code, description: error.description, details: error.details };
    const { name, message } = error as Error;
    // By name, not class: a cluster's remote call rebuilds these errors on the calling node.
    if (name === "CallTimeoutError") return { outcome: "failed", problem: "Timeout", message };
    if (name === "NotConnectedError" || name === "NotRegisteredError") return { outcome: "failed", problem: "UnknownCharger", message };
    return { outcome: "failed", problem: "Failed", message };
  }
}
