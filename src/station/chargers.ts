/** The simulated charger of a version: 1.6 (SimulatedCharger) or 2.0.1 / 2.1 (SimulatedCharger2), one surface. */
import { type ChargerSettings, SimulatedCharger } from "./simulated-charger.js";
import { SimulatedCharger2 } from "./simulated-charger-2.js";
import type { VersionName } from "./station-version.js";

export type AnyCharger = SimulatedCharger | SimulatedCharger2;

export function createCharger(version: VersionName, settings: ChargerSettings): AnyCharger {
  return version === "1.6" ? new SimulatedCharger(settings) : new SimulatedCharger2(settings, version);
}
