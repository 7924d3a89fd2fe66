/** The X.509 pieces OCPP's certificate use cases need on both sides: a station's CSR, a CSMS's small CA. */
export {
  CertificateAuthority,
  CertificateAuthorityError,
  CertificateRequestError,
  chainProblem,
  type IssuedCertificate,
  type IssueOptions,
  pemCertificates,
  readCertificateRequest,
} from "./certificate-authority.js";
export { type CsrSubject, type KeyAndCsr, keyMatches, newKeyAndCsr } from "./csr.js";
