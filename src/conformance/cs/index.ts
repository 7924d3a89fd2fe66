/** Every TC_*_CS case the runner knows, in part 6's order. */
import type { CsCase } from "../case.js";
import { provisioningCsCases } from "./b-provisioning.js";
import { offlineCsCases } from "./e-offline.js";
import { transactionCsCases } from "./e-transactions.js";
import { remoteControlCsCases } from "./f-remote-control.js";
import { availabilityCsCases } from "./g-availability.js";
import { diagnosticsCsCases } from "./n-diagnostics.js";
import { dataTransferCsCases } from "./p-data-transfer.js";

export const csCases: readonly CsCase[] = [
  ...provisioningCsCases,
  ...transactionCsCases,
  ...offlineCsCases,
  ...remoteControlCsCases,
  ...availabilityCsCases,
  ...diagnosticsCsCases,
  ...dataTransferCsCases,
];
