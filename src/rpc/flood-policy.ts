import type { ChargePoint } from "./charge-point.js";

/** Why a connection was throttled. */
export const FloodReason = {
  /** It sent CALLs without waiting for the answers to its earlier ones, more than `maxPipelinedCalls`. */
  Pipelining: "pipelining",
  /** It sent CALLs and SENDs faster than `rateLimit` allows. */
  RateLimit: "rateLimit",
} as const;
export type FloodReason = (typeof FloodReason)[keyof typeof FloodReason];

/** One throttle of a connection, or its closing with 1008, as the policy's `report` gets it. */
export interface FloodReport {
  readonly chargePointId: string;
  readonly reason: FloodReason;
  /** Throttles for this reason in a row so far, this one included. */
  readonly throttles: number;
  /** True when the connection was closed with 1008 (policy violation) because of it. */
  readonly closed: boolean;
}

export interface RateLimitOptions {
  /** Incoming CALLs and SENDs per second the connection may send, sustained. */
  readonly messagesPerSecond: number;
  /** How many may come at once after a quiet spell. Default: one second's worth (`messagesPerSecond`), at least 1. */
  readonly burst?: number;
}

/**
 * How much of a process one connection's incoming CALLs may take. OCPP-J 1.6 section 4.1.1 says a peer
 * SHOULD NOT, and 2.0.1 part 4 section 4.1.1 that it SHALL NOT, send a CALL before the CALLs it sent
 * earlier were answered or timed out; the policy makes a peer that does it anyway wait its turn instead
 * of taking the process from every other connection.
 */
export interface FloodPolicyOptions {
  /**
   * How many incoming CALLs of one connection may be in progress at once: received (one read from the
   * socket counts as simultaneous) and not yet answered. Further ones wait, the socket is paused (TCP
   * flow control slows the sender down, and what was read already is handed on a few dozen messages per
   * event-loop turn) and they run this many per millisecond at most, round robin with the other
   * throttled connections. A peer sending one CALL at a time, as the spec asks, never waits.
   * Default 4 (1 is the spec's own rule); Infinity turns the bound off.
   */
  readonly maxPipelinedCalls?: number;
  /**
   * Close the connection with 1008 (policy violation) after this many throttles for one reason in a row.
   * Pipelining throttles stop being "in a row" once the peer sends two CALLs one at a time; rate-limit
   * throttles once a message finds the full burst available. Default 10; Infinity throttles without closing.
   */
  readonly closeAfterThrottles?: number;
  /**
   * Optional cap on incoming CALLs and SENDs per second (token bucket); messages over it wait, with the
   * socket paused. Off by default: a peer that waits for each answer is held to its fair share by its
   * own round trip, and legitimate rates differ by orders of magnitude (a charger sends a few messages a
   * minute, a test rig or `ocppkit load` thousands a second), so no single number is safe to impose.
   * SENDs (2.1) are never answered, so only this limit, not `maxPipelinedCalls`, holds back a SEND flood.
   */
  readonly rateLimit?: RateLimitOptions;
  /** Called for each throttle and for the close; the server turns it into its `throttle` and `flood` events. */
  readonly report?: (report: FloodReport, chargePoint: ChargePoint<object>) => void;
}

/** FloodPolicyOptions checked and with defaults filled in; one instance serves many connections. */
export class FloodPolicy {
  readonly maxPipelinedCalls: number;
  readonly closeAfterThrottles: number;
  readonly rateLimit: { readonly messagesPerSecond: number; readonly burst: number } | undefined;
  readonly report: FloodPolicyOptions["report"];

  constructor(options: FloodPolicyOptions = {}) {
    this.maxPipelinedCalls = atLeastOne(options.maxPipelinedCalls ?? 4, "maxPipelinedCalls");
    this.closeAfterThrottles = atLeastOne(options.closeAfterThrottles ?? 10, "closeAfterThrottles");
    const rate = options.rateLimit;
    if (rate) {
      const messagesPerSecond = rate.messagesPerSecond;
      if (!(messagesPerSecond > 0) || !Number.isFinite(messagesPerSecond)) {
        throw new RangeError(`rateLimit.messagesPerSecond must be a positive number, got ${String(messagesPerSecond)}`);
      }
      const burst = atLeastOne(rate.burst ?? Math.max(1, Math.floor(messagesPerSecond)), "rateLimit.burst");
      if (!Number.isFinite(burst)) throw new RangeError("rateLimit.burst must be finite");
      this.rateLimit = { messagesPerSecond, burst };
    }
    this.report = options.report;
  }
}

function atLeastOne(value: number, name: string): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1)) return value;
  throw new RangeError(`${name} must be a whole number of at least 1 (or Infinity), got ${String(value)}`);
}

/** The policy of connections that bring none: the defaults above, reporting nothing. */
export const defaultFloodPolicy = new FloodPolicy();
