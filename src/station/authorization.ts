/**
 * Local authorization (1.6 sections 3.5 and 5.15/5.10; 2.0.1 C10-C15, D01-D02): the Local
 * Authorization List the CSMS sends (full or differential, with a version number) and the
 * Authorization Cache the station fills from the CSMS's answers. `decide` applies the settings
 * (named the same way in both versions here; the hosts map 1.6 keys and 2.x variables onto them):
 * offline, a token the list or cache accepts may charge (LocalAuthorizeOffline) and an unknown one only
 * when OfflineTxForUnknownId allows; online, LocalPreAuthorize lets a locally accepted token start
 * without asking the CSMS.
 */

export interface IdTokenInfo {
  readonly status: string;
  /** When the token stops being valid (cacheExpiryDateTime in 2.x, expiryDate in 1.6). */
  readonly expiry?: string;
  /** The group (2.x groupIdToken, 1.6 parentIdTag). */
  readonly group?: string;
}

export interface AuthorizationSettings {
  readonly localListEnabled: boolean;
  readonly cacheEnabled: boolean;
  readonly localAuthorizeOffline: boolean;
  readonly localPreAuthorize: boolean;
  readonly offlineTxForUnknownId: boolean;
  /** Cache entries older than this many seconds are not used (2.x AuthCacheCtrlr.LifeTime); 0: no limit. */
  readonly cacheLifetimeS: number;
  readonly maxListEntries: number;
  /**
   * 2.x AuthCacheCtrlr.DisablePostAuthorize: a cached token that is not Accepted is refused without asking
   * the CSMS (C12.FR.05 asks otherwise).
   */
  readonly disablePostAuthorize?: boolean;
}

export const SendLocalListStatus = { Accepted: "Accepted", Failed: "Failed", VersionMismatch: "VersionMismatch" } as const;
export type SendLocalListStatus = (typeof SendLocalListStatus)[keyof typeof SendLocalListStatus];

export interface StoredAuthorization {
  readonly version: number;
  readonly list: readonly (readonly [string, IdTokenInfo])[];
  readonly cache: readonly (readonly [string, IdTokenInfo & { readonly storedAt: number }])[];
}

/** What `decide` needs to know of the moment. */
export interface AuthorizationAsk {
  readonly online: boolean;
  /** Asks the CSMS (Authorize) and returns its answer; called only when needed. */
  readonly askCsms: () => Promise<IdTokenInfo | undefined>;
}

const valid = (info: IdTokenInfo) => info.expiry === undefined || Date.parse(info.expiry) > Date.now();

export class Authorization {
  #version = 0;
  readonly #list = new Map<string, IdTokenInfo>();
  readonly #cache = new Map<string, IdTokenInfo & { storedAt: number }>();
  /** Called when the list or the cache changed. */
  changed: () => void = () => {};

  get version(): number {
    return this.#version;
  }

  get listSize(): number {
    return this.#list.size;
  }

  /**
   * SendLocalList. Full replaces the list; Differential adds or updates the entries that carry info and
   * removes those that do not, and needs a version above the current one (1.6 section 7.47:
   * VersionMismatch). Failed when the list would exceed `maxEntries`.
   */
  update(
    updateType: "Full" | "Differential",
    version: number,
    entries: readonly { readonly idToken: string; readonly info?: IdTokenInfo }[],
    maxEntries: number,
  ): SendLocalListStatus {
    if (updateType === "Differential" && version <= this.#version) return SendLocalListStatus.VersionMismatch;
    const next = updateType === "Full" ? new Map<string, IdTokenInfo>() : new Map(this.#list);
    for (const entry of entries) {
      if (entry.info) next.set(entry.idToken, entry.info);
      else next.delete(entry.idToken);
    }
    if (next.size > maxEntries) return SendLocalListStatus.Failed;
    this.#list.clear();
    for (const [idToken, info] of next) this.#list.set(idToken, info);
    this.#version = version;
    this.changed();
    return SendLocalListStatus.Accepted;
  }

  /** What the CSMS said about a token (Authorize, a transaction's answer): kept in the cache when it is enabled. */
  remember(idToken: string, info: IdTokenInfo | undefined, settings: AuthorizationSettings): void {
    if (!info || !settings.cacheEnabled) return;
    this.#cache.set(idToken, { ...info, storedAt: Date.now() });
    this.changed();
  }

  clearCache(): void {
    this.#cache.clear();
    this.changed();
  }

  /**
   * The list's entry, else the cache's (when each is enabled and still valid). A cache entry not used
   * for AuthCacheCtrlr.LifeTime is gone (2.0.1 C10.FR.08: the lifetime runs from the last use).
   */
  lookUp(idToken: string, settings: AuthorizationSettings): IdTokenInfo | undefined {
    const listed = settings.localListEnabled ? this.#list.get(idToken) : undefined;
    if (listed && valid(listed)) return listed;
    const cached = settings.cacheEnabled ? this.#cache.get(idToken) : undefined;
    if (!cached || !valid(cached)) return undefined;
    if (settings.cacheLifetimeS > 0 && Date.now() - cached.storedAt > settings.cacheLifetimeS * 1000) {
      this.#cache.delete(idToken);
      this.changed();
      return undefined;
    }
    cached.storedAt = Date.now();
    return cached;
  }

  /** Whether `idToken` may charge now, asking the CSMS only when the settings say so. */
  async decide(idToken: string, settings: AuthorizationSettings, ask: AuthorizationAsk): Promise<boolean> {
    return (await this.check(idToken, settings, ask)).status === "Accepted";
  }

  /**
   * What the station holds true of `idToken` now (status and group): offline the list or cache
   * (LocalAuthorizeOffline), else Accepted only when OfflineTxForUnknownId allows; online a locally
   * Accepted token with LocalPreAuthorize (C10.FR.03, C12.FR.02, C13), a cached one that is not Accepted
   * with DisablePostAuthorize (C12.FR.05 otherwise asks), else the CSMS's answer, kept in the cache.
   */
  async check(idToken: string, settings: AuthorizationSettings, ask: AuthorizationAsk): Promise<IdTokenInfo> {
    const local = this.lookUp(idToken, settings);
    if (!ask.online) {
      if (local && settings.localAuthorizeOffline) return local;
      return { status: settings.offlineTxForUnknownId ? "Accepted" : "Unknown" };
    }
    if (local && settings.localPreAuthorize) {
      if (local.status === "Accepted") return local;
      const cachedOnly = !(settings.localListEnabled && this.#list.has(idToken));
      if (cachedOnly && settings.disablePostAuthorize) return local;
    }
    const answer = await ask.askCsms();
    this.remember(idToken, answer, settings);
    return answer ?? { status: "Unknown" };
  }

  /** One line per record about `idToken`, for CustomerInformation. */
  describe(idToken: string): string[] {
    const lines: string[] = [];
    const listed = this.#list.get(idToken);
    if (listed) lines.push(`local list: ${listed.status}${listed.expiry ? ` until ${listed.expiry}` : ""}`);
    const cached = this.#cache.get(idToken);
    if (cached) lines.push(`authorization cache: ${cached.status} since ${new Date(cached.storedAt).toISOString()}`);
    return lines;
  }

  /** Removes `idToken` from the cache (CustomerInformation clear: the list belongs to the CSMS). */
  forget(idToken: string): void {
    if (this.#cache.delete(idToken)) this.changed();
  }

  store(): StoredAuthorization {
    return { version: this.#version, list: [...this.#list], cache: [...this.#cache] };
  }

  restore(stored: Partial<StoredAuthorization>): void {
    this.#version = stored.version ?? 0;
    for (const [idToken, info] of stored.list ?? []) this.#list.set(idToken, info);
    for (const [idToken, info] of stored.cache ?? []) this.#cache.set(idToken, { ...info });
  }
}
