/** Helpers the case files share: the case constructor and the named checks part 6 repeats. */
import { type CsmsCase, Direction } from "../case.js";
import type { CsmsTest } from "../csms-test.js";

type Body = Record<string, unknown>;

/** The functional block a part 6 case id names (`TC_B_01_CSMS` → `B`). */
export function blockOf(id: string): CsmsCase["block"] {
  const block = /^TC_([A-Z])_/.exec(id)?.[1];
  if (!block) throw new TypeError(`case id ${id} does not name a block`);
  return block as CsmsCase["block"];
}

/** A TC_*_CSMS case: its block is read from the id. */
export function csmsCase(kase: Omit<CsmsCase, "direction" | "block">): CsmsCase {
  return { ...kase, block: blockOf(kase.id), direction: Direction.Csms };
}

/** `a.b.c` of a payload (`a.0.b` indexes a list). */
export function field(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Body)[key];
  }
  return value;
}

/** Checks each `path: expected` of a payload as one named check per field: `ResetRequest type`. */
export function expectFields(
  t: Pick<CsmsTest, "expect">,
  step: number | string,
  message: string,
  payload: unknown,
  expected: Readonly<Record<string, unknown>>,
): void {
  for (const [path, value] of Object.entries(expected)) t.expect(step, `${message} ${path}`, field(payload, path), value);
}

/** `attributeType is absent or Actual` (and the others part 6 allows for a read). */
export const readAttributeTypes = [undefined, "Actual", "Target", "MinSet", "MaxSet"] as const;

/** The status of a response's idTokenInfo. */
export const idTokenStatus = (response: Body): unknown => field(response, "idTokenInfo.status");
