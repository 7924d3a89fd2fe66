import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaValidator } from "ocppkit";
import { exampleRequest, payloadProblem } from "ocppkit/ui";
import { actionSender as actions16, protocol as protocol16 } from "ocppkit/v16";
import { actionSender as actions21, protocol as protocol21 } from "ocppkit/v21";
import { actionSender as actions201, protocol as protocol201 } from "ocppkit/v201";

const versions = [
  ["1.6", protocol16, actions16],
  ["2.0.1", protocol201, actions201],
  ["2.1", protocol21, actions21],
] as const;

test("the example payload of every action a central system sends passes the version's schema", () => {
  let checked = 0;
  for (const [version, protocol, senders] of versions) {
    for (const [action, sender] of Object.entries(senders)) {
      const spec = protocol.actions.get(action);
      if (sender === "ChargePoint" || !spec?.response) continue;
      const example = exampleRequest(version, action);
      assert.equal(payloadProblem(spec.request, example), undefined, `${version} ${action}: ${JSON.stringify(example)}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} actions checked`);
});

test("a payload problem names the JSON pointer of the field at fault", () => {
  const request = protocol201.actions.get("RequestStartTransaction")?.request as SchemaValidator;
  const missing = payloadProblem(request, { remoteStartId: 1, idToken: { type: "ISO14443" } });
  assert.deepEqual(missing && { field: missing.field, code: missing.code }, {
    field: "/idToken/idToken",
    code: "OccurrenceConstraintViolation",
  });
  const wrongType = payloadProblem(request, { remoteStartId: "one", idToken: { idToken: "A", type: "ISO14443" } });
  assert.equal(wrongType?.field, "/remoteStartId");
  assert.equal(wrongType?.code, "TypeConstraintViolation");
  const notObject = payloadProblem(request, []);
  assert.deepEqual(notObject && { field: notObject.field, code: notObject.code }, { field: "", code: "FormatViolation" });
});
