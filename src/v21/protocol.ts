import { actionSpecs, type OcppProtocol } from "../rpc/protocol.js";
import { Action } from "./actions.generated.js";
import * as call from "./call.generated.js";
import * as callResult from "./call-result.generated.js";
import * as validators from "./validators.generated.js";

/** OCPP 2.1 (part 4 section 4.1.3 adds CALLRESULTERROR and SEND) as the core engine sees it. */
export const protocol: OcppProtocol = {
  ocppVersion: "2.1",
  subprotocol: "ocpp2.1",
  dialect: "2.1",
  messageTypes: new Set([2, 3, 4, 5, 6]),
  actions: actionSpecs(Action, validators, call, callResult),
};
