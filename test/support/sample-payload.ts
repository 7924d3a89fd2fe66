/**
 * Builds valid payloads from an OCPP JSON schema, so every action of a version can be exercised without
 * hand-writing 150 fixtures. "full" fills every optional property too (one item per array), which reaches
 * every nested datatype; "required" fills only what the schema demands.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface JsonSchema {
  readonly type?: string;
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly format?: string;
}

export type Mode = "full" | "required";

const packageRoot = fileURLToPath(new URL(".", import.meta.resolve("ocppkit/package.json")));

/** The published schemas of one version, by file name without `.json` ("BootNotificationRequest", ...). */
export function loadSchemas(dir: "v16" | "v201" | "v21"): Map<string, JsonSchema> {
  const folder = `${packageRoot}schemas/${dir}/`;
  const schemas = new Map<string, JsonSchema>();
  for (const file of readdirSync(folder)) {
    if (file.endsWith(".json")) schemas.set(file.slice(0, -5), JSON.parse(readFileSync(folder + file, "utf8")) as JsonSchema);
  }
  return schemas;
}

export function samplePayload(schema: JsonSchema, mode: Mode): Record<string, unknown> {
  return sample(schema, schema.definitions ?? {}, mode, 0) as Record<string, unknown>;
}

function sample(schema: JsonSchema, defs: Readonly<Record<string, JsonSchema>>, mode: Mode, depth: number): unknown {
  if (depth > 20) throw new Error("schema nests deeper than 20 levels");
  if (schema.$ref) {
    const def = defs[schema.$ref.replace("#/definitions/", "")];
    if (!def) throw new Error(`unresolved ${schema.$ref}`);
    return sample(def, defs, mode, depth + 1);
  }
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(schema.properties ?? {})) {
        if (mode === "full" || schema.required?.includes(name)) out[name] = sample(sub, defs, mode, depth + 1);
      }
      return out;
    }
    case "array": {
      const count = Math.max(schema.minItems ?? 0, mode === "full" ? 1 : 0);
      return Array.from({ length: count }, () => sample(schema.items ?? {}, defs, mode, depth + 1));
    }
    case "string":
      if (schema.format === "date-time") return "2026-11-24T10:00:00.000Z";
      if (schema.format === "uri") return "https://example.com/file";
      return "x".repeat(Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 8, 8)));
    case "integer":
    case "number":
      return schema.minimum ?? (schema.maximum !== undefined && schema.maximum < 1 ? schema.maximum : 1);
    case "boolean":
      return true;
    default:
      return {};
  }
}
