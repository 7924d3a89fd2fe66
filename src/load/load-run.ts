/**
 * A load run: many simulated chargers against one central system (or the nodes of a cluster). Each
 * connects (ramped at a rate per second), boots, and then cycles through a charging session
 * (Authorize, start, MeterValues, Heartbeat, stop) one step per interval until the run's duration is
 * over. Progress once a second and a final report; nothing here prints.
 */
import { type ConnectOptions, connect, NotConnectedError, type ReconnectingConnection } from "../index.js";
import { chargerUrl } from "../station/charger-url.js";
import { createCharger } from "../station/chargers.js";
import { subprotocolOf, type VersionName } from "../station/station-version.js";
import { Reason } from "../v16/index.js";
import { type ReconnectReport, ReconnectStats } from "./reconnect-stats.js";
import { Samples } from "./samples.js";

export interface LoadRunOptions {
  /** Where the chargers connect: charger n to `urls[n % urls.length]` (the nodes of a cluster). */
  readonly urls: readonly URL[];
  readonly count: number;
  /** New connections per second. */
  readonly ratePerS: number;
  /** Length of the run, ramp included. */
  readonly durationS: number;
  /** Seconds between a charger's steps. */
  readonly intervalS: number;
  /** Charger ids are the prefix and a zero-padded number (at least 5 digits). */
  readonly idPrefix: string;
  readonly version: VersionName;
  /** TLS and credentials; "{id}" in `auth.username` becomes each charger's id. */
  readonly connection: Omit<ConnectOptions, "protocols">;
  /** Chargers reconnect when their link is lost, as real ones do; calls lost with a link are not errors. */
  readonly reconnect?: boolean;
  /** One line for a failed connection, for the report's error kinds. Default: the error's first line. */
  readonly describeConnectError?: (url: string, error: unknown) => string;
  /** Once a second. */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  readonly event: "progress";
  readonly elapsedS: number;
  readonly connected: number;
  readonly callsPerSecond: number;
  readonly calls: number;
  readonly errors: number;
  /** Over the last second. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

export interface LoadReport {
  readonly event: "report";
  readonly chargers: number;
  /** Chargers that connected at least once. */
  readonly connected: number;
  /** Chargers the ramp did not reach within the duration. */
  readonly notStarted: number;
  readonly connectFailures: number;
  /** Links lost during the run (not at its end). */
  readonly disconnects: number;
  readonly calls: number;
  readonly errors: number;
  readonly callsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly durationS: number;
  /** The ten most frequent failures, with their counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly reconnect?: ReconnectReport & { readonly lostInFlight: number };
}

/** The first charger on a URL could not connect: a wrong URL or refused credentials, reported once. */
export class LoadProbeError extends Error {
  readonly code = "ERR_LOAD_PROBE";
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super(`the first charger could not connect to ${url}: ${firstLine(cause)}; check the URL and the credentials`, { cause });
    this.name = "LoadProbeError";
    this.url = url;
  }
}

/** A run passed: every charger connected and stayed (or came back), no call failed, the ramp finished. */
export function loadSucceeded(report: LoadReport): boolean {
  const linksOk = report.reconnect ? report.reconnect.down === 0 : report.disconnects === 0;
  return report.errors === 0 && report.connectFailures === 0 && linksOk && report.notStarted === 0;
}

const steps = ["start", "meter", "meter", "heartbeat", "meter", "stop"] as const;

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLoad(options: LoadRunOptions): Promise<LoadReport> {
  const { count, intervalS, version } = options;
  const reconnect = options.reconnect === true;
  const baseOf = (index: number) => options.urls[index % options.urls.length];
  const describe = options.describeConnectError ?? ((_url: string, error: unknown) => firstLine(error));
  const connection: ConnectOptions = { ...options.connection, protocols: [subprotocolOf(version)] };
  const authOf = (id: string) => connection.auth && { ...connection.auth, username: connection.auth.username.replaceAll("{id}", id) };
  const digits = Math.max(5, String(count).length);
  const ids = Array.from({ length: count }, (_, i) => `${options.idPrefix}${String(i + 1).padStart(digits, "0")}`);
  const reconnects = new ReconnectStats();

  const startedAt = performance.now();
  const deadline = startedAt + options.durationS * 1000;
  const all = new Samples();
  const window = new Samples();
  let calls = 0;
  let windowCalls = 0;
  let errors = 0;
  let lostInFlight = 0;
  let connected = 0;
  let everConnected = 0;
  let connectFailures = 0;
  let disconnects = 0;
  let stopping = false;
  const errorKinds = new Map<string, number>();
  const countKind = (kind: string) => errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  const onCall = (action: string, latencyMs: number, error?: unknown) => {
    calls++;
    windowCalls++;
    if (error === undefined) {
      all.push(latencyMs);
      window.push(latencyMs);
      return;
    }
    if (reconnect && error instanceof NotConnectedError) {
      lostInFlight++;
      return;
    }
    errors++;
    countKind(`${action}: ${firstLine(error)}`.slice(0, 160));
  };

  async function runCharger(id: string, base: URL): Promise<void> {
    const url = chargerUrl(base, id);
    let socket: Awaited<ReturnType<typeof connect>> | ReconnectingConnection;
    try {
      if (reconnect) {
        const link = await reconnects.open(url, { ...connection, auth: authOf(id) }, deadline);
        if (!link) throw new Error("no connection within the run's duration");
        link.on("state", (change) => {
          if (change.state === "open") connected++;
          else if (change.state === "disconnected" && !change.error) connected--;
        });
        socket = link;
      } else socket = await connect(url, { ...connection, auth: authOf(id) });
    } catch (error) {
      connectFailures++;
      countKind(`connect: ${describe(url, error)}`);
      return;
    }
    connected++;
    everConnected++;
    const charger = createCharger(version, { id, connectors: 1, meterIntervalS: 0, logger: {}, onCall, responseTimeoutMs: 10_000 });
    const peer = charger.attach(socket);
    const running = peer.start().then(
      () => undefined,
      () => undefined,
    );
    let open = true;
    running.then(() => {
      open = false;
      if (!reconnect || socket.isOpen) connected--;
      if (!stopping) disconnects++;
    });
    try {
      // With reconnect, a boot cut short by a lost link starts again on the next one.
      for (;;) {
        try {
          await charger.boot();
          break;
        } catch (error) {
          if (!reconnect || !open || stopping) throw error;
          await sleep(intervalS * 1000);
        }
      }
      let transactionId: number | string | undefined;
      // Spread the chargers' steps over the interval so they do not all call in the same millisecond.
      await sleep(Math.random() * intervalS * 1000);
      for (let step = 0; open && !stopping; step = (step + 1) % steps.length) {
        const kind = steps[step];
        try {
          // Offline (reconnect), a charger skips its steps until the link is back.
          if (!charger.online) step--;
          else if (kind === "start") transactionId = await charger.startSession(1, `TAG-${id}`, true);
          else if (kind === "stop" && transactionId !== undefined) await charger.stopSession(1, Reason.Local);
          else if (kind === "heartbeat") await charger.trigger("Heartbeat", undefined);
          else await charger.sendMeterValues(1);
        } catch (error) {
          if (!reconnect) throw error;
        }
        const left = deadline - performance.now();
        if (left <= 0) break;
        await sleep(Math.min(left, intervalS * 1000));
      }
    } catch {
      // Counted by onCall; a charger whose call failed carries on only if its link is still up.
    }
    charger.detach();
    if (open) peer.close(1000, "load run over");
    await running;
  }

  // One charger alone first, on each URL: a wrong URL or refused credentials is one clear error, not N.
  for (let i = 0; i < Math.min(options.urls.length, count); i++) {
    const url = chargerUrl(baseOf(i), ids[i]);
    const probe = await connect(url, { ...connection, auth: authOf(ids[i]) }).catch((error: unknown) => {
      throw new LoadProbeError(url, error);
    });
    probe.close(1000, "probe");
  }

  let lastTick = performance.now();
  const progress = setInterval(() => {
    const now = performance.now();
    const seconds = (now - lastTick) / 1000;
    lastTick = now;
    const [p50, p99] = window.percentiles(50, 99);
    const state: LoadProgress = {
      event: "progress",
      elapsedS: Math.round((now - startedAt) / 100) / 10,
      connected,
      callsPerSecond: Math.round(windowCalls / seconds),
      calls,
      errors: errors + connectFailures,
      latencyMs: { p50, p99 },
    };
    window.clear();
    windowCalls = 0;
    options.onProgress?.(state);
  }, 1000);

  const runs: Promise<void>[] = [];
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const wait = startedAt + (i / options.ratePerS) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    runs.push(runCharger(ids[i], baseOf(i)));
  }
  const notStarted = count - runs.length;
  const left = deadline - performance.now();
  if (left > 0) await sleep(left);
  // Taken before the chargers close their links.
  const reconnection = reconnect ? reconnects.report() : undefined;
  stopping = true;
  // Every charger finishes its step in flight, bounded by the response timeout.
  await Promise.all(runs);
  clearInterval(progress);

  const elapsedS = (performance.now() - startedAt) / 1000;
  const [p50, p90, p99, max] = all.percentiles(50, 90, 99, 100);
  return {
    event: "report",
    chargers: count,
    connected: everConnected,
    notStarted,
    connectFailures,
    disconnects,
    calls,
    errors,
    callsPerSecond: Math.round(calls / elapsedS),
    latencyMs: { p50, p90, p99, max },
    durationS: Math.round(elapsedS * 10) / 10,
    errorKinds: Object.fromEntries([...errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 10)),
    ...(reconnection ? { reconnect: { ...reconnection, lostInFlight } } : {}),
  };
}
