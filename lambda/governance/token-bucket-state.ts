/**
 * The arithmetic of the shared token bucket, apart from where it is stored: plain functions of the
 * stored state and the time.
 *
 * The bucket holds up to `burst` tokens and gains `ratePerSecond` tokens per second. A request
 * takes one. When none is left, the request reserves the next one to come instead of polling for
 * it: the level goes below zero (−k means k requests are already waiting their turn) and the
 * request may go at the moment its token arrives. So waiting callers never race each other for a
 * token (no herd to spread with jitter), they are served in the order they asked, each wait is known
 * in advance and can be refused at once when it would end past the caller's deadline, and in any
 * interval of t seconds at most burst + ratePerSecond·t requests go.
 */

export interface BucketLimits {
  ratePerSecond: number;
  burst: number;
}

export interface BucketState {
  /** Tokens left at `refilledAt`; negative: that many requests already hold a turn to come. */
  tokens: number;
  /** Epoch milliseconds of the last write. */
  refilledAt: number;
}

export interface Reservation {
  /** The state to write back. */
  next: BucketState;
  /** Epoch milliseconds from which the request may be sent (`nowMs` when a token was there). */
  dueAt: number;
}

/** Precision kept of a token level: enough for any rate, and no float noise such as −1e−16 for an empty bucket. */
const TOKEN_PRECISION = 1e9;

/**
 * Takes one token at `nowMs` from `state` (undefined: a new, full bucket). Refills for the time
 * since `refilledAt` only: a caller whose clock is behind the last writer's refills nothing, and
 * its wait is counted from the last write, so a slow clock can only make a caller wait longer.
 */
export function reserveToken(state: BucketState | undefined, nowMs: number, limits: BucketLimits): Reservation {
  const at = Math.max(nowMs, state?.refilledAt ?? nowMs);
  const level = state === undefined ? limits.burst : Math.min(limits.burst, state.tokens + ((at - state.refilledAt) * limits.ratePerSecond) / 1000);
  const tokens = Math.round((level - 1) * TOKEN_PRECISION) / TOKEN_PRECISION;
  const dueAt = tokens >= 0 ? nowMs : at + (-tokens * 1000) / limits.ratePerSecond;
  return { next: { tokens, refilledAt: at }, dueAt };
}
