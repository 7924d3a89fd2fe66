/**
 * Checks a payload against its action's schema and names the field at fault: shared by the page (which
 * refuses before sending) and the control endpoint (which refuses with 400), so both say the same thing.
 */
import { type SchemaValidator, validatePayload } from "../rpc/validation.js";

export interface PayloadProblem {
  /** JSON pointer of the field at fault: "/idTag", "/chargingProfile/chargingSchedule"; "" for the payload itself. */
  readonly field: string;
  /** The OCPP error code the engine would answer with (OCPP-J 1.6 section 4.2.3, 2.0.1 part 4 section 4.3). */
  readonly code: string;
  readonly message: string;
}

export function payloadProblem(validator: SchemaValidator, payload: unknown): PayloadProblem | undefined {
  const error = validatePayload(validator, payload);
  if (!error) return undefined;
  const { path, missingProperty, additionalProperty, allowedValues } = error.details as {
    path?: string;
    missingProperty?: string;
    additionalProperty?: string;
    allowedValues?: unknown;
  };
  const child = missingProperty ?? additionalProperty;
  // The engine's description starts with where the problem is ("/evse: ..." or "payload must ..."): the
  // field says that here, so the message keeps only what is wrong.
  const at = path || "payload";
  const what = error.description.startsWith(at) ? error.description.slice(at.length).replace(/^:?\s*/, "") : error.description;
  const message = Array.isArray(allowedValues) ? `${what}: ${allowedValues.join(", ")}` : what;
  return { field: `${path ?? ""}${child === undefined ? "" : `/${child}`}`, code: error.code, message };
}
