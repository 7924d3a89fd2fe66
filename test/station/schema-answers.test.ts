import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePayload } from "../../src/index.js";
import { schemaAnswer } from "../../src/station/schema-answers.js";
import { protocol as v16 } from "../../src/v16/index.js";
import { protocol as v21 } from "../../src/v21/index.js";
import { protocol as v201 } from "../../src/v201/index.js";

const versions = [
  ["1.6", v16],
  ["2.0.1", v201],
  ["2.1", v21],
] as const;

test("schemaAnswer's fallback answer validates against the official response schema of every action of 1.6, 2.0.1 and 2.1", () => {
  const invalid: string[] = [];
  let checked = 0;
  for (const [version, protocol] of versions) {
    for (const [action, spec] of protocol.actions) {
      if (!spec.response) continue;
      const answer = schemaAnswer(version, action);
      const problem = validatePayload(spec.response, answer);
      checked++;
      if (problem) invalid.push(`${version} ${action}Response ${JSON.stringify(answer)}: ${problem.description}`);
    }
  }
  assert.deepEqual(invalid, []);
  // 1.6 has 28 actions (with the security extension more), 2.0.1 64: every one was checked.
  assert.ok(checked > 150, `only ${checked} actions checked`);
});
