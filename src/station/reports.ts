/**
 * What GetBaseReport (B07) and GetReport (B08) select from the device model, as NotifyReport
 * reportData entries, and the split of a long report into NotifyReport parts (seqNo from 0, tbc on
 * every part but the last).
 */
import { AttributeType, type ComponentRef, type DeviceModel, Mutability, type Variable, type VariableRef } from "./device-model.js";

export interface ReportData {
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly variableAttribute: readonly {
    readonly type: AttributeType;
    readonly value?: string;
    readonly mutability: Mutability;
    readonly persistent: boolean;
    readonly constant: boolean;
  }[];
  readonly variableCharacteristics: {
    readonly dataType: string;
    readonly unit?: string;
    readonly minLimit?: number;
    readonly maxLimit?: number;
    readonly valuesList?: string;
    readonly supportsMonitoring: boolean;
  };
}

export interface ComponentVariableFilter {
  readonly component: ComponentRef;
  readonly variable?: VariableRef;
}

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function reportDataOf(variable: Variable): ReportData {
  return {
    component: withoutUndefined({ ...variable.component }),
    variable: withoutUndefined({ ...variable.variable }),
    variableAttribute: [...variable.attributes].map(([type, attribute]) =>
      withoutUndefined({
        type,
        // A WriteOnly value (a password) is never reported.
        value: attribute.mutability === Mutability.WriteOnly ? undefined : attribute.value,
        mutability: attribute.mutability,
        persistent: attribute.persistent,
        constant: attribute.constant,
      }),
    ),
    variableCharacteristics: withoutUndefined({ ...variable.characteristics }),
  };
}

const summaryVariables = new Set(["AvailabilityState", "Available", "Problem"]);

/** GetBaseReport's selection; undefined for a report base the station does not know. */
export function baseReport(model: DeviceModel, reportBase: string): Variable[] | undefined {
  const all = [...model.variables()];
  switch (reportBase) {
    case "FullInventory":
      return all;
    // B07.FR.07: the variables the CSMS can set.
    case "ConfigurationInventory":
      return all.filter((v) => [...v.attributes.values()].some((a) => a.mutability !== Mutability.ReadOnly));
    // B07: availability and problem conditions of the charging infrastructure.
    case "SummaryInventory":
      return all.filter((v) => summaryVariables.has(v.variable.name));
    default:
      return undefined;
  }
}

function componentMatches(wanted: ComponentRef, component: ComponentRef): boolean {
  if (wanted.name !== component.name) return false;
  if (wanted.instance !== undefined && wanted.instance !== component.instance) return false;
  if (wanted.evse === undefined) return true;
  if (wanted.evse.id !== component.evse?.id) return false;
  return wanted.evse.connectorId === undefined || wanted.evse.connectorId === component.evse?.connectorId;
}

/**
 * GetReport's selection (B08): the variables named by `componentVariable` (a component alone names all
 * its variables; a component without EVSE matches it on every EVSE), of the components meeting every
 * criterion: Active, Available, Enabled or Problem is a variable of the component whose value is true.
 */
export function customReport(
  model: DeviceModel,
  componentVariable: readonly ComponentVariableFilter[] | undefined,
  criteria: readonly string[] | undefined,
): Variable[] {
  const all = [...model.variables()];
  const meetsCriteria = (component: ComponentRef) =>
    (criteria ?? []).every(
      (criterion) => model.find(component, { name: criterion })?.attributes.get(AttributeType.Actual)?.value === "true",
    );
  return all.filter((variable) => {
    if (componentVariable?.length) {
      const named = componentVariable.some(
        (filter) =>
          componentMatches(filter.component, variable.component) &&
          (filter.variable === undefined ||
            (filter.variable.name === variable.variable.name &&
              (filter.variable.instance === undefined || filter.variable.instance === variable.variable.instance))),
      );
      if (!named) return false;
    }
    return meetsCriteria(variable.component);
  });
}

/** `items` in parts of at most `size` (at least one part, possibly empty). */
export function parts<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += Math.max(1, size)) result.push(items.slice(start, start + Math.max(1, size)));
  return result.length ? result : [[]];
}
