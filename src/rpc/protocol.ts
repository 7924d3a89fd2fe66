import type { SchemaValidator } from "./validation.js";
import type { ErrorDialect } from "./wire-codes.js";

/** A payload class generated for one action (`call.Authorize`, `callResult.Authorize`, ...). */
export interface PayloadClass<T extends object = object> {
  readonly action: string;
  new (payload: never): T;
}

/** What the engine needs to know about one action of a version. */
export interface ActionSpec {
  readonly request: SchemaValidator;
  /** Absent for SEND-only actions, which have no response. */
  readonly response?: SchemaValidator;
  /** The `call.X` class: rebuilds a stored payload (the transaction queue) as `call()` takes it. */
  readonly Request?: PayloadClass;
  /** Instantiated for each CALLRESULT, so `instanceof callResult.X` holds. */
  readonly Result?: PayloadClass;
}

/** The action a payload's generated class names (`call.Authorize` -> "Authorize"), if it has one. */
export function actionOf(payload: unknown): string | undefined {
  const action = ((payload as object | null | undefined)?.constructor as Partial<PayloadClass> | undefined)?.action;
  return typeof action === "string" ? action : undefined;
}

/**
 * A version of OCPP as the version-agnostic core sees it. Each version folder (src/v16, ...) builds
 * one and sets it as the static `protocol` of its ChargePoint class; the core never imports them.
 */
export interface OcppProtocol {
  /** "1.6", "2.0.1", "2.1". */
  readonly ocppVersion: string;
  /** The WebSocket subprotocol: "ocpp1.6", "ocpp2.0.1", "ocpp2.1". */
  readonly subprotocol: string;
  readonly dialect: ErrorDialect;
  /** The message type numbers the version defines (2, 3, 4; 2.1 adds 5 and 6). */
  readonly messageTypes: ReadonlySet<number>;
  readonly actions: ReadonlyMap<string, ActionSpec>;
}

/**
 * The action table of a version from its generated modules: `Action`, the validators module (named
 * `<Action>Request` / `<Action>Response`), the `call` and the `callResult` module. An action without a response
 * validator is SEND-only (2.1 part 4 section 4.2.4).
 */
export function actionSpecs(
  actions: Record<string, string>,
  validators: object,
  requests: object,
  results: object,
): Map<string, ActionSpec> {
  const validatorsByName = validators as Record<string, SchemaValidator | undefined>;
  const requestsByAction = requests as Record<string, PayloadClass | undefined>;
  const resultsByAction = results as Record<string, PayloadClass | undefined>;
  const table = new Map<string, ActionSpec>();
  for (const action of Object.values(actions)) {
    const request = validatorsByName[`${action}Request`];
    if (!request) throw new Error(`no request validator for ${action}`);
    table.set(action, {
      request,
      response: validatorsByName[`${action}Response`],
      Request: requestsByAction[action],
      Result: resultsByAction[action],
    });
  }
  return table;
}
