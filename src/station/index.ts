/**
 * ocppkit/station: a charging station's model below any socket or command line, shared by the CLI
 * simulators and a conformance runner that plays a station: the 2.0.1 / 2.1 device model with its
 * standardized components, monitoring, reports, and the handlers that answer the CSMS from them.
 */
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
export { type Monitor, type MonitorEvent, Monitoring, MonitorType, type SetMonitoringData, type StoredMonitors } from "./monitoring.js";
export { baseReport, type ComponentVariableFilter, customReport, parts, type ReportData, reportDataOf } from "./reports.js";
export { measurands, type StationIdentity, standardDefinitions, standardDeviceModel } from "./standard-components.js";
export { type Routable, Station2, type StationHost, type StoredStation2 } from "./station-2.js";
export { endsOnDeauthorize, meterValues, type Reading, type TransactionStart, transactionStart } from "./transactions.js";
