/**
 * A station's key pair and PKCS#10 certification request (RFC 2986), for SignCertificate (2.0.1 A02,
 * A03; 1.6 security whitepaper use cases A02/A03): a P-256 key made with node:crypto, the request
 * DER-encoded here (no npm package small enough does only this), signed with ECDSA SHA-256. The
 * subject is the station's identity as CN and SecurityCtrlr.OrganizationName as O, (2.0.1 A02).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { bitString, integer, objectIdentifier, sequence, set, tlv, utf8String } from "./der.js";

const oids = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
} as const;

export interface CsrSubject {
  readonly commonName: string;
  readonly organizationName?: string;
}

export interface KeyAndCsr {
  /** PKCS#8 PEM, kept by the station until its certificate comes. */
  readonly privateKeyPem: string;
  /** "-----BEGIN CERTIFICATE REQUEST-----" PEM. */
  readonly csrPem: string;
}

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)
    ?.join("\n")}\n-----END ${label}-----\n`;

function name(subject: CsrSubject): Buffer {
  const rdn = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
  return sequence(
    ...(subject.organizationName ? [rdn(oids.organizationName, subject.organizationName)] : []),
    rdn(oids.commonName, subject.commonName),
  );
}

/** The DER of a certification request for `publicKey` with `subject`, signed by `privateKey` (EC). */
export function certificationRequest(subject: CsrSubject, publicKey: KeyObject, privateKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: "spki", format: "der" });
  // attributes [0] IMPLICIT SET OF Attribute: none.
  const info = sequence(integer(0), name(subject), spki, tlv(0xa0, Buffer.alloc(0)));
  const signature = sign("sha256", info, privateKey);
  return sequence(info, sequence(objectIdentifier(oids.ecdsaWithSha256)), bitString(signature));
}

/** A fresh P-256 key pair and a CSR for it. */
export function newKeyAndCsr(subject: CsrSubject): KeyAndCsr {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    csrPem: pem("CERTIFICATE REQUEST", certificationRequest(subject, publicKey, privateKey)),
  };
}

/** Whether `certificatePublicKey` is the public half of `privateKeyPem`. */
export function keyMatches(privateKeyPem: string, certificatePublicKey: KeyObject): boolean {
  const mine = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "der" });
  return mine.equals(certificatePublicKey.export({ type: "spki", format: "der" }));
}
