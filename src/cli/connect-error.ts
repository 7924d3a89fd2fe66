/** Turns a failed connection into the one line a person needs, with the exit code that goes with it. */
import { ConnectError } from "../index.js";
import { CliError, ExitCode } from "./cli-errors.js";

export function explainConnectError(command: string, url: string, subprotocol: string, error: unknown): CliError {
  const prefix = `ocppkit ${command}:`;
  if (!(error instanceof ConnectError))
    return new CliError(`${prefix} cannot connect to ${url}: ${(error as Error).message}`, ExitCode.Connect);
  const { statusCode, message } = error;
  if (statusCode === 401 || statusCode === 403) {
    return new CliError(`${prefix} ${url} refused the credentials (HTTP ${statusCode}); check --auth`, ExitCode.Auth);
  }
  if (statusCode !== undefined) return new CliError(`${prefix} ${url} refused the connection with HTTP ${statusCode}`, ExitCode.Connect);
  if (/subprotocol/i.test(message)) {
    return new CliError(`${prefix} ${url} does not accept the subprotocol ${subprotocol}; try another --version`, ExitCode.Connect);
  }
  if (/ECONNREFUSED/.test(message)) return new CliError(`${prefix} nothing is listening at ${url} (connection refused)`, ExitCode.Connect);
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return new CliError(`${prefix} cannot resolve the host of ${url}`, ExitCode.Connect);
  if (/ETIMEDOUT|timed out/i.test(message)) return new CliError(`${prefix} ${url} did not answer in time`, ExitCode.Connect);
  if (/CERTIFICATE_REQUIRED|alert certificate required/i.test(message)) {
    return new CliError(`${prefix} ${url} requires a client certificate; pass --cert and --key`, ExitCode.Connect);
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/i.test(message)) {
    return new CliError(`${prefix} the certificate of ${url} is not trusted; pass its CA with --ca`, ExitCode.Connect);
  }
  if (/ERR_TLS_CERT_ALTNAME|altname/i.test(message)) {
    return new CliError(`${prefix} the certificate of ${url} is not for this host name`, ExitCode.Connect);
  }
  if (/certificate|SSL|TLS|EPROTO/i.test(message)) {
    // OpenSSL appends its internal trace after the first line-worth of text; a person needs the first part.
    const detail = message.replace(/^Cannot connect to \S+: /, "").split(/ [0-9A-F]{8,}:error:/)[0];
    return new CliError(`${prefix} TLS failed with ${url}: ${detail}`, ExitCode.Connect);
  }
  return new CliError(`${prefix} ${message}`, ExitCode.Connect);
}
