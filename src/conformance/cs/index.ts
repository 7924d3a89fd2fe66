/** Every TC_*_CS case the runner knows, in part 6's order. */
import type { CsCase } from "../case.js";
import { provisioningCsCases } from "./b-provisioning.js";
import { remoteControlCsCases } from "./f-remote-control.js";
import { availabilityCsCases } from "./g-availability.js";
import { firmwareCsCases } from "./l-firmware.js";
import { diagnosticsCsCases } from "./n-diagnostics.js";
import { dataTransferCsCases } from "./p-data-transfer.js";

export const csCases: readonly CsCase[] = [
  ...provisioningCsCases,
  ...remoteControlCsCases,
  ...availabilityCsCases,
  ...firmwareCsCases,
  ...diagnosticsCsCases,
  ...dataTransferCsCases,
];
