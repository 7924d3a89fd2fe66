/** The OCPP versions a simulated station speaks, by the names a person types (`--version 1.6`). */
export const stationVersions = ["1.6", "2.0.1", "2.1"] as const;
export type VersionName = (typeof stationVersions)[number];

/** The WebSocket subprotocol of a version (OCPP-J 1.6 section 3.1.2, 2.0.1 part 4 section 3.1.2). */
export const subprotocolOf = (version: VersionName): string => `ocpp${version}`;
