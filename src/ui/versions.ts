/** The OCPP versions the page and the control endpoint know: each one's action table and senders. */
import type { OcppProtocol, PayloadClass } from "../index.js";
import * as v16 from "../v16/index.js";
import * as v21 from "../v21/index.js";
import * as v201 from "../v201/index.js";
import type { OcppVersionName } from "./view-types.js";

export interface UiVersion {
  readonly protocol: OcppProtocol;
  readonly calls: Readonly<Record<string, PayloadClass>>;
  readonly actionSender: Readonly<Record<string, "ChargePoint" | "CentralSystem" | "Both">>;
  /** The folder of its JSON schemas under schemas/. */
  readonly schemaFolder: string;
}

const entry = (module: typeof v16 | typeof v201 | typeof v21, schemaFolder: string): UiVersion => ({
  protocol: module.protocol,
  calls: module.call as unknown as Record<string, PayloadClass>,
  actionSender: module.actionSender,
  schemaFolder,
});

export const uiVersions: Readonly<Record<OcppVersionName, UiVersion>> = {
  "1.6": entry(v16, "v16"),
  "2.0.1": entry(v201, "v201"),
  "2.1": entry(v21, "v21"),
};

export const isVersionName = (value: string): value is OcppVersionName => Object.hasOwn(uiVersions, value);

/** The actions a central system may send in `version` (CALLs only: SEND messages get no answer to show). */
export function centralSystemActions(version: OcppVersionName): string[] {
  const { actionSender, protocol } = uiVersions[version];
  return Object.entries(actionSender)
    .filter(([action, sender]) => sender !== "ChargePoint" && protocol.actions.get(action)?.response !== undefined)
    .map(([action]) => action)
    .sort();
}
