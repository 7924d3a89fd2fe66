/**
 * The standardized components and variables (OCPP 2.0.1 part 2 appendix 3; names, types and values
 * lists as in /work/shared/reference/ocpp-2.0.1-device-model.md, part 6 "Referenced Components and
 * Variables" deciding where they differ) that the simulated station's functional blocks use, with the
 * values a fresh station starts with. Only what the station implements is listed: a CSMS reading
 * ISO15118Ctrlr or TariffCostCtrlr gets UnknownComponent, as from a station without those blocks.
 */
import { type ComponentRef, type DataType, DeviceModel, type Mutability, type VariableDefinition } from "./device-model.js";

export interface StationIdentity {
  readonly evses: number;
  readonly model: string;
  readonly vendorName: string;
  readonly serialNumber?: string;
  readonly firmwareVersion?: string;
  /** The EVSE's maximum power in W (EVSE.Power MaxSet). */
  readonly powerW: number;
  readonly identity: string;
  readonly securityProfile: number;
  /** SecurityCtrlr.AdditionalRootCertificateCheck (M05.FR.09-14); default false, part 6's general pre condition. */
  readonly additionalRootCertificateCheck?: boolean;
  readonly heartbeatIntervalS: number;
  readonly txUpdatedIntervalS: number;
}

export const measurands = "Current.Import,Current.Offered,Energy.Active.Import.Register,Power.Active.Import,Power.Offered,Voltage,SoC";
const availability = "Available,Occupied,Reserved,Unavailable,Faulted";
const txPoints = "ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed,EnergyTransfer,DataSigned";

type Row = readonly [variable: string, dataType: DataType, value: string, mutability: Mutability, extra?: Partial<VariableDefinition>];

const RW: Mutability = "ReadWrite";
const RO: Mutability = "ReadOnly";
const WO: Mutability = "WriteOnly";

function controllers(station: StationIdentity): Record<string, readonly Row[]> {
  return {
    OCPPCommCtrlr: [
      ["ActiveNetworkProfile", "integer", "1", RO],
      ["FileTransferProtocols", "MemberList", "HTTP,HTTPS", RO, { valuesList: "FTP,FTPS,HTTP,HTTPS,SFTP" }],
      ["HeartbeatInterval", "integer", String(station.heartbeatIntervalS), RW, { unit: "s", minLimit: 0 }],
      ["MessageTimeout", "integer", "30", RO, { variable: { name: "MessageTimeout", instance: "Default" }, unit: "s" }],
      [
        "MessageAttemptInterval",
        "integer",
        "10",
        RW,
        { variable: { name: "MessageAttemptInterval", instance: "TransactionEvent" }, unit: "s", minLimit: 0 },
      ],
      ["MessageAttempts", "integer", "3", RW, { variable: { name: "MessageAttempts", instance: "TransactionEvent" }, minLimit: 0 }],
      // B10: a new priority order is used from the next connect, after a reboot.
      ["NetworkConfigurationPriority", "SequenceList", "1", RW, { valuesList: "1,2,3,4,5,6,7,8", rebootRequired: true }],
      ["NetworkProfileConnectionAttempts", "integer", "3", RW, { minLimit: 1 }],
      ["OfflineThreshold", "integer", "300", RW, { unit: "s", minLimit: 0 }],
      ["PublicKeyWithSignedMeterValue", "OptionList", "EveryMeterValue", RW, { valuesList: "Never,OncePerTransaction,EveryMeterValue" }],
      ["QueueAllMessages", "boolean", "false", RW],
      ["ResetRetries", "integer", "2", RW, { minLimit: 0 }],
      ["RetryBackOffRandomRange", "integer", "10", RW, { unit: "s", minLimit: 0 }],
      ["RetryBackOffRepeatTimes", "integer", "5", RW, { minLimit: 0 }],
      ["RetryBackOffWaitMinimum", "integer", "1", RW, { unit: "s", minLimit: 0 }],
      ["UnlockOnEVSideDisconnect", "boolean", "true", RW],
      ["WebSocketPingInterval", "integer", "0", RW, { unit: "s", minLimit: 0 }],
    ],
    AuthCtrlr: [
      ["Enabled", "boolean", "true", RW],
      ["AuthorizeRemoteStart", "boolean", "false", RW],
      ["LocalAuthorizeOffline", "boolean", "true", RW],
      ["LocalPreAuthorize", "boolean", "false", RW],
      // The simulator lets an unknown token charge offline by default, as it did before it had a local list.
      ["OfflineTxForUnknownIdEnabled", "boolean", "true", RW],
      ["DisableRemoteAuthorization", "boolean", "false", RW],
      // C16: a token of this group stops transactions and starts none; empty: no master pass.
      ["MasterPassGroupId", "string", "", RW, { maxLimit: 36 }],
    ],
    AuthCacheCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["DisablePostAuthorize", "boolean", "false", RW],
      ["LifeTime", "integer", "86400", RW, { unit: "s", minLimit: 0 }],
      ["Policy", "OptionList", "LRU", RW, { valuesList: "LRU,LFU,FIFO,CUSTOM" }],
      ["Storage", "integer", "65536", RO, { unit: "B" }],
    ],
    LocalAuthListCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["BytesPerMessage", "integer", "65536", RO],
      ["Entries", "integer", "0", RO, { maxLimit: 10_000 }],
      ["ItemsPerMessage", "integer", "100", RO],
      ["Storage", "integer", "1048576", RO, { unit: "B" }],
    ],
    TxCtrlr: [
      ["EVConnectionTimeOut", "integer", "60", RW, { unit: "s", minLimit: 0 }],
      ["StopTxOnEVSideDisconnect", "boolean", "true", RW],
      ["StopTxOnInvalidId", "boolean", "true", RW],
      ["MaxEnergyOnInvalidId", "integer", "0", RW, { unit: "Wh", minLimit: 0 }],
      ["TxBeforeAcceptedEnabled", "boolean", "false", RW],
      ["TxStartPoint", "MemberList", "PowerPathClosed", RW, { valuesList: txPoints }],
      ["TxStopPoint", "MemberList", "EVConnected,Authorized", RW, { valuesList: txPoints }],
    ],
    SampledDataCtrlr: [
      ["Enabled", "boolean", "true", RW],
      ["Available", "boolean", "true", RO],
      ["SignReadings", "boolean", "false", RW],
      ["TxEndedInterval", "integer", "0", RW, { unit: "s", minLimit: 0 }],
      ["TxEndedMeasurands", "MemberList", "Energy.Active.Import.Register", RW, { valuesList: measurands }],
      ["TxStartedMeasurands", "MemberList", "Energy.Active.Import.Register", RW, { valuesList: measurands }],
      ["TxUpdatedInterval", "integer", String(station.txUpdatedIntervalS), RW, { unit: "s", minLimit: 0 }],
      ["TxUpdatedMeasurands", "MemberList", "Energy.Active.Import.Register,Power.Active.Import", RW, { valuesList: measurands }],
    ],
    AlignedDataCtrlr: [
      ["Enabled", "boolean", "false", RW],
      ["Interval", "integer", "900", RW, { unit: "s", minLimit: 0 }],
      ["Measurands", "MemberList", "Energy.Active.Import.Register", RW, { valuesList: measurands }],
      // true: clock-aligned values only while no transaction runs (part 6 TC_J_06).
      ["SendDuringIdle", "boolean", "false", RW],
      ["SignReadings", "boolean", "false", RW],
      ["TxEndedInterval", "integer", "0", RW, { unit: "s", minLimit: 0 }],
      ["TxEndedMeasurands", "MemberList", "Energy.Active.Import.Register", RW, { valuesList: measurands }],
    ],
    DeviceDataCtrlr: [
      ["BytesPerMessage", "integer", "65536", RO, { variable: { name: "BytesPerMessage", instance: "GetReport" } }],
      ["BytesPerMessage", "integer", "65536", RO, { variable: { name: "BytesPerMessage", instance: "GetVariables" } }],
      ["BytesPerMessage", "integer", "65536", RO, { variable: { name: "BytesPerMessage", instance: "SetVariables" } }],
      ["ItemsPerMessage", "integer", "20", RO, { variable: { name: "ItemsPerMessage", instance: "GetReport" } }],
      ["ItemsPerMessage", "integer", "50", RO, { variable: { name: "ItemsPerMessage", instance: "GetVariables" } }],
      ["ItemsPerMessage", "integer", "50", RO, { variable: { name: "ItemsPerMessage", instance: "SetVariables" } }],
      ["ValueSize", "integer", "2500", RO],
      ["ReportingValueSize", "integer", "2500", RO],
      ["ConfigurationValueSize", "integer", "1000", RO],
    ],
    SecurityCtrlr: [
      // A00.FR.205 (TC_A_10_CS): 16 to 40 characters.
      ["AdditionalRootCertificateCheck", "boolean", String(station.additionalRootCertificateCheck ?? false), RO],
      ["BasicAuthPassword", "string", "", WO, { minLimit: 16, maxLimit: 40 }],
      ["CertificateEntries", "integer", "0", RO, { maxLimit: 50 }],
      ["CertSigningRepeatTimes", "integer", "3", RW, { minLimit: 0 }],
      ["CertSigningWaitMinimum", "integer", "30", RW, { unit: "s", minLimit: 0 }],
      ["Identity", "string", station.identity, RO],
      ["MaxCertificateChainSize", "integer", "10000", RO],
      ["OrganizationName", "string", "ocppkit", RW],
      ["SecurityProfile", "integer", String(station.securityProfile), RO],
    ],
    ClockCtrlr: [
      ["DateTime", "dateTime", new Date().toISOString(), RO, { persistent: false }],
      ["NextTimeOffsetTransitionDateTime", "dateTime", "1970-01-01T00:00:00Z", RW],
      ["TimeOffset", "string", "+00:00", RW],
      ["TimeSource", "SequenceList", "Heartbeat", RW, { valuesList: "Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter" }],
      ["TimeZone", "string", "UTC", RW],
    ],
    ReservationCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["NonEvseSpecific", "boolean", "true", RO],
    ],
    SmartChargingCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["Entries", "integer", "0", RO, { variable: { name: "Entries", instance: "ChargingProfiles" }, maxLimit: 100 }],
      ["LimitChangeSignificance", "decimal", "1", RW, { unit: "Percent", minLimit: 0, maxLimit: 100 }],
      ["PeriodsPerSchedule", "integer", "24", RO],
      ["ProfileStackLevel", "integer", "10", RO],
      ["RateUnit", "MemberList", "A,W", RO, { valuesList: "A,W" }],
      ["ExternalControlSignalsEnabled", "boolean", "false", RW],
    ],
    MonitoringCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["ActiveMonitoringBase", "OptionList", "All", RO, { valuesList: "All,FactoryDefault,HardWiredOnly" }],
      ["ActiveMonitoringLevel", "integer", "9", RO, { minLimit: 0, maxLimit: 9 }],
      ["OfflineQueuingSeverity", "integer", "9", RW, { minLimit: 0, maxLimit: 9 }],
      ["BytesPerMessage", "integer", "65536", RO, { variable: { name: "BytesPerMessage", instance: "SetVariableMonitoring" } }],
      ["ItemsPerMessage", "integer", "20", RO, { variable: { name: "ItemsPerMessage", instance: "SetVariableMonitoring" } }],
      ["BytesPerMessage", "integer", "65536", RO, { variable: { name: "BytesPerMessage", instance: "ClearVariableMonitoring" } }],
      ["ItemsPerMessage", "integer", "20", RO, { variable: { name: "ItemsPerMessage", instance: "ClearVariableMonitoring" } }],
    ],
    DisplayMessageCtrlr: [
      ["Available", "boolean", "true", RO],
      ["Enabled", "boolean", "true", RW],
      ["DisplayMessages", "integer", "10", RO],
      ["SupportedFormats", "MemberList", "ASCII,HTML,URI,UTF8", RO, { valuesList: "ASCII,HTML,URI,UTF8" }],
      ["SupportedPriorities", "MemberList", "AlwaysFront,InFront,NormalCycle", RO, { valuesList: "AlwaysFront,InFront,NormalCycle" }],
      ["SupportedStates", "MemberList", "Charging,Faulted,Idle,Unavailable", RO, { valuesList: "Charging,Faulted,Idle,Unavailable" }],
    ],
    ChargingStation: [
      // L01.FR.07: false, so the EVSEs not in use are Unavailable while a firmware update waits for a transaction.
      ["AllowNewSessionsPendingFirmwareUpdate", "boolean", "false", RW],
      ["AvailabilityState", "OptionList", "Available", RO, { valuesList: availability }],
      ["Available", "boolean", "true", RO],
      ["Model", "string", station.model, RO],
      ["VendorName", "string", station.vendorName, RO],
      ["SupplyPhases", "integer", "3", RO],
      ["Problem", "boolean", "false", RO, { persistent: false }],
    ],
  };
}

function rowsToDefinitions(component: ComponentRef, rows: readonly Row[]): VariableDefinition[] {
  return rows.map(([name, dataType, value, mutability, extra]) => ({
    component,
    variable: { name },
    dataType,
    value,
    mutability,
    ...extra,
  }));
}

/** The definitions of a station with `station.evses` EVSEs of one connector each. */
export function standardDefinitions(station: StationIdentity): VariableDefinition[] {
  const definitions: VariableDefinition[] = [];
  for (const [name, rows] of Object.entries(controllers(station))) definitions.push(...rowsToDefinitions({ name }, rows));
  for (let id = 1; id <= station.evses; id++) {
    const evse: Row[] = [
      ["AvailabilityState", "OptionList", "Available", RO, { valuesList: availability, persistent: false }],
      ["Available", "boolean", "true", RO, { persistent: false }],
      ["EvseId", "string", `EVSE-${id}`, RO],
      [
        "Power",
        "decimal",
        "0",
        RO,
        {
          unit: "W",
          maxLimit: station.powerW,
          persistent: false,
          extraAttributes: [{ type: "MaxSet", value: String(station.powerW), mutability: RO }],
        },
      ],
      ["SupplyPhases", "integer", "3", RO],
    ];
    definitions.push(...rowsToDefinitions({ name: "EVSE", evse: { id } }, evse));
    const connector: Row[] = [
      ["AvailabilityState", "OptionList", "Available", RO, { valuesList: availability, persistent: false }],
      ["Available", "boolean", "true", RO, { persistent: false }],
      ["ConnectorType", "string", "cType2", RO],
      ["SupplyPhases", "integer", "3", RO],
    ];
    definitions.push(...rowsToDefinitions({ name: "Connector", evse: { id, connectorId: 1 } }, connector));
  }
  return definitions;
}

export function standardDeviceModel(station: StationIdentity): DeviceModel {
  return new DeviceModel(standardDefinitions(station));
}
