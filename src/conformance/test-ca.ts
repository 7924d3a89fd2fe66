/**
 * The CA a runner playing the CSMS signs a station's CSR with (part 6: "<Certificate generated from the
 * received CSR ... and signed by the provided CSMS Root certificate>", TC_A_11/23_CS, TC_M_23_CS), and
 * the certificates the M cases need made on the spot (an expired one, TC_M_07_CS). A P-256 key made per
 * run; certificates DER-encoded here (X.509 v3, RFC 5280), as the station's CSR is (src/station/csr.ts).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { bitString, certificateParts, elements, objectIdentifier, sequence, set, tlv, utf8String } from "../pki/der.js";

const ecdsaWithSha256 = () => sequence(objectIdentifier("1.2.840.10045.4.3.2"));
const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)
    ?.join("\n")}\n-----END CERTIFICATE-----\n`;

/** UTCTime (to 2049) or GeneralizedTime, as RFC 5280 section 4.1.2.5 says. */
function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** A positive serial number of 16 random bytes. */
function serial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return tlv(0x02, bytes);
}

function commonName(name: string): Buffer {
  return sequence(
    set(sequence(objectIdentifier("2.5.4.10"), utf8String("ocppkit conformance"))),
    set(sequence(objectIdentifier("2.5.4.3"), utf8String(name))),
  );
}

/** basicConstraints cA true, critical: what makes a root certificate. */
const caExtensions = () =>
  tlv(
    0xa3,
    sequence(sequence(objectIdentifier("2.5.29.19"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, sequence(tlv(0x01, Buffer.from([0xff])))))),
  );

function certificate(issuer: Buffer, subject: Buffer, spki: Buffer, from: Date, to: Date, key: KeyObject, ca: boolean): string {
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    serial(),
    ecdsaWithSha256(),
    issuer,
    sequence(time(from), time(to)),
    subject,
    spki,
    ...(ca ? [caExtensions()] : []),
  );
  return pem(sequence(tbs, ecdsaWithSha256(), bitString(sign("sha256", tbs, key))));
}

export class TestCa {
  /** The CA's certificate (PEM): the "provided CSMS Root certificate". */
  readonly pem: string;
  readonly #key: KeyObject;
  readonly #name: Buffer;

  private constructor(name: string) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    this.#key = privateKey;
    this.#name = commonName(name);
    const day = 86_400_000;
    this.pem = certificate(
      this.#name,
      this.#name,
      publicKey.export({ type: "spki", format: "der" }),
      new Date(Date.now() - day),
      new Date(Date.now() + 3650 * day),
      privateKey,
      true,
    );
  }

  static create(name = "ocppkit conformance test CA"): TestCa {
    return new TestCa(name);
  }

  /** A certificate for the key and subject of `csrPem` (PKCS#10), valid from an hour ago for `days`. */
  sign(csrPem: string, days = 30): string {
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    const [request] = elements(der);
    const [info] = request?.tag === 0x30 ? elements(request.content) : [];
    const [, subject, spki] = info?.tag === 0x30 ? elements(info.content) : [];
    if (subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new TypeError("not a PEM certification request (RFC 2986)");
    // The key must be one node:crypto reads: what the CSR says it is.
    createPublicKey({ key: spki.bytes, format: "der", type: "spki" });
    const from = new Date(Date.now() - 3_600_000);
    return certificate(this.#name, subject.bytes, spki.bytes, from, new Date(from.getTime() + days * 86_400_000), this.#key, false);
  }

  /** A self-signed root certificate that expired yesterday (`<Generated Expired Certificate>`). */
  static expired(name = "ocppkit conformance expired root"): string {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const subject = commonName(name);
    const day = 86_400_000;
    const spki = publicKey.export({ type: "spki", format: "der" });
    return certificate(subject, subject, spki, new Date(Date.now() - 30 * day), new Date(Date.now() - day), privateKey, true);
  }
}

/** Whether `pem` was issued by `issuerPem` (its issuer name is the issuer's subject and the signature verifies). */
export function issuedBy(pem: string, issuerPem: string): boolean {
  const issuer = new X509Certificate(issuerPem);
  const subject = new X509Certificate(pem);
  return certificateParts(subject.raw).issuer.equals(certificateParts(issuer.raw).subject) && subject.verify(issuer.publicKey);
}
