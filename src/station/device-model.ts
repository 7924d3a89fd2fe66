/**
 * The OCPP 2.0.1 / 2.1 device model of a charging station (part 1 section 4, part 2 B05-B08): components
 * (name, instance, EVSE, connector) holding variables, each with attributes (Actual, Target, MinSet,
 * MaxSet) that carry a value, a mutability and a persistence flag, and characteristics (data type, unit,
 * limits, values list, whether it supports monitoring). Get and set apply the spec's statuses; a value
 * that changes is announced to the listeners (the station's behaviour and its monitors).
 */

export const DataType = {
  string: "string",
  decimal: "decimal",
  integer: "integer",
  dateTime: "dateTime",
  boolean: "boolean",
  OptionList: "OptionList",
  SequenceList: "SequenceList",
  MemberList: "MemberList",
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export const Mutability = { ReadOnly: "ReadOnly", WriteOnly: "WriteOnly", ReadWrite: "ReadWrite" } as const;
export type Mutability = (typeof Mutability)[keyof typeof Mutability];

export const AttributeType = { Actual: "Actual", Target: "Target", MinSet: "MinSet", MaxSet: "MaxSet" } as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

export interface ComponentRef {
  readonly name: string;
  readonly instance?: string;
  readonly evse?: { readonly id: number; readonly connectorId?: number };
}

export interface VariableRef {
  readonly name: string;
  readonly instance?: string;
}

export interface Attribute {
  value: string;
  readonly mutability: Mutability;
  readonly persistent: boolean;
  readonly constant: boolean;
}

export interface Characteristics {
  readonly dataType: DataType;
  readonly unit?: string;
  readonly minLimit?: number;
  readonly maxLimit?: number;
  readonly valuesList?: string;
  readonly supportsMonitoring: boolean;
}

export interface Variable {
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly characteristics: Characteristics;
  readonly attributes: Map<AttributeType, Attribute>;
  /** A new value takes effect only after a reboot: SetVariables answers RebootRequired (B05.FR.05). */
  readonly rebootRequired: boolean;
}

/** One variable to add to a model: its characteristics, and the Actual value and mutability unless `attributes` says more. */
export interface VariableDefinition {
  readonly component: ComponentRef;
  readonly variable: VariableRef;
  readonly dataType: DataType;
  readonly value?: string;
  readonly mutability?: Mutability;
  readonly unit?: string;
  readonly minLimit?: number;
  readonly maxLimit?: number;
  readonly valuesList?: string;
  /** Kept over a restart; defaults to true for ReadWrite and WriteOnly, false for ReadOnly (those are measured). */
  readonly persistent?: boolean;
  readonly constant?: boolean;
  readonly rebootRequired?: boolean;
  readonly extraAttributes?: readonly { readonly type: AttributeType; readonly value: string; readonly mutability: Mutability }[];
}

export const GetVariableStatus = {
  Accepted: "Accepted",
  Rejected: "Rejected",
  UnknownComponent: "UnknownComponent",
  UnknownVariable: "UnknownVariable",
  NotSupportedAttributeType: "NotSupportedAttributeType",
} as const;
export type GetVariableStatus = (typeof GetVariableStatus)[keyof typeof GetVariableStatus];

export const SetVariableStatus = { ...GetVariableStatus, RebootRequired: "RebootRequired" } as const;
export type SetVariableStatus = (typeof SetVariableStatus)[keyof typeof SetVariableStatus];

export interface GetOutcome {
  readonly status: GetVariableStatus;
  readonly value?: string;
}

export interface SetOutcome {
  readonly status: SetVariableStatus;
  /** Why a value was refused (part 2 reason codes), for attributeStatusInfo. */
  readonly reasonCode?: string;
}

export interface VariableChange {
  readonly variable: Variable;
  readonly type: AttributeType;
  readonly previous: string;
  readonly value: string;
}

export type ChangeListener = (change: VariableChange) => void;

/** Persisted values: `componentKey/variableKey/attributeType` -> value. */
export type DeviceModelValues = Record<string, string>;

export function componentKey(component: ComponentRef): string {
  const evse = component.evse;
  return [component.name, component.instance ?? "", evse?.id ?? "", evse?.connectorId ?? ""].join("|");
}

export function variableKey(variable: VariableRef): string {
  return `${variable.name}|${variable.instance ?? ""}`;
}

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const integerPattern = /^[+-]?\d+$/;
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Whether `value` is a valid value of a variable with these characteristics (B05.FR.07: else Rejected, InvalidValue). */
export function validValue(characteristics: Characteristics, value: string): boolean {
  const allowed = () => (characteristics.valuesList ?? "").split(",").map((item) => item.trim());
  switch (characteristics.dataType) {
    case "integer":
    case "decimal": {
      if (!(characteristics.dataType === "integer" ? integerPattern : numberPattern).test(value)) return false;
      const number = Number(value);
      if (characteristics.minLimit !== undefined && number < characteristics.minLimit) return false;
      return characteristics.maxLimit === undefined || number <= characteristics.maxLimit;
    }
    case "boolean":
      return value === "true" || value === "false";
    case "dateTime":
      return isoDateTime.test(value) && !Number.isNaN(Date.parse(value));
    case "OptionList":
      return allowed().includes(value);
    case "SequenceList":
    case "MemberList": {
      const items = value.split(",").map((item) => item.trim());
      const list = allowed();
      if (value === "") return characteristics.dataType === "MemberList";
      return items.every((item) => list.includes(item)) && new Set(items).size === items.length;
    }
    case "string":
      // For a string the limits are on its length.
      if (characteristics.minLimit !== undefined && value.length < characteristics.minLimit) return false;
      return characteristics.maxLimit === undefined || value.length <= characteristics.maxLimit;
  }
}

export class DeviceModel {
  readonly #components = new Map<string, Map<string, Variable>>();
  readonly #listeners = new Set<ChangeListener>();

  constructor(definitions: readonly VariableDefinition[] = []) {
    for (const definition of definitions) this.define(definition);
  }

  define(definition: VariableDefinition): Variable {
    const mutability = definition.mutability ?? Mutability.ReadOnly;
    const persistent = definition.persistent ?? mutability !== Mutability.ReadOnly;
    const attributes = new Map<AttributeType, Attribute>([
      [AttributeType.Actual, { value: definition.value ?? "", mutability, persistent, constant: definition.constant ?? false }],
    ]);
    for (const extra of definition.extraAttributes ?? []) {
      attributes.set(extra.type, { value: extra.value, mutability: extra.mutability, persistent, constant: false });
    }
    const variable: Variable = {
      component: definition.component,
      variable: definition.variable,
      characteristics: {
        dataType: definition.dataType,
        unit: definition.unit,
        minLimit: definition.minLimit,
        maxLimit: definition.maxLimit,
        valuesList: definition.valuesList,
        supportsMonitoring: true,
      },
      attributes,
      rebootRequired: definition.rebootRequired ?? false,
    };
    const key = componentKey(definition.component);
    let variables = this.#components.get(key);
    if (!variables) {
      variables = new Map();
      this.#components.set(key, variables);
    }
    variables.set(variableKey(definition.variable), variable);
    return variable;
  }

  /** Called with every value that changes, whoever changed it (the CSMS, the station, a restore). */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  find(component: ComponentRef, variable: VariableRef): Variable | undefined {
    return this.#components.get(componentKey(component))?.get(variableKey(variable));
  }

  hasComponent(component: ComponentRef): boolean {
    return this.#components.has(componentKey(component));
  }

  /** Every variable, components in definition order. */
  *variables(): IterableIterator<Variable> {
    for (const variables of this.#components.values()) yield* variables.values();
  }

  /** GetVariables for one entry (B06): the statuses of B06.FR.06-FR.09. */
  get(component: ComponentRef, variable: VariableRef, type: AttributeType = AttributeType.Actual): GetOutcome {
    if (!this.hasComponent(component)) return { status: GetVariableStatus.UnknownComponent };
    const found = this.find(component, variable);
    if (!found) return { status: GetVariableStatus.UnknownVariable };
    const attribute = found.attributes.get(type);
    if (!attribute) return { status: GetVariableStatus.NotSupportedAttributeType };
    // B06.FR.09 (2.0.1 errata): a WriteOnly value, such as a password, is never read back.
    if (attribute.mutability === Mutability.WriteOnly) return { status: GetVariableStatus.Rejected };
    return { status: GetVariableStatus.Accepted, value: attribute.value };
  }

  /** The Actual value the station itself uses; undefined when the model has no such variable. */
  value(component: ComponentRef | string, variable: VariableRef | string): string | undefined {
    const c = typeof component === "string" ? { name: component } : component;
    const v = typeof variable === "string" ? { name: variable } : variable;
    return this.find(c, v)?.attributes.get(AttributeType.Actual)?.value;
  }

  /** SetVariables for one entry (B05): checks existence, attribute type, mutability and the value's format. */
  set(component: ComponentRef, variable: VariableRef, value: string, type: AttributeType = AttributeType.Actual): SetOutcome {
    if (!this.hasComponent(component)) return { status: SetVariableStatus.UnknownComponent };
    const found = this.find(component, variable);
    if (!found) return { status: SetVariableStatus.UnknownVariable };
    const attribute = found.attributes.get(type);
    if (!attribute) return { status: SetVariableStatus.NotSupportedAttributeType };
    if (attribute.mutability === Mutability.ReadOnly || attribute.constant) return { status: SetVariableStatus.Rejected };
    if (!validValue(found.characteristics, value)) return { status: SetVariableStatus.Rejected, reasonCode: "InvalidValue" };
    this.#write(found, type, attribute, value);
    return { status: found.rebootRequired ? SetVariableStatus.RebootRequired : SetVariableStatus.Accepted };
  }

  /** The station's own update of a value (a measured state, a setting it derived): no mutability check. */
  update(
    component: ComponentRef | string,
    variable: VariableRef | string,
    value: string,
    type: AttributeType = AttributeType.Actual,
  ): void {
    const c = typeof component === "string" ? { name: component } : component;
    const v = typeof variable === "string" ? { name: variable } : variable;
    const found = this.find(c, v);
    const attribute = found?.attributes.get(type);
    if (found && attribute && attribute.value !== value) this.#write(found, type, attribute, value);
  }

  #write(variable: Variable, type: AttributeType, attribute: Attribute, value: string): void {
    const previous = attribute.value;
    attribute.value = value;
    if (previous === value) return;
    for (const listener of [...this.#listeners]) listener({ variable, type, previous, value });
  }

  /** The persistent values, to keep over a restart. */
  snapshot(): DeviceModelValues {
    const values: DeviceModelValues = {};
    for (const variable of this.variables()) {
      for (const [type, attribute] of variable.attributes) {
        if (attribute.persistent) values[`${componentKey(variable.component)}/${variableKey(variable.variable)}/${type}`] = attribute.value;
      }
    }
    return values;
  }

  /** Puts back values from snapshot(); entries the model does not have (any more) or that are invalid are ignored. */
  restore(values: DeviceModelValues): void {
    for (const variable of this.variables()) {
      for (const [type, attribute] of variable.attributes) {
        const value = values[`${componentKey(variable.component)}/${variableKey(variable.variable)}/${type}`];
        if (attribute.persistent && typeof value === "string" && validValue(variable.characteristics, value)) {
          this.#write(variable, type, attribute, value);
        }
      }
    }
  }
}
