/**
 * OCPP 1.6 security whitepaper A05, "Upgrade Charge Point Security Profile": ChangeConfiguration of the
 * SecurityProfile key. A value not higher than the current one is Rejected (A05.FR.01); so is 1 or 2
 * without an AuthorizationKey (FR.02), 2 or 3 without a CentralSystemRootCertificate (FR.03) and 3
 * without a ChargePointCertificate (FR.04). Otherwise Accepted (FR.05): the charger disconnects
 * (FR.06) and connects with the new profile (FR.07), and if it cannot, falls back to the previous one
 * (FR.08) after `fallbackAfter` failed attempts. 1.6 has no URL key: the new profile uses the command
 * line's URL with the scheme it needs (ws:// for 0 and 1, wss:// for 2 and 3).
 */
import type { Endpoint, LinkStateChange } from "../transport/reconnecting-connection.js";
import type { Certificates } from "./certificates.js";
import { type SwitchableLink, securityProfileOf } from "./network-profiles.js";

export interface SecurityProfileContext {
  readonly id: string;
  /** The configuration key's value (SecurityProfile, AuthorizationKey). */
  setting(key: string): string | undefined;
  /** Sets the SecurityProfile key (kept in the state directory with the configuration). */
  setProfile(value: number): void;
  readonly certificates: Certificates;
  readonly note: (text: string) => void;
}

/** Failed attempts with a new profile before the charger goes back to the previous one. */
export const fallbackAfter = 3;

export class SecurityProfile16 {
  readonly #context: SecurityProfileContext;
  #link: SwitchableLink | undefined;
  #factory: Endpoint | undefined;
  /** The profile being tried, and the one to go back to when it fails. */
  #trying: { readonly profile: number; readonly previous: number } | undefined;
  #failures = 0;
  #newPassword = false;

  constructor(context: SecurityProfileContext) {
    this.#context = context;
  }

  /** The SecurityProfile key, or the command line's profile. */
  get current(): number {
    const value = this.#context.setting("SecurityProfile");
    if (value !== undefined && /^[0-3]$/.test(value)) return Number(value);
    return this.#factory ? securityProfileOf(this.#factory) : 0;
  }

  /** Another profile is being tried with a fallback: a refusal is one failed attempt (FR.08). */
  get fallsBack(): boolean {
    return this.#trying !== undefined;
  }

  #trust(): string[] {
    const roots = this.#context.certificates.list(["CentralSystemRootCertificate"]).map((c) => c.pem);
    const ca = this.#factory?.ca;
    if (ca !== undefined) roots.push(...(Array.isArray(ca) ? ca : [ca]).map(String));
    return roots;
  }

  #password(): string | undefined {
    return this.#context.setting("AuthorizationKey") || this.#factory?.auth?.password?.toString();
  }

  #clientCertificate(): { cert: string; key: string } | undefined {
    const own = this.#context.certificates.own();
    if (own) return own;
    const factory = this.#factory;
    return factory?.cert && factory.key ? { cert: String(factory.cert), key: String(factory.key) } : undefined;
  }

  /** The reason `value` is Rejected (A05.FR.01-04), or undefined when it is Accepted (FR.05). */
  problem(value: string): string | undefined {
    if (!/^[0-3]$/.test(value)) return "not a security profile";
    const profile = Number(value);
    if (profile <= this.current) return "A05.FR.01: not higher than the current profile";
    if ((profile === 1 || profile === 2) && !this.#password()) return "A05.FR.02: no AuthorizationKey";
    if (profile >= 2 && !this.#trust().length) return "A05.FR.03: no CentralSystemRootCertificate";
    if (profile === 3 && !this.#clientCertificate()) return "A05.FR.04: no ChargePointCertificate";
    return undefined;
  }

  endpointOf(profile: number): Endpoint {
    const factory = this.#factory as Endpoint;
    const url = new URL(factory.url);
    url.protocol = profile >= 2 ? "wss:" : "ws:";
    const password = this.#password();
    const client = profile === 3 ? this.#clientCertificate() : undefined;
    return {
      url: url.href,
      auth: (profile === 1 || profile === 2) && password ? { username: this.#context.id, password } : undefined,
      ca: profile >= 2 && this.#trust().length ? this.#trust() : undefined,
      cert: client?.cert,
      key: client?.key,
      tls: factory.tls,
    };
  }

  /** The link is `link` (its endpoint is the command line's); a profile kept from before applies now. */
  attach(link: SwitchableLink): () => void {
    this.#link = link;
    this.#factory = link.endpoint;
    if (this.current !== securityProfileOf(link.endpoint)) link.retarget(this.endpointOf(this.current));
    const listener = (change: LinkStateChange) => this.#onState(change);
    link.on("state", listener);
    return () => link.off("state", listener);
  }

  /** An Accepted ChangeConfiguration (A05.FR.05): the key holds the new profile; the link follows after the answer. */
  accept(profile: number): void {
    this.#trying = { profile, previous: this.current };
    this.#failures = 0;
    this.#context.setProfile(profile);
  }

  /** After the answer: disconnect and connect with the new profile (FR.06, FR.07). */
  switchLink(): void {
    const link = this.#link;
    const trying = this.#trying;
    if (!link || !trying) return;
    link.retarget(this.endpointOf(trying.profile));
    link.link?.close(1012, "switching security profile");
  }

  /** An Accepted AuthorizationKey: the reconnect follows the answer (reconnectWithNewPassword). */
  passwordChanged(): void {
    this.#newPassword = true;
  }

  /**
   * Security whitepaper A01 steps 3-4: after an Accepted ChangeConfiguration of AuthorizationKey the
   * charger disconnects (its queued messages stay queued) and connects with the new password, in
   * profiles 1 and 2, where the password is what authenticates it.
   */
  reconnectWithNewPassword(): void {
    if (!this.#newPassword) return;
    this.#newPassword = false;
    const link = this.#link;
    const profile = this.current;
    if (!link || (profile !== 1 && profile !== 2)) return;
    link.retarget(this.endpointOf(profile));
    link.link?.close(1012, "new AuthorizationKey");
  }

  #onState(change: LinkStateChange): void {
    const trying = this.#trying;
    const link = this.#link;
    if (!trying || !link) return;
    if (change.state === "open") {
      this.#trying = undefined;
      this.#context.note(`connected with security profile ${trying.profile}`);
      return;
    }
    if (change.state !== "disconnected" || !change.error) return;
    if (++this.#failures < fallbackAfter) return;
    this.#trying = undefined;
    this.#context.note(
      `security profile ${trying.profile} failed ${fallbackAfter} times (${change.reason}); back to security profile ${trying.previous}`,
    );
    this.#context.setProfile(trying.previous);
    link.retarget(this.endpointOf(trying.previous));
  }
}
