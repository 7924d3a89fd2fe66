/**
 * How a 2.0.1 / 2.1 transaction's events follow the station's settings (part 2 E01-E07, E06 for the
 * stop): TxStartPoint / TxStopPoint decide which step starts and ends the transaction, and the
 * SampledDataCtrlr measurands decide what each TransactionEvent's meterValue carries. The simulated
 * station's steps come in one order (cable plugged in, authorized, power path closed, energy flows;
 * then deauthorized, energy stops, cable unplugged), so the first listed point to happen decides.
 */

export interface TransactionStart {
  /** Started at the plug-in (EVConnected, ParkingBayOccupancy): authorization follows as an Updated event. */
  readonly onPlugIn: boolean;
  readonly triggerReason: string;
}

export function transactionStart(startPoints: readonly string[], remote: boolean): TransactionStart {
  if (startPoints.includes("ParkingBayOccupancy")) return { onPlugIn: true, triggerReason: "EVDetected" };
  if (startPoints.includes("EVConnected")) return { onPlugIn: true, triggerReason: "CablePluggedIn" };
  if (startPoints.includes("Authorized") || startPoints.includes("PowerPathClosed") || !startPoints.length)
    return { onPlugIn: false, triggerReason: remote ? "RemoteStart" : "Authorized" };
  return { onPlugIn: false, triggerReason: "ChargingStateChanged" };
}

/** True when the transaction ends as soon as the driver or CSMS stops it; false when only unplugging ends it. */
export function endsOnDeauthorize(stopPoints: readonly string[]): boolean {
  return stopPoints.some(
    (point) => point === "Authorized" || point === "PowerPathClosed" || point === "EnergyTransfer" || point === "DataSigned",
  );
}

export interface Reading {
  readonly energyWh: number;
  readonly powerW: number;
  /** The limit the station offers the car, in W. */
  readonly offeredW: number;
  readonly voltageV: number;
  readonly phases: number;
  readonly socPercent?: number;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The meterValue list of a message: one entry with the `measurands` the station supports, none when no measurand is left. */
export function meterValues(measurands: readonly string[], reading: Reading, context?: string) {
  const amps = (watts: number) => round(watts / reading.voltageV / reading.phases, 1);
  const values: Record<string, { value: number; unit: string }> = {
    "Energy.Active.Import.Register": { value: reading.energyWh, unit: "Wh" },
    "Power.Active.Import": { value: reading.powerW, unit: "W" },
    "Power.Offered": { value: reading.offeredW, unit: "W" },
    "Current.Import": { value: amps(reading.powerW), unit: "A" },
    "Current.Offered": { value: amps(reading.offeredW), unit: "A" },
    Voltage: { value: reading.voltageV, unit: "V" },
    ...(reading.socPercent === undefined ? {} : { SoC: { value: reading.socPercent, unit: "Percent" } }),
  };
  const sampledValue = measurands
    .filter((measurand) => values[measurand] !== undefined)
    .map((measurand) => ({
      value: values[measurand].value,
      measurand,
      ...(context === undefined ? {} : { context }),
      unitOfMeasure: { unit: values[measurand].unit },
    }));
  return sampledValue.length ? [{ timestamp: new Date().toISOString(), sampledValue }] : [];
}

/**
 * E13 (transaction messages when the CSMS fails them): a TransactionEvent answered with a CALLERROR, or
 * not answered, is sent again, `attempts` times in all, the wait before each repeat growing with the
 * number of sends so far (`intervalS` times it, E13.FR.02); after the last it is dropped (E13.FR.04) and
 * undefined returned. `retryable` tells a CSMS failure from a lost link (that one is the offline queue's).
 */
export async function sendWithAttempts<T>(
  send: () => Promise<T>,
  attempts: number,
  intervalS: number,
  retryable: (error: unknown) => boolean,
): Promise<T | undefined> {
  const total = Math.max(1, Math.floor(attempts));
  for (let sent = 1; ; sent++) {
    try {
      return await send();
    } catch (error) {
      if (!retryable(error)) throw error;
      if (sent >= total) return undefined;
      await new Promise((resolve) => setTimeout(resolve, intervalS * sent * 1000));
    }
  }
}
