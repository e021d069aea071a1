import { describe, expect, it } from 'vitest';
import { baselineOf, fetchSignalsOf, fetchVerdictSince, isFetchError } from '../../../lambda/shared/fetch-signals.js';

/**
 * Director does not document where a source's fetch endpoints sit in its read-back, nor the words
 * of `fetch_status`: the signals are read wherever they appear, and any status that is not a
 * success word is the fetcher's error message.
 */

describe('fetchSignalsOf', () => {
  it('reads last_log_received and the Connector endpoint, normalising times to ISO instants', () => {
    const signals = fetchSignalsOf({
      last_log_received: '2026-12-01T10:00:00+01:00',
      config: { Connector: { fetch_status: 'ok', last_fetch_attempt: 1796116800 } },
    });

    expect(signals).toEqual({
      lastLogReceived: '2026-12-01T09:00:00.000Z',
      lastFetchAttempt: '2026-12-01T09:20:00.000Z',
      fetchStatus: 'ok',
      fetchFailed: false,
    });
  });

  it('takes the status of the endpoint with the latest attempt when there are several', () => {
    const signals = fetchSignalsOf({
      config: {
        endpoints: [
          { fetch_status: 'ok', last_fetch_attempt: '2026-12-01T09:00:00Z' },
          { fetch_status: 'AccessDenied on GetObject', last_fetch_attempt: '2026-12-01T09:05:00Z' },
        ],
      },
    });

    expect(signals).toMatchObject({ fetchStatus: 'AccessDenied on GetObject', lastFetchAttempt: '2026-12-01T09:05:00.000Z', fetchFailed: true });
  });

  it('reports nothing, rather than guessing, when Director carries no signal or an unreadable time', () => {
    expect(fetchSignalsOf({ last_log_received: 'never', config: { Source: { name: 'x' } } })).toEqual({
      lastLogReceived: null,
      lastFetchAttempt: null,
      fetchStatus: null,
      fetchFailed: false,
    });
  });
});

describe('isFetchError', () => {
  it.each([
    ['ok', false],
    ['Success', false],
    ['', false],
    ['error: AccessDenied listing s3://bucket/AWSLogs/', true],
  ])('"%s" is an error: %s', (status, expected) => {
    expect(isFetchError(status)).toBe(expected);
  });
});

describe('fetchVerdictSince', () => {
  const baseline = { lastLogReceived: '2026-12-01T09:00:00.000Z', lastFetchAttempt: '2026-12-01T09:10:00.000Z' };
  const signals = (lastLogReceived: string | null, lastFetchAttempt: string | null, fetchStatus: string | null) =>
    fetchSignalsOf({ last_log_received: lastLogReceived, config: { Connector: { fetch_status: fetchStatus, last_fetch_attempt: lastFetchAttempt } } });

  it('counts only what is later than the baseline: the same signals, or older ones, say nothing yet', () => {
    // Prepare
    const same = signals(baseline.lastLogReceived, baseline.lastFetchAttempt, 'error: AccessDenied listing s3://b/');

    // Act / Assess
    expect(fetchVerdictSince(same, baseline)).toEqual({ kind: 'nothing-yet' });
    expect(fetchVerdictSince(same, baselineOf(same))).toEqual({ kind: 'nothing-yet' });
  });

  it('a failed attempt after the baseline is fetch-failed, even when logs arrived too', () => {
    // Act
    const verdict = fetchVerdictSince(signals('2026-12-01T09:30:00Z', '2026-12-01T09:31:00Z', 'error: AccessDenied listing s3://b/'), baseline);

    // Assess
    expect(verdict).toEqual({ kind: 'fetch-failed' });
  });

  it('logs received after the baseline, or a successful attempt while logs have been received, is fetched', () => {
    // Act
    const received = fetchVerdictSince(signals('2026-12-01T09:30:00Z', null, null), baseline);
    const attempted = fetchVerdictSince(signals(baseline.lastLogReceived, '2026-12-01T09:31:00Z', 'ok'), baseline);
    const neverReceived = fetchVerdictSince(signals(null, '2026-12-01T09:31:00Z', 'ok'), baseline);

    // Assess
    expect(received).toEqual({ kind: 'fetched', note: 'Logpoint received logs at 2026-12-01T09:30:00.000Z.' });
    expect(attempted).toMatchObject({ kind: 'fetched', note: expect.stringContaining('fetched at 2026-12-01T09:31:00.000Z') });
    expect(neverReceived).toEqual({ kind: 'nothing-yet' });
  });

  it('without a baseline everything counts', () => {
    // Act / Assess
    expect(fetchVerdictSince(signals(null, '2026-12-01T09:31:00Z', 'error: NoSuchBucket listing s3://b/'), null)).toEqual({ kind: 'fetch-failed' });
  });
});
