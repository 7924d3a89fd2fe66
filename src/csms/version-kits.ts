/** Each OCPP version's public module, by the name a person types: what the commands build on. */
import type { ChargePoint, OcppProtocol, PayloadClass } from "../index.js";
import type { VersionName } from "../station/station-version.js";
import * as v16 from "../v16/index.js";
import * as v21 from "../v21/index.js";
import * as v201 from "../v201/index.js";

export interface VersionKit {
  readonly version: VersionName;
  readonly protocol: OcppProtocol;
  /** The version's ChargePoint class (concrete). */
  readonly ChargePoint: new (
    ...args: ConstructorParameters<typeof v16.ChargePoint>
  ) => ChargePoint<object>;
  readonly calls: Readonly<Record<string, PayloadClass>>;
  readonly actionSender: Readonly<Record<string, "ChargePoint" | "CentralSystem" | "Both">>;
}

const kit = (version: VersionName, module: typeof v16 | typeof v201 | typeof v21): VersionKit => ({
  version,
  protocol: module.protocol,
  ChargePoint: module.ChargePoint as unknown as VersionKit["ChargePoint"],
  calls: module.call as unknown as Record<string, PayloadClass>,
  actionSender: module.actionSender,
});

export const versionKits: Readonly<Record<VersionName, VersionKit>> = {
  "1.6": kit("1.6", v16),
  "2.0.1": kit("2.0.1", v201),
  "2.1": kit("2.1", v21),
};

/** The kit of a connected peer, by the version its ChargePoint speaks. */
export const kitOf = (chargePoint: { readonly ocppVersion: string }): VersionKit =>
  versionKits[chargePoint.ocppVersion as VersionName] ?? versionKits["1.6"];
