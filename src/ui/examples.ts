/**
 * A valid example request for every action a central system sends, made from the version's official
 * JSON schema (the required fields, with readable values), so the page's editor starts from something
 * that passes validation and the user only changes what matters. A test checks every example validates.
 */
import { readFileSync } from "node:fs";
import { uiVersions } from "./versions.js";
import type { OcppVersionName } from "./view-types.js";

interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly minimum?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

/** Enum values a person most likely wants first (a soft reset rather than a hard one, ...). */
const preferredValues = ["Soft", "Immediate", "Operative", "Accepted", "ISO14443", "Central", "StatusNotification", "BootNotification"];
/** Optional fields worth showing because a command is rarely sent without them. */
const usefulOptional = new Set(["connectorId", "evseId"]);
const namedStrings: Readonly<Record<string, string>> = {
  idTag: "DEMO-TAG",
  idToken: "DEMO-TAG",
  type: "ISO14443",
  vendorId: "ocppkit",
  key: "HeartbeatInterval",
};

function example(schema: JsonSchema, root: JsonSchema, name: string, depth: number): unknown {
  if (schema.$ref) {
    const target = root.definitions?.[schema.$ref.replace(/^#\/definitions\//, "")];
    return target && depth < 12 ? example(target, root, name, depth + 1) : {};
  }
  if (schema.enum) return preferredValues.find((value) => schema.enum?.includes(value)) ?? schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const result: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || (depth === 0 && usefulOptional.has(key)))
          result[key] = example(property, root, key, depth + 1);
      }
      return result;
    }
    case "array":
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => example(schema.items ?? {}, root, name, depth + 1));
    case "string": {
      if (schema.format === "date-time") return new Date().toISOString().replace(/\.\d+Z$/, "Z");
      if (schema.format === "uri") return "https://example.com/";
      const text = namedStrings[name] ?? name;
      const fitted = schema.maxLength !== undefined ? text.slice(0, schema.maxLength) : text;
      return fitted.padEnd(schema.minLength ?? 0, "x");
    }
    case "integer":
    case "number":
      return schema.minimum !== undefined && schema.minimum > 1 ? schema.minimum : 1;
    case "boolean":
      return false;
    default:
      return {};
  }
}

const cache = new Map<string, Record<string, unknown>>();

function requestSchema(version: OcppVersionName, action: string): JsonSchema | undefined {
  const folder = new URL(`../../schemas/${uiVersions[version].schemaFolder}/`, import.meta.url);
  // 1.6 names a request schema after its action (Reset.json), 2.x adds "Request" (ResetRequest.json).
  for (const file of [`${action}Request.json`, `${action}.json`]) {
    try {
      return JSON.parse(readFileSync(new URL(file, folder), "utf8")) as JsonSchema;
    } catch {}
  }
  return undefined;
}

/** A valid example request of `action` in `version` (`{}` when its schema cannot be read). */
export function exampleRequest(version: OcppVersionName, action: string): Record<string, unknown> {
  const key = `${version}/${action}`;
  let value = cache.get(key);
  if (!value) {
    const schema = requestSchema(version, action);
    value = schema ? (example(schema, schema, "", 0) as Record<string, unknown>) : {};
    cache.set(key, value);
  }
  return structuredClone(value);
}
