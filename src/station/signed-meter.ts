/**
 * Signed meter values (2.0.1 SampledDataCtrlr.SignReadings, J01/J02 and E01 S4 "DataSigned"): each
 * sampled value gets a signedMeterValue whose data is the reading (value, measurand, unit, timestamp)
 * signed with the station's own P-256 key; the public key goes along, so a CSMS can verify it.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";

type Body = Record<string, unknown>;

export class MeterSigner {
  #key: KeyObject | undefined;
  #publicKey = "";

  /** `meterValue` with a signedMeterValue on each sampled value. */
  sign(meterValue: readonly Body[]): Body[] {
    const key = this.#signingKey();
    return meterValue.map((entry) => ({
      ...entry,
      sampledValue: ((entry.sampledValue as Body[] | undefined) ?? []).map((sampled) => {
        const reading = JSON.stringify({
          timestamp: entry.timestamp,
          value: sampled.value,
          measurand: sampled.measurand,
          unit: sampled.unitOfMeasure,
        });
        const signature = sign("sha256", Buffer.from(reading), key).toString("base64");
        return {
          ...sampled,
          signedMeterValue: {
            // Base64 of {"reading": <the signed JSON text>, "signature": <base64 DER ECDSA signature of it>}.
            signedMeterData: Buffer.from(JSON.stringify({ reading, signature })).toString("base64"),
            signingMethod: "ECDSA-secp256r1-SHA256",
            encodingMethod: "ocppkit-json",
            publicKey: this.#publicKey,
          },
        };
      }),
    }));
  }

  #signingKey(): KeyObject {
    if (!this.#key) {
      const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
      this.#key = createPrivateKey(pair.privateKey.export({ type: "pkcs8", format: "pem" }));
      this.#publicKey = pair.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    }
    return this.#key;
  }
}
