import assert from "node:assert/strict";
import { test } from "node:test";
import { connect, silentLogger } from "ocppkit";
import { ChargePoint, call } from "ocppkit/v21";
import { CliProcess } from "../cli/cli-process.js";

test("serve answers a 2.1 VatNumberValidation with the VAT number and EVSE it was asked about", async (t) => {
  const serve = new CliProcess(["serve", "--port", "0", "--json", "--versions", "2.1"]);
  t.after(() => serve.stop());
  const listening = await serve.waitForJson<{ event?: string; url?: string }>((line) => line.event === "listening");
  const connection = await connect(`${listening.url}/VAT1`, { protocols: ["ocpp2.1"] });
  const charger = new ChargePoint("VAT1", connection, { logger: silentLogger });
  t.after(() => connection.close());
  charger.start().catch(() => {});
  const answer = await charger.call(new call.VatNumberValidation({ vatNumber: "NL123456789B01", evseId: 2 }), { suppress: false });
  assert.deepEqual(JSON.parse(JSON.stringify(answer)), { status: "Accepted", vatNumber: "NL123456789B01", evseId: 2 });
});
