/**
 * The certificate messages of each version on the station's Certificates: SignCertificate after a
 * trigger, CertificateSigned, InstallCertificate, GetInstalledCertificateIds, DeleteCertificate
 * (2.0.1 A02, A03, M03-M05; 1.6 security whitepaper sections on the same use cases).
 */
import type { CertificateHashData, Certificates } from "./certificates.js";
import type { RootCertificateCheck } from "./root-certificate-check.js";
import type { Routable, StationHost } from "./station-2.js";

export interface CertificateContext {
  readonly host: StationHost;
  readonly certificates: Certificates;
  readonly subject: () => { commonName: string; organizationName?: string };
  readonly maxEntries: () => number;
  readonly securityEvent: (type: string, techInfo?: string) => Promise<unknown>;
  /**
   * SecurityCtrlr.CertSigningWaitMinimum (s) and CertSigningRepeatTimes (2.0.1 A02.FR.17/18): the resends
   * of an Accepted SignCertificate that got no CertificateSigned. Absent (1.6): no resends.
   */
  readonly resend?: () => { readonly waitMinimumS: number; readonly repeatTimes: number };
  /** SecurityCtrlr.AdditionalRootCertificateCheck (2.0.1 M05.FR.09-12): how a CSMSRootCertificate is installed while it is true. */
  readonly rootCheck?: RootCertificateCheck;
}

type HashRequest = { issuerNameHash: string; issuerKeyHash: string; serialNumber: string; hashAlgorithm: string };
const hashOut = (hash: CertificateHashData) => ({ ...hash });

/** The resend waiting for a CertificateSigned, per station. */
const resends = new WeakMap<Certificates, NodeJS.Timeout>();

function stopResending(certificates: Certificates): void {
  clearTimeout(resends.get(certificates));
  resends.delete(certificates);
}

/**
 * Sends a SignCertificate with a CSR for a new key (what TriggerMessage SignChargingStationCertificate
 * asks). While no CertificateSigned comes, an Accepted request is sent again, the same CSR (TC_A_23_CS
 * step 11 signs the CSR of step 3), after CertSigningWaitMinimum, then after twice that, and so on: the
 * wait doubles CertSigningRepeatTimes times, and once it has, the last resend is the last (A02.FR.17/18;
 * TC_A_23_CS: RepeatTimes 1 gives resends after W and 2W). A Rejected request is not sent again.
 */
export function signCertificate(context: CertificateContext, extra: Record<string, unknown> = {}): Promise<unknown> {
  stopResending(context.certificates);
  const csr = context.certificates.newCsr(context.subject());
  return sendSigning(context, { csr, ...extra }, 0);
}

async function sendSigning(context: CertificateContext, body: Record<string, unknown>, resent: number): Promise<unknown> {
  const answer = (await context.host.send("SignCertificate", body)) as { status?: string };
  const settings = context.resend?.();
  if (answer.status !== "Accepted" || !settings || !(settings.waitMinimumS > 0) || resent > settings.repeatTimes) return answer;
  const waitMs = Math.min(2_147_483_647, settings.waitMinimumS * 1000 * 2 ** resent);
  const timer = setTimeout(() => {
    resends.delete(context.certificates);
    context.host.background("SignCertificate", () => sendSigning(context, body, resent + 1));
  }, waitMs);
  timer.unref();
  resends.set(context.certificates, timer);
  return answer;
}

function routeCertificateSigned(peer: Routable, context: CertificateContext): void {
  const answers = new Map<string, boolean>();
  peer.route(
    "CertificateSigned",
    (request: { certificateChain: string }, uniqueId: string) => {
      stopResending(context.certificates);
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
  peer.route("InstallCertificate", (request: { certificateType: string; certificate: string }) => {
    const { rootCheck } = context;
    if (request.certificateType === "CSMSRootCertificate" && rootCheck?.enabled)
      return { status: rootCheck.install(request.certificate, context.maxEntries()) };
    return { status: certificates.install(request.certificateType, request.certificate, context.maxEntries()) };
  });
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
