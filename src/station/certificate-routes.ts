/**
 * The certificate messages of each version on the station's Certificates: SignCertificate after a
 * trigger, CertificateSigned, InstallCertificate, GetInstalledCertificateIds, DeleteCertificate
 * (2.0.1 A02, A03, M03-M05; 1.6 security whitepaper sections on the same use cases).
 */
import type { CertificateHashData, Certificates } from "./certificates.js";
import type { Routable, StationHost } from "./station-2.js";

export interface CertificateContext {
  readonly host: StationHost;
  readonly certificates: Certificates;
  readonly subject: () => { commonName: string; organizationName?: string };
  readonly maxEntries: () => number;
  readonly securityEvent: (type: string, techInfo?: string) => Promise<unknown>;
}

type HashRequest = { issuerNameHash: string; issuerKeyHash: string; serialNumber: string; hashAlgorithm: string };
const hashOut = (hash: CertificateHashData) => ({ ...hash });

/** Sends a SignCertificate with a CSR for a new key (what TriggerMessage SignChargingStationCertificate asks). */
export function signCertificate(context: CertificateContext, extra: Record<string, unknown> = {}): Promise<unknown> {
  const csr = context.certificates.newCsr(context.subject());
  return context.host.send("SignCertificate", { csr, ...extra });
}

function routeCertificateSigned(peer: Routable, context: CertificateContext): void {
  const answers = new Map<string, boolean>();
  peer.route(
    "CertificateSigned",
    (request: { certificateChain: string }, uniqueId: string) => {
      const accepted = context.certificates.accept(request.certificateChain);
      answers.set(uniqueId, accepted);
      return { status: accepted ? "Accepted" : "Rejected" };
    },
    { callUniqueIdRequired: true },
  );
  peer.routeAfter(
    "CertificateSigned",
    (_request: unknown, uniqueId: string) => {
      const accepted = answers.get(uniqueId);
      answers.delete(uniqueId);
      // A certificate the station cannot use is reported as a security event (2.0.1 A02, 1.6 security A02).
      if (accepted === false)
        context.host.background("SecurityEventNotification", () => context.securityEvent("InvalidChargingStationCertificate"));
    },
    { callUniqueIdRequired: true },
  );
}

export function routeCertificates2(peer: Routable, context: CertificateContext): void {
  const { certificates } = context;
  routeCertificateSigned(peer, context);
  peer.route("InstallCertificate", (request: { certificateType: string; certificate: string }) => ({
    status: certificates.install(request.certificateType, request.certificate, context.maxEntries()),
  }));
  peer.route("GetInstalledCertificateIds", (request: { certificateType?: string[] }) => {
    const found = certificates.list(request.certificateType);
    if (!found.length) return { status: "NotFound" };
    return {
      status: "Accepted",
      certificateHashDataChain: found.map((c) => ({ certificateType: c.use, certificateHashData: hashOut(c.hash) })),
    };
  });
  peer.route("DeleteCertificate", (request: { certificateHashData: HashRequest }) => ({
    status: certificates.delete(request.certificateHashData),
  }));
}

export function routeCertificates16(peer: Routable, context: CertificateContext): void {
  const { certificates } = context;
  routeCertificateSigned(peer, context);
  peer.route("InstallCertificate", (request: { certificateType: string; certificate: string }) => ({
    status: certificates.install(request.certificateType, request.certificate, context.maxEntries()),
  }));
  peer.route("GetInstalledCertificateIds", (request: { certificateType: string }) => {
    const found = certificates.list([request.certificateType]);
    return found.length ? { status: "Accepted", certificateHashData: found.map((c) => hashOut(c.hash)) } : { status: "NotFound" };
  });
  peer.route("DeleteCertificate", (request: { certificateHashData: HashRequest }) => ({
    status: certificates.delete(request.certificateHashData),
  }));
}
