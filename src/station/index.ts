/**
 * ocppkit/station: a charging station's model below any socket or command line, shared by the CLI
 * simulators and a conformance runner that plays a station: the 2.0.1 / 2.1 device model with its
 * standardized components, monitoring, reports, and the handlers that answer the CSMS from them.
 */

export { type CsrSubject, certificationRequest, type KeyAndCsr, keyMatches, newKeyAndCsr } from "../pki/csr.js";
export { certificateParts, DerError, elements } from "../pki/der.js";
export {
  Authorization,
  type AuthorizationAsk,
  type AuthorizationSettings,
  type IdTokenInfo,
  SendLocalListStatus,
  type StoredAuthorization,
} from "./authorization.js";
export { type CertificateContext, routeCertificates2, routeCertificates16, signCertificate } from "./certificate-routes.js";
export { type CertificateHashData, Certificates, hashDataOf, type InstalledCertificate, type StoredCertificates } from "./certificates.js";
export { type CustomerRecords, routeCustomerInformation, StoredCustomers } from "./customer-information.js";
export {
  type Attribute,
  AttributeType,
  type ChangeListener,
  type Characteristics,
  type ComponentRef,
  componentKey,
  DataType,
  DeviceModel,
  type DeviceModelValues,
  type GetOutcome,
  GetVariableStatus,
  Mutability,
  type SetOutcome,
  SetVariableStatus,
  type Variable,
  type VariableChange,
  type VariableDefinition,
  type VariableRef,
  validValue,
  variableKey,
} from "./device-model.js";
export { DisplayMessages, type DisplaySupport, type MessageInfo } from "./display-messages.js";
export { EvseStates, type StoredEvseStates } from "./evse-states.js";
export {
  DuringTransaction,
  FirmwareCancelled,
  FirmwareDialect,
  type FirmwareHost,
  type FirmwareJob,
  type FirmwareRequest,
  FirmwareUpdater,
  FirmwareVariantError,
  installFailsMarker,
  parseFirmwareVariant,
  readableCertificate,
  signatureValid,
  trustedSigningCertificate,
} from "./firmware.js";
export { logFileName, routeGetLog } from "./log-routes.js";
export { LogUploader, type UploadJob } from "./log-upload.js";
export { type Monitor, type MonitorEvent, Monitoring, MonitorType, type SetMonitoringData, type StoredMonitors } from "./monitoring.js";
export { Operations2, type StoredOperations2 } from "./operations-2.js";
export { FirmwarePublisher } from "./publish-firmware.js";
export { baseReport, type ComponentVariableFilter, customReport, parts, type ReportData, reportDataOf } from "./reports.js";
export { type ReservationContext, type ReserveNowReading, routeReservations } from "./reservation-routes.js";
export { type Reservation, ReservationBook } from "./reservations.js";
export { RootCertificateCheck } from "./root-certificate-check.js";
export { SecurityLog } from "./security-log.js";
export {
  ChargingProfiles,
  type ClearCriteria,
  type CompositePeriod,
  convertLimit,
  type Profile,
  ProfilePurpose,
  type Schedule,
  type SchedulePeriod,
} from "./smart-charging.js";
export { routeSmartCharging2, routeSmartCharging16, type SmartChargingContext } from "./smart-charging-routes.js";
export { measurands, type StationIdentity, standardDefinitions, standardDeviceModel } from "./standard-components.js";
export { StationStateFile, stateFileName } from "./state-file.js";
export { type EvseView, type Routable, Station2, type StationHost, type StoredStation2 } from "./station-2.js";
export { authorizationKeys16, Station16, type StoredStation16 } from "./station-16.js";
export { endsOnDeauthorize, meterValues, type Reading, type TransactionStart, transactionStart } from "./transactions.js";
export { download, TransferError, type TransferOptions, upload } from "./transfer.js";
