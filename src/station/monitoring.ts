/**
 * Variable monitoring (OCPP 2.0.1 part 1 section 4.4, part 2 N02-N07): monitors set by the CSMS on a
 * device model variable, the active base and severity level, and the events a value change triggers.
 * Supported monitor types follow part 1's table: thresholds on integer and decimal, delta on every
 * type; the periodic types are answered UnsupportedMonitorType (the simulator does not run them).
 */
import {
  AttributeType,
  type ComponentRef,
  componentKey,
  type DeviceModel,
  type Variable,
  type VariableChange,
  type VariableRef,
  variableKey,
} from "./device-model.js";

export const MonitorType = {
  UpperThreshold: "UpperThreshold",
  LowerThreshold: "LowerThreshold",
  Delta: "Delta",
  Periodic: "Periodic",
  PeriodicClockAligned: "PeriodicClockAligned",
} as const;
export type MonitorType = (typeof MonitorType)[keyof typeof MonitorType];

export interface Monitor {
  readonly id: number;
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly type: MonitorType;
  readonly value: number;
  readonly severity: number;
  readonly transaction: boolean;
  /** Delta monitors: the value the next change is compared with (part 1 4.4: reset when the monitor triggers). */
  reference?: string;
  /** Threshold monitors: true while the value is beyond the threshold (an event on entering and on leaving). */
  active?: boolean;
}

export interface SetMonitoringData {
  readonly id?: number;
  readonly transaction?: boolean;
  readonly value: number;
  readonly type: string;
  readonly severity: number;
  readonly component: ComponentRef;
  readonly variable: VariableRef;
}

export type SetMonitoringStatus = "Accepted" | "UnknownComponent" | "UnknownVariable" | "UnsupportedMonitorType" | "Rejected" | "Duplicate";

/** One NotifyEvent eventData entry. */
export interface MonitorEvent {
  readonly eventId: number;
  readonly timestamp: string;
  readonly trigger: "Alerting" | "Delta" | "Periodic";
  readonly actualValue: string;
  readonly cleared?: boolean;
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly variableMonitoringId: number;
  readonly eventNotificationType: "CustomMonitor";
}

export interface StoredMonitors {
  readonly monitors: readonly Omit<Monitor, "active">[];
  readonly nextId: number;
  readonly level: number;
  readonly base: string;
}

const numeric = (variable: Variable) => variable.characteristics.dataType === "integer" || variable.characteristics.dataType === "decimal";

export class Monitoring {
  readonly #model: DeviceModel;
  readonly #monitors = new Map<number, Monitor>();
  #nextId = 1;
  #nextEventId = 1;
  /** N05: only events of this severity or more urgent (a lower number) are reported. */
  level = 9;
  base = "All";
  /** Called when the monitors, the level or the base changed. */
  changed: () => void = () => {};
  readonly #onEvents: (events: MonitorEvent[]) => void;

  constructor(model: DeviceModel, onEvents: (events: MonitorEvent[]) => void) {
    this.#model = model;
    this.#onEvents = onEvents;
    model.onChange((change) => this.#changed(change));
  }

  get monitors(): readonly Monitor[] {
    return [...this.#monitors.values()];
  }

  /** SetVariableMonitoring for one entry (N04). */
  set(data: SetMonitoringData): { status: SetMonitoringStatus; id?: number } {
    if (!this.#model.hasComponent(data.component)) return { status: "UnknownComponent" };
    const variable = this.#model.find(data.component, data.variable);
    if (!variable) return { status: "UnknownVariable" };
    const type = data.type as MonitorType;
    const thresholds = type === MonitorType.UpperThreshold || type === MonitorType.LowerThreshold;
    if (type !== MonitorType.Delta && !(thresholds && numeric(variable))) return { status: "UnsupportedMonitorType" };
    if (!Number.isInteger(data.severity) || data.severity < 0 || data.severity > 9) return { status: "Rejected" };
    if (type === MonitorType.Delta && numeric(variable) && data.value < 0) return { status: "Rejected" };
    // An id names the monitor to replace; an unknown one cannot be replaced.
    if (data.id !== undefined && !this.#monitors.has(data.id)) return { status: "Rejected" };
    const same = (m: Monitor) =>
      m.id !== data.id &&
      componentKey(m.component) === componentKey(data.component) &&
      variableKey(m.variable) === variableKey(data.variable) &&
      m.type === type &&
      m.severity === data.severity;
    if (data.id === undefined && this.monitors.some(same)) return { status: "Duplicate" };
    const id = data.id ?? this.#nextId++;
    const monitor: Monitor = {
      id,
      component: data.component,
      variable: data.variable,
      type,
      value: data.value,
      severity: data.severity,
      transaction: data.transaction ?? false,
      reference: this.#actual(variable),
    };
    this.#monitors.set(id, monitor);
    this.changed();
    return { status: "Accepted", id };
  }

  /** ClearVariableMonitoring for one id (N06). */
  clear(id: number): "Accepted" | "NotFound" {
    if (!this.#monitors.delete(id)) return "NotFound";
    this.changed();
    return "Accepted";
  }

  /** SetMonitoringLevel (N05): 0 (Danger) to 9 (Debug). */
  setLevel(severity: number): boolean {
    if (!Number.isInteger(severity) || severity < 0 || severity > 9) return false;
    this.level = severity;
    this.#model.update("MonitoringCtrlr", "ActiveMonitoringLevel", String(severity));
    this.changed();
    return true;
  }

  /**
   * SetMonitoringBase (N03). The simulator has no pre-configured monitors, so All and FactoryDefault
   * keep the custom ones; HardWiredOnly removes every custom monitor.
   */
  setBase(base: string): void {
    this.base = base;
    if (base === "HardWiredOnly") this.#monitors.clear();
    this.#model.update("MonitoringCtrlr", "ActiveMonitoringBase", base);
    this.changed();
  }

  /** Monitors matching GetMonitoringReport's criteria (N02): ThresholdMonitoring, DeltaMonitoring, PeriodicMonitoring. */
  matching(criteria: readonly string[] | undefined): Monitor[] {
    const types: Record<string, readonly string[]> = {
      ThresholdMonitoring: [MonitorType.UpperThreshold, MonitorType.LowerThreshold],
      DeltaMonitoring: [MonitorType.Delta],
      PeriodicMonitoring: [MonitorType.Periodic, MonitorType.PeriodicClockAligned],
    };
    if (!criteria?.length) return this.monitors.slice();
    return this.monitors.filter((m) => criteria.some((c) => types[c]?.includes(m.type)));
  }

  store(): StoredMonitors {
    return {
      monitors: this.monitors.map(({ active: _active, ...monitor }) => monitor),
      nextId: this.#nextId,
      level: this.level,
      base: this.base,
    };
  }

  restore(stored: StoredMonitors): void {
    this.#monitors.clear();
    for (const monitor of stored.monitors) {
      const variable = this.#model.find(monitor.component, monitor.variable);
      // Part 1 4.4: after a reboot a delta monitor starts from the momentary value.
      if (variable) this.#monitors.set(monitor.id, { ...monitor, reference: this.#actual(variable) });
    }
    this.#nextId = Math.max(stored.nextId, ...stored.monitors.map((m) => m.id + 1), 1);
    this.setLevel(stored.level);
    this.setBase(stored.base);
  }

  #actual(variable: Variable): string | undefined {
    return variable.attributes.get(AttributeType.Actual)?.value;
  }

  #changed(change: VariableChange): void {
    if (change.type !== AttributeType.Actual) return;
    const events: MonitorEvent[] = [];
    const key = `${componentKey(change.variable.component)}/${variableKey(change.variable.variable)}`;
    for (const monitor of this.#monitors.values()) {
      if (`${componentKey(monitor.component)}/${variableKey(monitor.variable)}` !== key) continue;
      const event = this.#evaluate(monitor, change);
      if (event && monitor.severity <= this.level) events.push(event);
    }
    if (events.length) this.#onEvents(events);
  }

  #evaluate(monitor: Monitor, change: VariableChange): MonitorEvent | undefined {
    const event = (trigger: MonitorEvent["trigger"], cleared?: true): MonitorEvent => ({
      eventId: this.#nextEventId++,
      timestamp: new Date().toISOString(),
      trigger,
      actualValue: change.value,
      ...(cleared ? { cleared } : {}),
      component: monitor.component,
      variable: monitor.variable,
      variableMonitoringId: monitor.id,
      eventNotificationType: "CustomMonitor",
    });
    if (monitor.type === MonitorType.Delta) {
      const moved = numeric(change.variable)
        ? Math.abs(Number(change.value) - Number(monitor.reference ?? change.previous)) >= monitor.value
        : change.value !== monitor.reference;
      if (!moved) return undefined;
      monitor.reference = change.value;
      return event("Delta");
    }
    const value = Number(change.value);
    const beyond = monitor.type === MonitorType.UpperThreshold ? value > monitor.value : value < monitor.value;
    if (beyond === (monitor.active ?? false)) return undefined;
    monitor.active = beyond;
    // An event on crossing the threshold, and one with cleared = true once the value is back within it.
    return beyond ? event("Alerting") : event("Alerting", true);
  }
}
