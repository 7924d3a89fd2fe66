import { actionSpecs, type OcppProtocol } from "../rpc/protocol.js";
import { Action } from "./actions.generated.js";
import * as call from "./call.generated.js";
import * as callResult from "./call-result.generated.js";
import * as validators from "./validators.generated.js";

/** OCPP 1.6 (edition 2, with the security extension) as the core engine sees it. */
export const protocol: OcppProtocol = {
  ocppVersion: "1.6",
  subprotocol: "ocpp1.6",
  dialect: "1.6",
  messageTypes: new Set([2, 3, 4]),
  actions: actionSpecs(Action, validators, call, callResult),
};
