import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, fullJitterDelay, parseRetryAfter, resolveRetryPolicy } from '../../../lambda/director/retry-policy.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['delta seconds', '120', 120_000],
    ['zero', '0', 0],
    ['padded seconds', ' 3 ', 3_000],
    ['an IMF-fixdate', 'Wed, 01 Jan 2025 12:00:30 GMT', 30_000],
    ['an obsolete RFC 850 date', 'Wednesday, 01-Jan-25 12:00:05 GMT', 5_000],
    ['a date in the past', 'Wed, 01 Jan 2025 11:00:00 GMT', 0],
  ])('reads %s', (_label, header, expected) => {
    // Act
    const delay = parseRetryAfter(header, NOW);

    // Assess
    expect(delay).toBe(expected);
  });

  it.each([null, undefined, '', '-5', '1.5', 'soon'])('returns undefined for %j', (header) => {
    // Act
    const delay = parseRetryAfter(header, NOW);

    // Assess
    expect(delay).toBeUndefined();
  });
});

describe('fullJitterDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('draws below base·2^(attempt-1), capped at maxDelayMs', () => {
    // Act
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => fullJitterDelay(attempt, policy, () => 0.999_999));

    // Assess
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('may draw zero (full jitter, not equal jitter)', () => {
    // Act
    const delay = fullJitterDelay(3, policy, () => 0);

    // Assess
    expect(delay).toBe(0);
  });
});

describe('resolveRetryPolicy', () => {
  it('fills defaults and ignores undefined overrides', () => {
    // Act
    const policy = resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: undefined });

    // Assess
    expect(policy).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
  });

  it('rejects fewer than one attempt', () => {
    // Act
    const resolve = (): unknown => resolveRetryPolicy({ maxAttempts: 0 });

    // Assess
    expect(resolve).toThrow(RangeError);
  });
});
