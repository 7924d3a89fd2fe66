/**
 * A small certificate authority for the CSMS side of 2.0.1 A02/A03 (1.6 security whitepaper A02/A03):
 * it reads a station's PKCS#10 request (RFC 2986), checks its signature and key size, and issues an
 * X.509 v3 certificate (RFC 5280) for the request's subject and key, signed with node:crypto. Node can
 * read certificates (X509Certificate) but not build them, so the TBSCertificate is DER-encoded here.
 * Either a CA loaded from PEM files (the operator's) or one generated on start (development).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
  X509Certificate,
} from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import {
  bitString,
  boolean,
  certificateParts,
  elements,
  explicit,
  integer,
  namedBits,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from "./der.js";

const oids = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  subjectAltName: "2.5.29.17",
} as const;

/** The request's signature algorithms this CA checks, with their hash. */
const requestAlgorithms = new Map<string, string>([
  [objectIdentifier(oids.ecdsaWithSha256).toString("hex"), "sha256"],
  [objectIdentifier(oids.ecdsaWithSha384).toString("hex"), "sha384"],
  [objectIdentifier(oids.sha256WithRsa).toString("hex"), "sha256"],
  [objectIdentifier(oids.sha384WithRsa).toString("hex"), "sha384"],
]);

export class CertificateRequestError extends Error {
  readonly code = "ERR_CERTIFICATE_REQUEST";
  constructor(problem: string) {
    super(`${problem}: send a PEM PKCS#10 request (RFC 2986) signed by its own key`);
    this.name = "CertificateRequestError";
  }
}

/** The CA's own certificate or key cannot be used; the message names the file to fix. */
export class CertificateAuthorityError extends Error {
  readonly code = "ERR_CERTIFICATE_AUTHORITY";
  constructor(message: string) {
    super(message);
    this.name = "CertificateAuthorityError";
  }
}

export interface CertificateRequest {
  /** The subject Name, as DER. */
  readonly subject: Buffer;
  /** SubjectPublicKeyInfo, as DER. */
  readonly spki: Buffer;
  readonly publicKey: KeyObject;
}

const pemBody = (pem: string, label: string): Buffer | undefined => {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  return match ? Buffer.from(match[1].replace(/\s+/g, ""), "base64") : undefined;
};

export const toPem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString("base64")
    .match(/.{1,64}/g)
    ?.join("\n")}\n-----END ${label}-----\n`;

/** Every certificate of a PEM chain, in order. */
export function pemCertificates(chain: string): string[] {
  return chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * A PEM certification request, read and checked: its signature verifies with its own key, and the key is
 * at least 2048 bits (RSA) or 224 bits (EC), as part 6's RenewChargingStationCertificate (step 3) checks.
 */
export function readCertificateRequest(pem: string): CertificateRequest {
  const der = pemBody(pem, "(?:NEW )?CERTIFICATE REQUEST");
  if (!der) throw new CertificateRequestError("no -----BEGIN CERTIFICATE REQUEST----- block");
  try {
    const [request] = elements(der);
    const [info, algorithm, signature] = request?.tag === 0x30 ? elements(request.content) : [];
    if (info?.tag !== 0x30 || algorithm?.tag !== 0x30 || signature?.tag !== 0x03) throw new Error("not a CertificationRequest");
    const [version, subject, spki] = elements(info.content);
    if (version?.tag !== 0x02 || subject?.tag !== 0x30 || spki?.tag !== 0x30) throw new Error("not a CertificationRequestInfo");
    const hash = requestAlgorithms.get(elements(algorithm.content)[0]?.bytes.toString("hex") ?? "");
    if (!hash) throw new Error("an unsupported signature algorithm (ECDSA or RSA with SHA-256/384 are)");
    const publicKey = createPublicKey({ key: spki.bytes, format: "der", type: "spki" });
    if (!verify(hash, info.bytes, publicKey, signature.content.subarray(1))) throw new Error("a signature its key does not verify");
    const details = publicKey.asymmetricKeyDetails;
    const bits = publicKey.asymmetricKeyType === "ec" ? curveBits(details?.namedCurve) : (details?.modulusLength ?? 0);
    const least = publicKey.asymmetricKeyType === "ec" ? 224 : 2048;
    if (bits < least) throw new Error(`a ${bits}-bit ${publicKey.asymmetricKeyType} key (at least ${least} bits are required)`);
    return { subject: subject.bytes, spki: spki.bytes, publicKey };
  } catch (error) {
    if (error instanceof CertificateRequestError) throw error;
    throw new CertificateRequestError(`the request has ${(error as Error).message.replace(/: not the DER.*$/, "")}`);
  }
}

function curveBits(curve: string | undefined): number {
  const bits = /(\d{3})/.exec(curve ?? "")?.[1];
  return bits ? Number(bits) : 0;
}

/** The subjectKeyIdentifier extension of a certificate's DER, if it has one. */
function subjectKeyIdentifierOf(der: Buffer): Buffer | undefined {
  const fields = elements(elements(elements(der)[0].content)[0].content);
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (!extensions) return undefined;
  const wanted = objectIdentifier(oids.subjectKeyIdentifier);
  for (const entry of elements(elements(extensions.content)[0].content)) {
    const parts = elements(entry.content);
    if (!parts[0]?.bytes.equals(wanted)) continue;
    const value = parts[parts.length - 1];
    return value?.tag === 0x04 ? elements(value.content)[0]?.content : undefined;
  }
  return undefined;
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const [, key] = elements(elements(spki)[0].content);
  return createHash("sha1").update(key.content.subarray(1)).digest();
}

const extension = (oid: string, critical: boolean, value: Buffer) =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

function signatureAlgorithm(key: KeyObject): Buffer {
  return key.asymmetricKeyType === "ec"
    ? sequence(objectIdentifier(oids.ecdsaWithSha256))
    : sequence(objectIdentifier(oids.sha256WithRsa), nullValue());
}

export interface IssueOptions {
  /** Days the certificate is valid. Default 365. */
  readonly days?: number;
  /** A CA certificate (basicConstraints CA, keyCertSign) instead of a station's TLS client certificate. */
  readonly ca?: boolean;
  /** Start of validity. Default a minute ago; a date in the past with few `days` makes an expired certificate. */
  readonly validFrom?: Date;
  /**
   * A TLS server certificate (a CSMS's) for these host names or IP addresses (subjectAltName, RFC 5280
   * 4.2.1.6; TLS clients check it, not the common name) instead of a station's client certificate.
   */
  readonly serverNames?: readonly string[];
}

/** GeneralName dNSName [2] or iPAddress [7] (4 or 16 octets). */
function generalName(name: string): Buffer {
  if (isIPv4(name)) return tlv(0x87, Buffer.from(name.split(".").map(Number)));
  if (isIPv6(name)) {
    const [head, tail = ""] = name.split("::");
    const groups = (part: string) => (part ? part.split(":") : []);
    const fill = name.includes("::") ? 8 - groups(head).length - groups(tail).length : 0;
    const all = [...groups(head), ...Array(fill).fill("0"), ...groups(tail)];
    return tlv(0x87, Buffer.from(all.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff])));
  }
  return tlv(0x82, Buffer.from(name, "ascii"));
}

/** The DER of a certificate for `subject` and `spki`, issued by `issuer` (a Name) and signed with `issuerKey`. */
function issue(subject: Buffer, spki: Buffer, issuer: Buffer, issuerKeyId: Buffer, issuerKey: KeyObject, options: IssueOptions): Buffer {
  const now = Date.now();
  // A minute back, so a station whose clock is slightly behind already accepts it.
  const notBefore = new Date(Math.floor((options.validFrom?.getTime() ?? now - 60_000) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 365) * 86_400_000);
  // RFC 5280 4.1.2.2: positive, at most 20 octets, unique: 16 random bytes with the top bit clear.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  const extensions = options.ca
    ? [
        extension(oids.basicConstraints, true, sequence(boolean(true))),
        // keyCertSign and cRLSign: bits 5 and 6.
        extension(oids.keyUsage, true, namedBits(Buffer.from([0x06]), 1)),
      ]
    : options.serverNames
      ? [
          extension(oids.basicConstraints, true, sequence()),
          extension(oids.keyUsage, true, namedBits(Buffer.from([0x80]), 7)),
          extension(oids.extendedKeyUsage, false, sequence(objectIdentifier(oids.serverAuth))),
          extension(oids.subjectAltName, false, sequence(...options.serverNames.map(generalName))),
        ]
      : [
          extension(oids.basicConstraints, true, sequence()),
          // digitalSignature (bit 0): what a TLS client key does.
          extension(oids.keyUsage, true, namedBits(Buffer.from([0x80]), 7)),
          extension(oids.extendedKeyUsage, false, sequence(objectIdentifier(oids.clientAuth))),
        ];
  extensions.push(
    extension(oids.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    extension(oids.authorityKeyIdentifier, false, sequence(tlv(0x80, issuerKeyId))),
  );
  const algorithm = signatureAlgorithm(issuerKey);
  const tbs = sequence(
    explicit(0, integer(2)),
    unsignedInteger(serial),
    algorithm,
    issuer,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  return sequence(tbs, algorithm, bitString(sign("sha256", tbs, issuerKey)));
}

/** A Name of an organization and a common name. */
export function distinguishedName(commonName: string, organizationName?: string): Buffer {
  const rdn = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
  return sequence(...(organizationName ? [rdn(oids.organizationName, organizationName)] : []), rdn(oids.commonName, commonName));
}

export interface IssuedCertificate {
  /** The new certificate, PEM. */
  readonly certificate: string;
  /** What CertificateSigned carries: the certificate, then the CA's own chain unless the CA is a root. */
  readonly chain: string;
}

export class CertificateAuthority {
  /** The CA certificate (and any of its issuers after it), PEM. */
  readonly certificatePem: string;
  readonly #certificate: X509Certificate;
  readonly #key: KeyObject;
  readonly #subject: Buffer;
  /** The CA's own subjectKeyIdentifier, which the authorityKeyIdentifier of what it issues must repeat. */
  readonly #keyId: Buffer;

  private constructor(certificatePem: string, key: KeyObject) {
    const [first] = pemCertificates(certificatePem);
    if (!first) throw new CertificateAuthorityError("the CA file has no -----BEGIN CERTIFICATE----- block: give the CA certificate in PEM");
    this.certificatePem = certificatePem;
    this.#certificate = new X509Certificate(first);
    this.#key = key;
    const spki = this.#certificate.publicKey.export({ type: "spki", format: "der" });
    if (!createPublicKey(key).export({ type: "spki", format: "der" }).equals(spki))
      throw new CertificateAuthorityError("the CA key is not the key of the CA certificate: give the key file that belongs to it");
    this.#subject = certificateParts(this.#certificate.raw).subject;
    this.#keyId = subjectKeyIdentifierOf(this.#certificate.raw) ?? keyIdentifier(spki);
  }

  /** The operator's CA: its certificate (PEM, optionally followed by its issuers) and private key (PEM). */
  static fromPem(certificatePem: string, keyPem: string): CertificateAuthority {
    return new CertificateAuthority(certificatePem, createPrivateKey(keyPem));
  }

  /** A self-signed P-256 root made now, for development and conformance runs without a configured CA. */
  static generate(
    commonName = "ocppkit development CA",
    organizationName = "ocppkit",
    validity: Omit<IssueOptions, "ca"> = {},
  ): CertificateAuthority {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const name = distinguishedName(commonName, organizationName);
    const spki = publicKey.export({ type: "spki", format: "der" });
    const der = issue(name, spki, name, keyIdentifier(spki), privateKey, { days: 3650, ...validity, ca: true });
    return new CertificateAuthority(toPem("CERTIFICATE", der), privateKey);
  }

  /**
   * A CA for a new key whose certificate this CA signs: the "new CSMS Root certificate signed by the old
   * one" of AdditionalRootCertificateCheck (2.0.1 M05; part 6 TC_B_47/50, TC_M_30/31), or an intermediate.
   */
  subordinate(commonName: string, organizationName?: string, days = 3650): CertificateAuthority {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const spki = publicKey.export({ type: "spki", format: "der" });
    const der = issue(distinguishedName(commonName, organizationName), spki, this.#subject, this.#keyId, this.#key, { days, ca: true });
    return new CertificateAuthority(toPem("CERTIFICATE", der), privateKey);
  }

  /** The root of this CA's chain is the CA itself. */
  get isRoot(): boolean {
    return this.#certificate.checkIssued(this.#certificate);
  }

  /** Issues a certificate for a PEM certification request (throws CertificateRequestError for a bad one). */
  sign(requestPem: string, options: IssueOptions = {}): IssuedCertificate {
    const request = readCertificateRequest(requestPem);
    const certificate = toPem("CERTIFICATE", issue(request.subject, request.spki, this.#subject, this.#keyId, this.#key, options));
    const chain = this.isRoot ? certificate : `${certificate}${pemCertificates(this.certificatePem).join("\n")}\n`;
    return { certificate, chain };
  }
}

/**
 * Why `chainPem` is not a valid chain from a certificate for `publicKey` up to `rootPem`, or undefined:
 * each certificate issued and signed by the next, the last by the root, all valid now.
 */
export function chainProblem(chainPem: string, rootPem: string, publicKey?: KeyObject): string | undefined {
  const pems = pemCertificates(chainPem);
  if (!pems.length) return "no PEM certificate";
  let certificates: X509Certificate[];
  let root: X509Certificate;
  try {
    certificates = pems.map((pem) => new X509Certificate(pem));
  } catch (error) {
    return `an unreadable certificate (${(error as Error).message})`;
  }
  try {
    root = new X509Certificate(rootPem);
  } catch (error) {
    return `an unreadable configured root certificate (${(error as Error).message})`;
  }
  const [leaf] = certificates;
  if (publicKey && !leaf.publicKey.export({ type: "spki", format: "der" }).equals(publicKey.export({ type: "spki", format: "der" })))
    return "a certificate for another key than the request's";
  const now = Date.now();
  const issuers = [...certificates.slice(1).filter((c) => c.fingerprint256 !== root.fingerprint256), root];
  let current = leaf;
  for (const issuer of issuers) {
    if (now < Date.parse(current.validFrom) || now > Date.parse(current.validTo))
      return `a certificate not valid now (${current.validFrom} to ${current.validTo})`;
    if (!current.checkIssued(issuer) || !current.verify(issuer.publicKey))
      return `a certificate of ${current.issuer.replace(/\n/g, ", ")}, not signed by ${issuer.subject.replace(/\n/g, ", ")}`;
    current = issuer;
  }
  return undefined;
}
