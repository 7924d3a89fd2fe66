import { ChargePoint as CoreChargePoint } from "../rpc/charge-point.js";
import type { OcppProtocol } from "../rpc/protocol.js";
import * as call from "./call.generated.js";
import type { ResultByAction } from "./call-result.generated.js";
import * as callResult from "./call-result.generated.js";
import { protocol } from "./protocol.js";

/**
 * An OCPP 2.0.1 peer. Extend it and route incoming CALLs with `@on` / `@after`, or use it as it is with
 * `route()`; send with `call(new call.X({...}))`. Serves either role, charge point or central system.
 */
export class ChargePoint extends CoreChargePoint<ResultByAction> {
  static override readonly protocol: OcppProtocol = protocol;
  /** "2.0.1": the reference's `_ocpp_version`. */
  static readonly ocppVersion = "2.0.1";
  /** The request classes, same as the `call` export: the reference's `_call`. */
  static readonly calls = call;
  /** The response classes, same as the `callResult` export: the reference's `_call_result`. */
  static readonly callResults = callResult;

  /** The request classes, for subclasses: `new this.calls.Heartbeat()`. */
  get calls(): typeof call {
    return call;
  }

  /** The response classes, for subclasses: `new this.callResults.Reset({ status: "Accepted" })`. */
  get callResults(): typeof callResult {
    return callResult;
  }
}
