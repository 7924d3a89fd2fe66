/**
 * The development central system behind `ocppkit serve` and `ocppkit demo`: a CentralSystem that
 * accepts chargers of every version, answers every CALL with a valid, sensible response (each
 * overridable per action) and signs stations' CSRs.
 */
export {
  type CentralSystem,
  type CentralSystemOptions,
  type CentralSystemSession,
  type CsmsBehaviour,
  defaultResponses,
  type Responses,
  type ResponsesByVersion,
  resolveResponses,
  startCentralSystem,
} from "./central-system.js";
export { type CertificateSigning, certificateSigning } from "./certificate-signing.js";
export { kitOf, type VersionKit, versionKits } from "./version-kits.js";
