/**
 * The OCPP 2.0.1 / 2.1 charging station's own state and the CSMS commands that act on it: the device
 * model (B05-B08: Get/SetVariables, GetBaseReport, GetReport with NotifyReport parts) and monitoring
 * (N02-N07: Set/ClearVariableMonitoring, SetMonitoringBase/Level, GetMonitoringReport, NotifyEvent).
 * It knows no socket: `route()` installs its handlers on a ChargePoint, and what it sends goes through
 * its host, the simulated charger or the conformance runner playing a station.
 */
import type { AfterOptions, Handler, OnOptions } from "../rpc/routing.js";
import {
  type AttributeType,
  type ComponentRef,
  type DeviceModel,
  type DeviceModelValues,
  GetVariableStatus,
  type VariableRef,
} from "./device-model.js";
import { type MonitorEvent, Monitoring, type SetMonitoringData, type StoredMonitors } from "./monitoring.js";
import { baseReport, type ComponentVariableFilter, customReport, parts, reportDataOf } from "./reports.js";
import { type StationIdentity, standardDeviceModel } from "./standard-components.js";

type Body = Record<string, unknown>;

/** What the station needs of whoever runs it. */
export interface StationHost {
  /** Sends a CALL to the CSMS and resolves with its CALLRESULT. */
  send(action: string, body: Body): Promise<Body>;
  /** Runs a follow-up in the background; a failure is logged, not thrown. */
  background(what: string, work: () => Promise<unknown>): void;
  /** OCPPCommCtrlr.HeartbeatInterval changed. */
  setHeartbeat?(intervalS: number): void;
  /** SampledDataCtrlr.TxUpdatedInterval changed: running transactions sample at the new interval. */
  restartMeters?(): void;
}

/** The handler table of a ChargePoint (the function form of `@on` and `@after`). */
export interface Routable {
  route(action: string, handler: Handler, options?: OnOptions): unknown;
  routeAfter(action: string, handler: Handler, options?: AfterOptions): unknown;
}

export interface StoredStation2 {
  readonly variables: DeviceModelValues;
  readonly monitoring: StoredMonitors;
}

interface VariableRequest {
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly attributeType?: AttributeType;
  readonly attributeValue?: string;
}

const now = () => new Date().toISOString();
const present = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export class Station2 {
  readonly model: DeviceModel;
  readonly monitoring: Monitoring;
  readonly #host: StationHost;

  constructor(host: StationHost, identity: StationIdentity) {
    this.#host = host;
    this.model = standardDeviceModel(identity);
    this.monitoring = new Monitoring(this.model, (events) => this.#notifyEvents(events));
    this.model.onChange(({ variable, type }) => {
      if (type !== "Actual" || variable.component.evse) return;
      const name = `${variable.component.name}.${variable.variable.name}`;
      if (name === "OCPPCommCtrlr.HeartbeatInterval") host.setHeartbeat?.(Number(this.model.value("OCPPCommCtrlr", "HeartbeatInterval")));
      if (name === "SampledDataCtrlr.TxUpdatedInterval" || name === "SampledDataCtrlr.Enabled") host.restartMeters?.();
    });
  }

  /** A controller's boolean setting. */
  enabled(component: string, variable: string): boolean {
    return this.model.value(component, variable) === "true";
  }

  /** A MemberList / SequenceList setting as its items. */
  list(component: string, variable: string): string[] {
    return (this.model.value(component, variable) ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  }

  store(): StoredStation2 {
    return { variables: this.model.snapshot(), monitoring: this.monitoring.store() };
  }

  restore(stored: Partial<StoredStation2>): void {
    if (stored.variables) this.model.restore(stored.variables);
    if (stored.monitoring) this.monitoring.restore(stored.monitoring);
  }

  route(peer: Routable): void {
    peer.route("GetVariables", (request: { getVariableData: VariableRequest[] }) => ({
      getVariableResult: request.getVariableData.map((data) => {
        // B06.FR.05: more items than DeviceDataCtrlr.ItemsPerMessage[GetVariables] are all Rejected.
        const limit = Number(this.model.get({ name: "DeviceDataCtrlr" }, { name: "ItemsPerMessage", instance: "GetVariables" }).value);
        if (limit > 0 && request.getVariableData.length > limit) {
          return present({
            attributeStatus: GetVariableStatus.Rejected,
            attributeStatusInfo: { reasonCode: "TooManyElements" },
            attributeType: data.attributeType,
            component: data.component,
            variable: data.variable,
          });
        }
        const outcome = this.model.get(data.component, data.variable, data.attributeType);
        return present({
          attributeStatus: outcome.status,
          attributeType: data.attributeType,
          attributeValue: outcome.status === GetVariableStatus.Accepted ? outcome.value : undefined,
          component: data.component,
          variable: data.variable,
        });
      }),
    }));
    peer.route("SetVariables", (request: { setVariableData: (VariableRequest & { attributeValue: string })[] }) => ({
      setVariableResult: request.setVariableData.map((data) => {
        const outcome = this.model.set(data.component, data.variable, data.attributeValue, data.attributeType);
        return present({
          attributeType: data.attributeType,
          attributeStatus: outcome.status,
          attributeStatusInfo: outcome.reasonCode === undefined ? undefined : { reasonCode: outcome.reasonCode },
          component: data.component,
          variable: data.variable,
        });
      }),
    }));

    peer.route("GetBaseReport", (request: { reportBase: string }) => ({
      status: baseReport(this.model, request.reportBase) === undefined ? "NotSupported" : "Accepted",
    }));
    peer.routeAfter("GetBaseReport", (request: { requestId: number; reportBase: string }) => {
      const selected = baseReport(this.model, request.reportBase);
      if (selected) this.#host.background("NotifyReport", () => this.#report(request.requestId, selected.map(reportDataOf)));
    });
    type GetReport = { requestId: number; componentVariable?: ComponentVariableFilter[]; componentCriteria?: string[] };
    peer.route("GetReport", (request: GetReport) => ({
      status: customReport(this.model, request.componentVariable, request.componentCriteria).length ? "Accepted" : "EmptyResultSet",
    }));
    peer.routeAfter("GetReport", (request: GetReport) => {
      const selected = customReport(this.model, request.componentVariable, request.componentCriteria);
      if (selected.length) this.#host.background("NotifyReport", () => this.#report(request.requestId, selected.map(reportDataOf)));
    });

    peer.route("SetVariableMonitoring", (request: { setMonitoringData: SetMonitoringData[] }) => ({
      setMonitoringResult: request.setMonitoringData.map((data) => {
        const outcome = this.monitoring.set(data);
        return present({
          id: outcome.id ?? data.id,
          status: outcome.status,
          type: data.type,
          severity: data.severity,
          component: data.component,
          variable: data.variable,
        });
      }),
    }));
    peer.route("ClearVariableMonitoring", (request: { id: number[] }) => ({
      clearMonitoringResult: request.id.map((id) => ({ id, status: this.monitoring.clear(id) })),
    }));
    peer.route("SetMonitoringLevel", (request: { severity: number }) => ({
      status: this.monitoring.setLevel(request.severity) ? "Accepted" : "Rejected",
    }));
    peer.route("SetMonitoringBase", (request: { monitoringBase: string }) => {
      this.monitoring.setBase(request.monitoringBase);
      return { status: "Accepted" };
    });
    type GetMonitoringReport = { requestId: number; componentVariable?: ComponentVariableFilter[]; monitoringCriteria?: string[] };
    const monitorsFor = (request: GetMonitoringReport) => {
      const variables = new Set(customReport(this.model, request.componentVariable, undefined));
      return this.monitoring.matching(request.monitoringCriteria).filter((m) => {
        const variable = this.model.find(m.component, m.variable);
        return variable !== undefined && variables.has(variable);
      });
    };
    peer.route("GetMonitoringReport", (request: GetMonitoringReport) => ({
      status: monitorsFor(request).length ? "Accepted" : "EmptyResultSet",
    }));
    peer.routeAfter("GetMonitoringReport", (request: GetMonitoringReport) => {
      const monitors = monitorsFor(request);
      if (!monitors.length) return;
      const monitor = monitors.map((m) => ({
        component: m.component,
        variable: m.variable,
        variableMonitoring: [{ id: m.id, transaction: m.transaction, value: m.value, type: m.type, severity: m.severity }],
      }));
      this.#host.background("NotifyMonitoringReport", () => this.#inParts("NotifyMonitoringReport", request.requestId, "monitor", monitor));
    });
  }

  /** NotifyReport in parts of DeviceDataCtrlr.ItemsPerMessage[GetReport] entries, each sent once the previous one is answered. */
  #report(requestId: number, reportData: readonly object[]): Promise<void> {
    return this.#inParts("NotifyReport", requestId, "reportData", reportData);
  }

  async #inParts(action: string, requestId: number, field: string, items: readonly object[]): Promise<void> {
    const size = Number(this.model.value("DeviceDataCtrlr", { name: "ItemsPerMessage", instance: "GetReport" })) || 20;
    const all = parts(items, size);
    const generatedAt = now();
    for (const [seqNo, part] of all.entries()) {
      await this.#host.send(action, { requestId, generatedAt, seqNo, tbc: seqNo < all.length - 1, [field]: part });
    }
  }

  #notifyEvents(events: MonitorEvent[]): void {
    // seqNo numbers the parts of one notification; these events fit in one.
    this.#host.background("NotifyEvent", () =>
      this.#host.send("NotifyEvent", { generatedAt: now(), seqNo: 0, tbc: false, eventData: events.map((e) => present({ ...e })) }),
    );
  }
}
