/**
 * ocppkit's side of a TC_*_CSMS run: it plays the charging station, connecting to `<url>/<station id>`
 * of the CSMS under test from a clean connection for every case, booted first unless the case boots or
 * connects by itself. What the station remembers from case to case (a new password, an upgraded
 * security profile) is kept for the whole run.
 */
import { readFileSync } from "node:fs";
import { type ConnectOptions, connect } from "../index.js";
import { ChargePoint } from "../v201/index.js";
import { type CaseResult, type CsmsCase, Direction, type FrameLog } from "./case.js";
import type { ConformanceConfig } from "./config.js";
import { type Credentials, CsmsTest, type StationMemory, type UpgradedConnection } from "./csms-test.js";
import { type RunOptions, recordFrames, runCases, runOn, type Side } from "./runner.js";
import { booted } from "./states.js";
import { noTrigger } from "./triggers.js";

export interface CsmsRunOptions extends RunOptions<CsmsCase> {
  /** The CSMS's WebSocket URL; the station id is appended as the last path segment. */
  readonly url: string;
  /** Every frame of every case, as it passes, with the station identity it went over. */
  readonly onFrame?: (caseId: string, frame: FrameLog, stationId: string) => void;
}

/** The connection the station makes now: the configured one, or the one the CSMS upgraded it to (TC_A_19). */
function connectionOf(credentials: Credentials, memory: StationMemory): UpgradedConnection | undefined {
  return credentials.connection === "configured" ? undefined : (credentials.connection ?? memory.upgraded);
}

/** The connection of the station's security profile, or with the credentials a case gives instead. */
export function connectOptions(
  config: ConformanceConfig,
  stationId: string,
  credentials: Credentials = {},
  memory: StationMemory = {},
): ConnectOptions {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const upgraded = connectionOf(credentials, memory);
  const profile = upgraded?.securityProfile ?? config.securityProfile;
  const password = memory.basicAuthPassword ?? config.basicAuthPassword ?? "";
  const profileAuth = profile === 1 || profile === 2 ? { username: stationId, password } : undefined;
  const configured = config.tls?.cert && config.tls.key ? { cert: config.tls.cert, key: config.tls.key } : undefined;
  const client =
    profile === 3 ? (credentials.clientCertificate ?? upgraded?.clientCertificate ?? configured) : credentials.clientCertificate;
  return {
    protocols: ["ocpp2.0.1"],
    auth: credentials.basic ?? profileAuth,
    ca: read(config.tls?.ca),
    cert: client && ("certPem" in client ? client.certPem : read(client.cert)),
    key: client && ("keyPem" in client ? client.keyPem : read(client.key)),
    handshakeTimeoutMs: config.responseTimeoutS * 1000,
  };
}

/** The station's URL: `<base>/<station id>`, the base being the upgraded connection's when there is one. */
export function stationUrl(base: string, stationId: string, credentials: Credentials = {}, memory: StationMemory = {}): string {
  return `${(connectionOf(credentials, memory)?.url ?? base).replace(/\/+$/, "")}/${encodeURIComponent(stationId)}`;
}

/** The charging station ocppkit plays: one connection per case. */
class PlayingStation implements Side<CsmsCase> {
  readonly direction = Direction.Csms;
  readonly frames: FrameLog[] = [];
  readonly #options: CsmsRunOptions;
  readonly #memory: StationMemory;

  constructor(options: CsmsRunOptions, memory: StationMemory) {
    this.#options = options;
    this.#memory = memory;
  }

  async run(kase: CsmsCase): Promise<void> {
    const { config } = this.#options;
    const memory = this.#memory;
    const stationId = kase.station === "pending" ? config.pendingStationId : config.stationId;
    const url = stationUrl(this.#options.url, stationId, {}, memory);
    const open = async (credentials?: Credentials) => {
      const connection = await connect(
        stationUrl(this.#options.url, stationId, credentials, memory),
        connectOptions(config, stationId, credentials, memory),
      );
      return new ChargePoint(stationId, connection, {
        responseTimeoutMs: config.responseTimeoutS * 1000,
        logger: recordFrames(this.frames, (frame) => this.#options.onFrame?.(kase.id, frame, stationId)),
      });
    };
    const t = new CsmsTest({
      caseId: kase.id,
      stationId,
      config,
      open,
      frames: this.frames,
      trigger: this.#options.trigger ?? noTrigger,
      url,
      memory,
    });
    try {
      if (!kase.connectsItself) {
        try {
          await t.connect();
        } catch (error) {
          throw new Error(`cannot connect to ${url}: ${(error as Error).message}`);
        }
      }
      if (!kase.bootsItself && !kase.connectsItself) await booted(t);
      await kase.run(t);
      await t.finish();
    } finally {
      await t.disconnect("end");
    }
  }
}

/** Runs one TC_*_CSMS case from a clean connection; `memory` carries what the station learnt in earlier cases. */
export function runCase(kase: CsmsCase, options: CsmsRunOptions, memory: StationMemory = {}): Promise<CaseResult> {
  return runOn(new PlayingStation(options, memory), kase, options.config);
}

/** Runs the TC_*_CSMS cases one at a time and resolves with their results, in order. */
export function runCsms(options: CsmsRunOptions): Promise<CaseResult[]> {
  return runCases(new PlayingStation(options, {}), options);
}
