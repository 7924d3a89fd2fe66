/** Every case of part 6 the runner knows, in part 6's order. */
import type { CsmsCase } from "../case.js";
import { securityCases } from "./a-security.js";
import { provisioningCases } from "./b-provisioning.js";
import { authorizationCases } from "./c-authorization.js";
import { transactionCases } from "./e-transactions.js";
import { remoteControlCases } from "./f-remote-control.js";
import { availabilityCases } from "./g-availability.js";
import { meterValueCases } from "./j-meter-values.js";
import { firmwareCases } from "./l-firmware.js";
import { certificateCases } from "./m-certificates.js";
import { diagnosticsCases } from "./n-diagnostics.js";
import { dataTransferCases } from "./p-data-transfer.js";

export const csmsCases: readonly CsmsCase[] = [
  ...securityCases,
  ...provisioningCases,
  ...authorizationCases,
  ...transactionCases,
  ...remoteControlCases,
  ...availabilityCases,
  ...meterValueCases,
  ...firmwareCases,
  ...certificateCases,
  ...diagnosticsCases,
  ...dataTransferCases,
];
