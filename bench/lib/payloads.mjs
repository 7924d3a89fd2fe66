/** The payloads every stack sends, so the workloads are the same byte for byte. */

export const heartbeatResponse = () => ({ currentTime: new Date().toISOString() });

export const bootNotificationResponse = () => ({ status: "Accepted", currentTime: new Date().toISOString(), interval: 300 });

const sample = (measurand, unit, value, phase) => ({
  value,
  context: "Sample.Periodic",
  format: "Raw",
  measurand,
  ...(phase ? { phase } : {}),
  location: "Outlet",
  unit,
});

/** MeterValues with one MeterValue of 9 sampled values: a three-phase charger's periodic sample. */
export const meterValuesRequest = () => ({
  connectorId: 1,
  transactionId: 4711,
  meterValue: [
    {
      timestamp: new Date().toISOString(),
      sampledValue: [
        sample("Energy.Active.Import.Register", "Wh", "12175"),
        sample("Power.Active.Import", "W", "11040"),
        sample("Current.Import", "A", "16.0", "L1"),
        sample("Current.Import", "A", "16.1", "L2"),
        sample("Current.Import", "A", "15.9", "L3"),
        sample("Voltage", "V", "230.1", "L1-N"),
        sample("Voltage", "V", "229.8", "L2-N"),
        sample("Voltage", "V", "230.4", "L3-N"),
        sample("Temperature", "Celsius", "38", undefined),
      ],
    },
  ],
});
