/**
 * The development CSMS's side of a station's certificate renewal (2.0.1 A02/A03, 1.6 security whitepaper
 * A02/A03): a SignCertificate whose CSR reads and verifies is answered Accepted and, once that answer is
 * on the wire, followed by a CertificateSigned with the certificate its CA issued (A02.FR.06: the CSMS
 * forwards the CSR to its CA and sends the signed certificate); an unreadable CSR is answered Rejected.
 */
import type { Handler, Logger } from "../index.js";
import { type CertificateAuthority, CertificateRequestError } from "../pki/index.js";
import type { VersionKit } from "./version-kits.js";

type Body = Record<string, unknown>;

interface Session {
  readonly id: string;
  call(payload: never): Promise<unknown>;
}

export interface CertificateSigning {
  /** The SignCertificate answer. */
  readonly answer: (request: Body) => Body;
  /** Sends the CertificateSigned of the last Accepted request (the @after of SignCertificate). */
  readonly after: Handler;
}

/** SignCertificate handling for one connected station of `kit`'s version. */
export function certificateSigning(ca: CertificateAuthority, kit: VersionKit, session: Session, logger: Logger): CertificateSigning {
  const issued: Body[] = [];
  return {
    answer(request) {
      try {
        const { chain } = ca.sign(String(request.csr ?? ""));
        // 1.6 has no certificateType (whitepaper: CertificateSigned.req carries the chain only).
        const type = request.certificateType ?? "ChargingStationCertificate";
        issued.push(kit.version === "1.6" ? { certificateChain: chain } : { certificateChain: chain, certificateType: type });
        return { status: "Accepted" };
      } catch (error) {
        if (!(error instanceof CertificateRequestError)) throw error;
        logger.warn?.(`${session.id}: SignCertificate rejected: ${error.message}`);
        return { status: "Rejected" };
      }
    },
    after: () => {
      const payload = issued.shift();
      if (!payload) return;
      const CertificateSigned = kit.calls.CertificateSigned;
      session.call(new CertificateSigned(payload as never) as never).catch((error: unknown) => {
        logger.warn?.(`${session.id}: CertificateSigned failed: ${(error as Error).message}`);
      });
    },
  };
}
