import { actionSpecs, type OcppProtocol } from "../rpc/protocol.js";
import { Action } from "./actions.generated.js";
import * as call from "./call.generated.js";
import * as callResult from "./call-result.generated.js";
import * as validators from "./validators.generated.js";

/** OCPP 2.0.1 (part 4 section 4.1.3: CALL, CALLRESULT, CALLERROR) as the core engine sees it. */
export const protocol: OcppProtocol = {
  ocppVersion: "2.0.1",
  subprotocol: "ocpp2.0.1",
  dialect: "2.0.1",
  messageTypes: new Set([2, 3, 4]),
  actions: actionSpecs(Action, validators, call, callResult),
};
