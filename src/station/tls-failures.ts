/**
 * The security events of a refused TLS handshake (2.0.1 A00; 1.6 security whitepaper A00.FR.309/310 and
 * A00.FR.413/414: a CSMS certificate that is not valid, InvalidCsmsCertificate, 2.0.1's name for
 * InvalidCentralSystemCertificate; A00.FR.315/419: a CSMS that only speaks a TLS version below 1.2,
 * InvalidTLSVersion). The station terminated that connection, so the event waits until a connection is
 * open and the station is registered (critical security events are queued, A04.FR.02), then goes out
 * (part 6 TC_A_05_CS step 14, TC_A_06_CS step 16).
 */
import type { LinkStateChange } from "../transport/reconnecting-connection.js";

export type TlsFailureType = "InvalidCsmsCertificate" | "InvalidTLSVersion";

/**
 * The security event a failed connection attempt stands for, from the error's message (node:tls and
 * OpenSSL wording), or undefined when the attempt failed for another reason. A server that refused the
 * station's own certificate ("alert certificate required", "alert bad certificate") is not the CSMS's
 * certificate being invalid.
 */
export function tlsFailureType(message: string): TlsFailureType | undefined {
  if (/unsupported protocol|wrong version number|alert protocol version|no protocols available/i.test(message)) return "InvalidTLSVersion";
  if (/\balert\b/i.test(message)) return undefined;
  if (
    /unable to (verify|get local issuer|get issuer)|self[- ]signed certificate|certificate has expired|certificate is not yet valid|altnames|certificate signature failure|certificate chain too long|unsuitable certificate purpose|invalid CA certificate/i.test(
      message,
    )
  )
    return "InvalidCsmsCertificate";
  return undefined;
}

/** SecurityEventNotificationRequest.techInfo: at most 255 characters. */
const techInfoMax = 255;

export class TlsFailures {
  #pending: { readonly type: TlsFailureType; readonly techInfo: string }[] = [];

  /** A failed attempt of the link: its security event is kept (once per type until sent). */
  onState(change: LinkStateChange): void {
    if (change.state !== "disconnected" || !change.error) return;
    const type = tlsFailureType(change.error.message);
    if (!type || this.#pending.some((event) => event.type === type)) return;
    this.#pending.push({ type, techInfo: change.error.message.slice(0, techInfoMax) });
  }

  #sending: Promise<void> | undefined;

  /** Sends the kept events, oldest first, one sender at a time; one that fails to go out stays for the next connection. */
  send(securityEvent: (type: string, techInfo: string) => Promise<unknown>): Promise<void> {
    this.#sending ??= this.#drain(securityEvent).finally(() => {
      this.#sending = undefined;
    });
    return this.#sending;
  }

  async #drain(securityEvent: (type: string, techInfo: string) => Promise<unknown>): Promise<void> {
    while (this.#pending.length > 0) {
      const event = this.#pending[0] as { readonly type: TlsFailureType; readonly techInfo: string };
      await securityEvent(event.type, event.techInfo);
      this.#pending.shift();
    }
  }
}
