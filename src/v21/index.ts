export * from "./actions.generated.js";
export * as call from "./call.generated.js";
export * as callResult from "./call-result.generated.js";
export { ChargePoint, type SendAction } from "./charge-point.js";
export type * from "./datatypes.generated.js";
export * from "./enums.generated.js";
export { protocol } from "./protocol.js";
