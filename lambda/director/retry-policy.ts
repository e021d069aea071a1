import { fullJitterBackoff } from '../shared/backoff.js';
import { definedOnly } from '../shared/records.js';

/**
 * When the Director transport repeats an HTTP attempt and how long it waits first: full-jitter
 * exponential backoff, or longer when Director says so in `Retry-After`.
 */

export interface RetryPolicy {
  /** Total HTTP attempts per call, including the first. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  baseDelayMs: number;
  /** Upper bound of any backoff delay. */
  maxDelayMs: number;
  /** Longest `Retry-After` worth waiting for inside one call. */
  maxRetryAfterMs: number;
  /**
   * Time budget of one call, attempts and waits together: a wait that would end past it is not
   * started, the call fails with DIRECTOR_UNAVAILABLE and the workflow's own Retry takes over.
   */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  maxElapsedMs: 40_000,
};

/** Congestion and gateway failures: another attempt may well succeed (see the status mapping in http.ts). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * `Retry-After` as milliseconds to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns undefined when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Date.parse also takes loose strings like "5.5"; an HTTP-date always names a weekday and GMT.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, min(cap, base·2^(n-1))). */
export function fullJitterDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return fullJitterBackoff(policy.baseDelayMs, attempt - 1, policy.maxDelayMs, random);
}

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(overrides) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer >= 1');
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'maxElapsedMs'] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry.${key} must be >= 0`);
  }
  return policy;
}
