/**
 * Signed meter values (2.0.1 J01/J02 with SampledDataCtrlr.SignReadings or AlignedDataCtrlr.SignReadings;
 * part 6 TC_J_04, TC_J_11): each sampledValue gets a signedMeterValue whose signedMeterData is an
 * OCMF-style record (`OCMF|<reading>|<signature>`, base64) signed with the station's own ECDSA P-256
 * key, made at start (a simulator has no metering chip). The publicKey goes along as
 * OCPPCommCtrlr.PublicKeyWithSignedMeterValue says: with every value, with the first of a transaction,
 * or never ("").
 */
import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";

type Body = Record<string, unknown>;

export interface SignedMeterValue {
  readonly signedMeterData: string;
  readonly signingMethod: string;
  readonly encodingMethod: string;
  readonly publicKey: string;
}

export const PublicKeyWithSignedMeterValue = {
  Never: "Never",
  OncePerTransaction: "OncePerTransaction",
  EveryMeterValue: "EveryMeterValue",
} as const;
export type PublicKeyWithSignedMeterValue = (typeof PublicKeyWithSignedMeterValue)[keyof typeof PublicKeyWithSignedMeterValue];

const signingMethod = "ECDSA-secp256r1-SHA256";

export class MeterSigner {
  #keys: { privateKey: KeyObject; publicKey: string } | undefined;

  /** The base64 SubjectPublicKeyInfo of the signing key. */
  get publicKey(): string {
    return this.#key().publicKey;
  }

  #key() {
    if (!this.#keys) {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      this.#keys = { privateKey, publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64") };
    }
    return this.#keys;
  }

  sign(reading: Body, withKey: boolean): SignedMeterValue {
    const payload = JSON.stringify(reading);
    const signature = createSign("SHA256").update(payload).sign(this.#key().privateKey).toString("hex");
    const record = `OCMF|${payload}|${JSON.stringify({ SA: signingMethod, SD: signature })}`;
    return {
      signedMeterData: Buffer.from(record).toString("base64"),
      signingMethod,
      encodingMethod: "OCMF",
      publicKey: withKey ? this.publicKey : "",
    };
  }

  /**
   * `values` (meterValue entries) with every sampledValue signed; `first`: these open a transaction
   * (OncePerTransaction sends the key only then).
   */
  signAll<T extends { timestamp: string; sampledValue: readonly Body[] }>(
    values: readonly T[],
    policy: string,
    first: boolean,
  ): (T & { sampledValue: (Body & { signedMeterValue: SignedMeterValue })[] })[] {
    const withKey =
      policy === PublicKeyWithSignedMeterValue.EveryMeterValue || (policy === PublicKeyWithSignedMeterValue.OncePerTransaction && first);
    return values.map((value) => ({
      ...value,
      sampledValue: value.sampledValue.map((sampled) => ({
        ...sampled,
        signedMeterValue: this.sign({ timestamp: value.timestamp, ...sampled }, withKey),
      })),
    }));
  }
}
