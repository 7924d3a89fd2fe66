/** The OCPP versions a simulated station speaks, by the names a person types (`--version 1.6`). */
export const stationVersions = ["1.6", "2.0.1", "2.1"] as const;
export type VersionName = (typeof stationVersions)[number];
