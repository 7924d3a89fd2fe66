/** Every TC_*_CS case the runner knows, in part 6's order. */
import type { CsCase } from "../case.js";
import { securityCsCases } from "./a-security.js";
import { tlsCsCases } from "./a-tls.js";
import { networkProfileCsCases } from "./b-network-profiles.js";
import { provisioningCsCases } from "./b-provisioning.js";
import { resetTransactionCsCases } from "./b-reset-transactions.js";
import { authorizationCsCases } from "./c-authorization.js";
import { offlineAuthorizationCsCases } from "./c-offline-authorization.js";
import { offlineCsCases } from "./e-offline.js";
import { transactionCsCases } from "./e-transactions.js";
import { remoteControlCsCases } from "./f-remote-control.js";
import { availabilityCsCases } from "./g-availability.js";
import { availabilityTransactionCsCases } from "./g-availability-transactions.js";
import { meterValuesCsCases } from "./j-meter-values.js";
import { smartChargingCsCases } from "./k-smart-charging.js";
import { firmwareCsCases } from "./l-firmware.js";
import { certificateCsCases } from "./m-certificates.js";
import { diagnosticsCsCases } from "./n-diagnostics.js";
import { dataTransferCsCases } from "./p-data-transfer.js";

export const csCases: readonly CsCase[] = [
  ...securityCsCases,
  ...tlsCsCases,
  ...provisioningCsCases,
  ...resetTransactionCsCases,
  ...networkProfileCsCases,
  ...authorizationCsCases,
  ...offlineAuthorizationCsCases,
  ...transactionCsCases,
  ...offlineCsCases,
  ...remoteControlCsCases,
  ...availabilityCsCases,
  ...certificateCsCases,
  ...availabilityTransactionCsCases,
  ...meterValuesCsCases,
  ...smartChargingCsCases,
  ...firmwareCsCases,
  ...diagnosticsCsCases,
  ...dataTransferCsCases,
];
