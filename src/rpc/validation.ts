import {
  FormatViolationError,
  OccurrenceConstraintViolationError,
  type OcppError,
  PropertyConstraintViolationError,
  TypeConstraintViolationError,
} from "./errors.js";

/** What an ajv error says, as far as we read it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** A compiled schema check (ajv's standalone code): true when valid, else `errors` holds the first problem. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: readonly SchemaError[] | null;
}

const property = new Set([
  "enum",
  "const",
  "maxLength",
  "minLength",
  "maximum",
  "minimum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "pattern",
  "format",
  "multipleOf",
]);
const occurrence = new Set(["required", "minItems", "maxItems", "dependencies"]);

/**
 * Maps a schema failure to the OCPP error it is (OCPP-J 1.6 section 4.2.3, 2.0.1 part 4 section 4.3):
 * a missing field or wrong cardinality is an occurrence violation, a wrong JSON type a type violation,
 * a bad value (enum, length, range, pattern, date-time) a property violation, and anything that breaks
 * the message's structure (unknown property, payload not an object) a format violation.
 */
export function schemaErrorToOcpp(error: SchemaError | undefined): OcppError {
  if (!error) return new FormatViolationError("Payload does not match its schema");
  const at = error.instancePath || "payload";
  const details = { path: error.instancePath, keyword: error.keyword, ...error.params };
  if (error.keyword === "additionalProperties") {
    return new FormatViolationError(`${at}: unknown property ${JSON.stringify(error.params.additionalProperty)}`, details);
  }
  if (error.keyword === "required") {
    return new OccurrenceConstraintViolationError(
      `${at}: missing required property ${JSON.stringify(error.params.missingProperty)}`,
      details,
    );
  }
  if (error.keyword === "type") {
    if (error.instancePath === "") return new FormatViolationError("payload must be a JSON object", details);
    return new TypeConstraintViolationError(`${at} ${error.message ?? "has the wrong type"}`, details);
  }
  if (occurrence.has(error.keyword)) return new OccurrenceConstraintViolationError(`${at} ${error.message ?? ""}`.trim(), details);
  if (property.has(error.keyword)) return new PropertyConstraintViolationError(`${at} ${error.message ?? ""}`.trim(), details);
  return new FormatViolationError(`${at} ${error.message ?? "does not match its schema"}`.trim(), details);
}

// ajv's standalone validators take a second argument, `{ instancePath = "", ..., rootData = data } = {}`:
// called without it they make that empty object on every call. One shared empty object reads the same,
// and a validator of another kind ignores the extra argument.
const topLevel = Object.freeze({});

/** Runs `validator` and returns the OCPP error for the first failure, or undefined when valid. */
export function validatePayload(validator: SchemaValidator, payload: unknown): OcppError | undefined {
  if ((validator as (data: unknown, context: object) => boolean)(payload, topLevel)) return undefined;
  return schemaErrorToOcpp(validator.errors?.[0]);
}
