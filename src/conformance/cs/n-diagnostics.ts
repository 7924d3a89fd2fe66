/** Block N, Diagnostics (part 6 section 2.14): the TC_N_*_CS customer information cases for a customer without data. */
import { Feature } from "../case.js";
import type { CsTest } from "./cs-test.js";
import { csCase, requestId } from "./states.js";

type Body = Record<string, unknown>;

/** Steps 1-4: CustomerInformation for the configured valid idToken, Accepted; its NotifyCustomerInformation parts (until tbc is not true). */
async function customerInformation(t: CsTest, step: number, report: boolean, clear: boolean): Promise<Body[]> {
  const id = requestId();
  const response = await t.send(step, "CustomerInformation", { requestId: id, report, clear, idToken: t.config.idTokens.valid });
  t.expect(step + 1, "CustomerInformationResponse status", response.status, "Accepted");
  const parts: Body[] = [];
  for (;;) {
    const part = await t.expectCall(step + 2, "NotifyCustomerInformation", {
      where: (p) => p.requestId === id,
      describe: `requestId ${id}`,
    });
    t.expect(step + 2, "NotifyCustomerInformationRequest seqNo", part.payload.seqNo, parts.length);
    parts.push(part.payload);
    if (part.payload.tbc !== true) return parts;
  }
}

/** "A message is sent indicating that ...": the report says something (part 6 leaves the wording to the station). */
function expectSaysSomething(t: CsTest, step: number, what: string, parts: Body[]): void {
  const data = parts.map((p) => String(p.data ?? "")).join("");
  t.expectThat(step, `NotifyCustomerInformationRequest data (${what})`, data.trim().length > 0, `a message ${what}`, data);
}

const features = [Feature.N, Feature.CustomerInformation];

export const diagnosticsCsCases = [
  csCase({
    id: "TC_N_28_CS",
    name: "Get Customer Information - Accepted + no data",
    useCases: ["N09"],
    features,
    async run(t) {
      // Memory State: the customer information of the valid idToken is cleared first.
      await t.state("Memory State", () => customerInformation(t, 1, false, true).then(() => {}));
      const parts = await customerInformation(t, 1, true, false);
      expectSaysSomething(t, 3, "indicating that no data is found", parts);
    },
  }),
  csCase({
    id: "TC_N_31_CS",
    name: "Clear Customer Information - Clear and report + no data",
    useCases: ["N10"],
    features,
    async run(t) {
      const parts = await customerInformation(t, 1, true, true);
      expectSaysSomething(t, 3, "indicating that no data is found", parts);
    },
  }),
  csCase({
    id: "TC_N_32_CS",
    name: "Clear Customer Information - Clear and no report",
    useCases: ["N10"],
    features,
    async run(t) {
      const parts = await customerInformation(t, 1, false, true);
      expectSaysSomething(t, 3, "indicating that the data is cleared", parts);
    },
  }),
];
