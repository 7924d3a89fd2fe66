/**
 * A valid answer for any action of any version, made from its official JSON schema: the required fields
 * only, "Accepted" where the status enum has it (else its first value), the current time for date-time
 * fields, the minimum for numbers. The command's chargers and central system answer this way wherever
 * they have no hand-written handler, so every CALL gets a schema-valid CALLRESULT.
 */
import { readFileSync } from "node:fs";
import type { VersionName } from "./station-version.js";

interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly minimum?: number;
  readonly minLength?: number;
  readonly minItems?: number;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

const folders: Record<VersionName, string> = { "1.6": "v16", "2.0.1": "v201", "2.1": "v21" };
const preferred = ["Accepted", "Unlocked", "NoError", "Available"];

function instance(schema: JsonSchema, root: JsonSchema, depth: number): unknown {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/definitions\//, "");
    const target = root.definitions?.[name];
    return target && depth < 12 ? instance(target, root, depth + 1) : {};
  }
  if (schema.enum) return preferred.find((value) => schema.enum?.includes(value)) ?? schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const result: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const property = schema.properties?.[key];
        if (property) result[key] = instance(property, root, depth + 1);
      }
      return result;
    }
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => instance(schema.items ?? {}, root, depth + 1));
    case "string":
      if (schema.format === "date-time") return new Date().toISOString();
      return "x".repeat(schema.minLength ?? 0);
    case "integer":
    case "number":
      return schema.minimum !== undefined && schema.minimum > 0 ? schema.minimum : 0;
    case "boolean":
      return false;
    default:
      return {};
  }
}

const cache = new Map<string, JsonSchema | null>();

function schemaOf(version: VersionName, file: string): JsonSchema | undefined {
  const key = `${version}/${file}`;
  let schema = cache.get(key);
  if (schema === undefined) {
    schema = null;
    // dist/station/ in the package; build/src/station/ when the tests run the sources compiled.
    for (const root of ["../../schemas/", "../../../schemas/"]) {
      try {
        schema = JSON.parse(readFileSync(new URL(`${root}${folders[version]}/${file}.json`, import.meta.url), "utf8")) as JsonSchema;
        break;
      } catch {}
    }
    cache.set(key, schema);
  }
  return schema ?? undefined;
}

/** The minimal valid response to `action` (`{}` when the schema cannot be read). */
export function schemaAnswer(version: VersionName, action: string): Record<string, unknown> {
  const schema = schemaOf(version, `${action}Response`);
  return schema ? (instance(schema, schema, 0) as Record<string, unknown>) : {};
}
