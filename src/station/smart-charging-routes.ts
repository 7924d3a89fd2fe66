/**
 * The smart charging messages of each version mapped onto ChargingProfiles: SetChargingProfile,
 * ClearChargingProfile, GetCompositeSchedule (1.6 sections 5.16, 5.5, 5.7; 2.0.1 K01, K10, K08) and,
 * in 2.x, GetChargingProfiles with ReportChargingProfiles (K09).
 */
import { type ChargingProfiles, convertLimit, type Profile, ProfilePurpose } from "./smart-charging.js";
import type { Routable, StationHost } from "./station-2.js";

const purposes: Record<string, ProfilePurpose> = {
  ChargePointMaxProfile: ProfilePurpose.StationMax,
  ChargingStationMaxProfile: ProfilePurpose.StationMax,
  TxDefaultProfile: ProfilePurpose.TxDefault,
  TxProfile: ProfilePurpose.Tx,
  ChargingStationExternalConstraints: ProfilePurpose.ExternalConstraints,
};

interface Schedule {
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: "A" | "W";
  chargingSchedulePeriod: { startPeriod: number; limit: number; numberPhases?: number }[];
  minChargingRate?: number;
}

interface CommonProfile {
  stackLevel: number;
  chargingProfilePurpose: string;
  chargingProfileKind: "Absolute" | "Recurring" | "Relative";
  recurrencyKind?: "Daily" | "Weekly";
  validFrom?: string;
  validTo?: string;
}

/** What both versions' handlers need: the EVSE's transaction and the station's own maximum. */
export interface SmartChargingContext {
  readonly host: StationHost;
  readonly profiles: ChargingProfiles;
  /** The most an EVSE can deliver, in W (the limit where no profile sets one). */
  readonly maxPowerW: number;
}

const transactionOn = (host: StationHost) => (evseId: number) => host.connectors.find((c) => c.id === evseId)?.transactionId;
const unknownEvse = (host: StationHost, evseId: number) => evseId !== 0 && !host.connectors.some((c) => c.id === evseId);

export function routeSmartCharging2(peer: Routable, { host, profiles, maxPowerW }: SmartChargingContext): void {
  type Profile2 = CommonProfile & { id: number; transactionId?: string; chargingSchedule: Schedule[] };
  peer.route("SetChargingProfile", (request: { evseId: number; chargingProfile: Profile2 }) => {
    const p = request.chargingProfile;
    const purpose = purposes[p.chargingProfilePurpose];
    if (purpose === undefined || unknownEvse(host, request.evseId)) return { status: "Rejected" };
    const profile: Profile = {
      id: p.id,
      evseId: request.evseId,
      stackLevel: p.stackLevel,
      purpose,
      kind: p.chargingProfileKind,
      recurrencyKind: p.recurrencyKind,
      validFrom: p.validFrom,
      validTo: p.validTo,
      transactionId: p.transactionId,
      schedule: p.chargingSchedule[0],
      original: p,
    };
    const refused = profiles.set(profile, transactionOn(host));
    return refused === undefined
      ? { status: "Accepted" }
      : { status: "Rejected", statusInfo: { reasonCode: "InvalidProfile", additionalInfo: refused } };
  });
  type Clear2 = {
    chargingProfileId?: number;
    chargingProfileCriteria?: { evseId?: number; chargingProfilePurpose?: string; stackLevel?: number };
  };
  peer.route("ClearChargingProfile", (request: Clear2) => {
    const criteria = request.chargingProfileCriteria;
    const removed = profiles.clear({
      id: request.chargingProfileId,
      evseId: criteria?.evseId,
      purpose: criteria?.chargingProfilePurpose === undefined ? undefined : purposes[criteria.chargingProfilePurpose],
      stackLevel: criteria?.stackLevel,
    });
    return { status: removed ? "Accepted" : "Unknown" };
  });
  type Composite2 = { duration: number; chargingRateUnit?: "A" | "W"; evseId: number };
  peer.route("GetCompositeSchedule", (request: Composite2) => {
    if (unknownEvse(host, request.evseId)) return { status: "Rejected" };
    const unit = request.chargingRateUnit ?? "W";
    const start = Date.now();
    const fallback = convertLimit(maxPowerW * (request.evseId === 0 ? Math.max(1, host.connectors.length) : 1), "W", unit);
    return {
      status: "Accepted",
      schedule: {
        evseId: request.evseId,
        duration: request.duration,
        scheduleStart: new Date(start).toISOString(),
        chargingRateUnit: unit,
        chargingSchedulePeriod: profiles.composite(request.evseId, start, request.duration, unit, fallback),
      },
    };
  });
  type Get2 = {
    requestId: number;
    evseId?: number;
    chargingProfile: { chargingProfilePurpose?: string; stackLevel?: number; chargingProfileId?: number[]; chargingLimitSource?: string[] };
  };
  const matching = (request: Get2) =>
    profiles.all.filter((p) => {
      const c = request.chargingProfile;
      if (request.evseId !== undefined && p.evseId !== request.evseId) return false;
      if (c.chargingProfilePurpose !== undefined && p.purpose !== purposes[c.chargingProfilePurpose]) return false;
      if (c.stackLevel !== undefined && p.stackLevel !== c.stackLevel) return false;
      if (c.chargingProfileId?.length && !c.chargingProfileId.includes(p.id)) return false;
      return !c.chargingLimitSource?.length || c.chargingLimitSource.includes("CSO");
    });
  peer.route("GetChargingProfiles", (request: Get2) => ({ status: matching(request).length ? "Accepted" : "NoProfiles" }));
  peer.routeAfter("GetChargingProfiles", (request: Get2) => {
    const found = matching(request);
    if (!found.length) return;
    // One ReportChargingProfiles per EVSE (K09), tbc on all but the last.
    const evses = [...new Set(found.map((p) => p.evseId))];
    host.background("ReportChargingProfiles", async () => {
      for (const [index, evseId] of evses.entries()) {
        await host.send("ReportChargingProfiles", {
          requestId: request.requestId,
          chargingLimitSource: "CSO",
          evseId,
          tbc: index < evses.length - 1,
          chargingProfile: found.filter((p) => p.evseId === evseId).map((p) => p.original),
        });
      }
    });
  });
}

export function routeSmartCharging16(peer: Routable, { host, profiles, maxPowerW }: SmartChargingContext): void {
  type Profile16 = CommonProfile & { chargingProfileId: number; transactionId?: number; chargingSchedule: Schedule };
  peer.route("SetChargingProfile", (request: { connectorId: number; csChargingProfiles: Profile16 }) => {
    const p = request.csChargingProfiles;
    const purpose = purposes[p.chargingProfilePurpose];
    if (purpose === undefined || unknownEvse(host, request.connectorId)) return { status: "Rejected" };
    const refused = profiles.set(
      {
        id: p.chargingProfileId,
        evseId: request.connectorId,
        stackLevel: p.stackLevel,
        purpose,
        kind: p.chargingProfileKind,
        recurrencyKind: p.recurrencyKind,
        validFrom: p.validFrom,
        validTo: p.validTo,
        transactionId: p.transactionId,
        schedule: p.chargingSchedule,
        original: p,
      },
      transactionOn(host),
    );
    return { status: refused === undefined ? "Accepted" : "Rejected" };
  });
  type Clear16 = { id?: number; connectorId?: number; chargingProfilePurpose?: string; stackLevel?: number };
  peer.route("ClearChargingProfile", (request: Clear16) => {
    const removed = profiles.clear({
      id: request.id,
      evseId: request.connectorId,
      purpose: request.chargingProfilePurpose === undefined ? undefined : purposes[request.chargingProfilePurpose],
      stackLevel: request.stackLevel,
    });
    return { status: removed ? "Accepted" : "Unknown" };
  });
  type Composite16 = { connectorId: number; duration: number; chargingRateUnit?: "A" | "W" };
  peer.route("GetCompositeSchedule", (request: Composite16) => {
    if (unknownEvse(host, request.connectorId)) return { status: "Rejected" };
    const unit = request.chargingRateUnit ?? "W";
    const start = Date.now();
    const fallback = convertLimit(maxPowerW * (request.connectorId === 0 ? Math.max(1, host.connectors.length) : 1), "W", unit);
    return {
      status: "Accepted",
      connectorId: request.connectorId,
      scheduleStart: new Date(start).toISOString(),
      chargingSchedule: {
        duration: request.duration,
        startSchedule: new Date(start).toISOString(),
        chargingRateUnit: unit,
        chargingSchedulePeriod: profiles.composite(request.connectorId, start, request.duration, unit, fallback),
      },
    };
  });
}
