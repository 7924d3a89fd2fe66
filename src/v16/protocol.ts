import type { ActionSpec, OcppProtocol, PayloadClass } from "../rpc/protocol.js";
import { Action } from "./actions.generated.js";
import * as callResult from "./call-result.generated.js";
import * as validators from "./validators.generated.js";

const resultClasses = callResult as unknown as Record<string, PayloadClass>;
const validatorsByName = validators as unknown as Record<string, ActionSpec["request"]>;

const actions = new Map<string, ActionSpec>();
for (const action of Object.values(Action)) {
  actions.set(action, {
    request: validatorsByName[`${action}Request`],
    response: validatorsByName[`${action}Response`],
    Result: resultClasses[action],
  });
}

/** OCPP 1.6 (edition 2, with the security extension) as the core engine sees it. */
export const protocol: OcppProtocol = {
  ocppVersion: "1.6",
  subprotocol: "ocpp1.6",
  dialect: "1.6",
  messageTypes: new Set([2, 3, 4]),
  actions,
};
