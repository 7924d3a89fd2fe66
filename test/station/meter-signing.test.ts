import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { test } from "node:test";
import { MeterSigner } from "../../src/station/meter-signing.js";

const values = [
  {
    timestamp: "2026-01-01T00:00:00.000Z",
    sampledValue: [{ value: 1200, measurand: "Energy.Active.Import.Register", context: "Sample.Clock", unitOfMeasure: { unit: "Wh" } }],
  },
];

/** The signedMeterValue of the first sampled value. */
function firstSigned(signed: ReturnType<MeterSigner["signAll"]>) {
  const sampled = signed[0]?.sampledValue[0];
  assert.ok(sampled);
  return sampled.signedMeterValue;
}

test("a signed meter value verifies with the publicKey it carries: the OCMF record holds the reading and its ECDSA P-256 signature", () => {
  const { signedMeterData, signingMethod, encodingMethod, publicKey } = firstSigned(
    new MeterSigner().signAll(values, "EveryMeterValue", false),
  );
  assert.equal(signingMethod, "ECDSA-secp256r1-SHA256");
  assert.equal(encodingMethod, "OCMF");
  const [format, payload = "", signature = "{}"] = Buffer.from(signedMeterData, "base64").toString().split("|");
  assert.equal(format, "OCMF");
  assert.equal(JSON.parse(payload).value, 1200);
  const key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
  const sd = Buffer.from(JSON.parse(signature).SD, "hex");
  assert.ok(verify("SHA256", Buffer.from(payload), key, sd));
  assert.ok(!verify("SHA256", Buffer.from(payload.replace("1200", "1300")), key, sd), "a changed reading does not verify");
});

test("the publicKey goes along as PublicKeyWithSignedMeterValue says: every value, the first of a transaction, or never", () => {
  const signer = new MeterSigner();
  const keyOf = (policy: string, first: boolean) => firstSigned(signer.signAll(values, policy, first)).publicKey;
  assert.equal(keyOf("EveryMeterValue", false), signer.publicKey);
  assert.equal(keyOf("OncePerTransaction", true), signer.publicKey);
  assert.equal(keyOf("OncePerTransaction", false), "");
  assert.equal(keyOf("Never", true), "");
});
