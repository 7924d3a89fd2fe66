import { type CallOptions, type CallPayload, ChargePoint as CoreChargePoint } from "../rpc/charge-point.js";
import type { OcppProtocol } from "../rpc/protocol.js";
import type { Action } from "./actions.generated.js";
import * as call from "./call.generated.js";
import type { ResultByAction } from "./call-result.generated.js";
import * as callResult from "./call-result.generated.js";
import { protocol } from "./protocol.js";

/** The actions sent as SEND: those without a response (NotifyPeriodicEventStream). */
export type SendAction = Exclude<Action, keyof ResultByAction>;

/**
 * An OCPP 2.1 peer. Extend it and route incoming CALLs with `@on` / `@after`, or use it as it is with
 * `route()`; send with `call(new call.X({...}))`. Serves either role, charge point or central system.
 * 2.1 adds SEND: `send(new call.NotifyPeriodicEventStream({...}))` goes out unconfirmed, and an incoming
 * SEND reaches its `@on` handler with nothing sent back. A CALLRESULT that fails its schema is answered
 * with CALLRESULTERROR; a CALLRESULTERROR from the peer reaches `onCallResultError` (logged by default).
 */
export class ChargePoint extends CoreChargePoint<ResultByAction> {
  static override readonly protocol: OcppProtocol = protocol;
  /** "2.1": the reference's `_ocpp_version`. */
  static readonly ocppVersion = "2.1";
  /** The request classes, same as the `call` export: the reference's `_call`. */
  static readonly calls = call;
  /** The response classes, same as the `callResult` export: the reference's `_call_result`. */
  static readonly callResults = callResult;

  /**
   * Sends an unconfirmed message (SEND, 2.1 part 4 section 4.2.4): only for actions without a response
   * (NotifyPeriodicEventStream). Returns its message id; goes out at once, even while a CALL waits.
   */
  override send(payload: CallPayload<SendAction>, options?: Pick<CallOptions, "uniqueId" | "skipSchemaValidation">): string {
    return super.send(payload, options);
  }

  /** The request classes, for subclasses: `new this.calls.Heartbeat()`. */
  get calls(): typeof call {
    return call;
  }

  /** The response classes, for subclasses: `new this.callResults.Reset({ status: "Accepted" })`. */
  get callResults(): typeof callResult {
    return callResult;
  }
}
