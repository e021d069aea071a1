import { describe, expect, it } from 'vitest';
import { fetchSignalsOf, isFetchError } from '../../../lambda/shared/fetch-signals.js';

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
