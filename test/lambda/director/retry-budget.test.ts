import { afterEach, describe, expect, it } from 'vitest';
import { DirectorUnavailableError } from '../../../lambda/director/index.js';
import { rejectionOf, startHarness, type Harness } from './support.js';

/**
 * Director's waits are bounded by time, not only by attempts: `Retry-After` is honoured, but a
 * wait that would end past the call's budget is not started; the call fails at once with
 * DIRECTOR_UNAVAILABLE and the workflow's own Retry (with its own backoff) takes over.
 */

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('Director transport: the retry time budget', () => {
  it('honours Retry-After until the next wait would pass maxElapsedMs, then fails with DIRECTOR_UNAVAILABLE', async () => {
    // Prepare: a clock that moves only when the transport sleeps.
    let clockMs = Date.parse('2026-12-01T12:00:00Z');
    const sleeps: number[] = [];
    harness = await startHarness({
      client: {
        retry: { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 30_000, maxElapsedMs: 25_000 },
        now: () => clockMs,
        sleep: (ms) => {
          sleeps.push(ms);
          clockMs += ms;
          return Promise.resolve();
        },
      },
    });
    harness.director.faults.throttle(10, { retryAfter: 10, route: 'GET /Devices' });

    // Act
    const error = await rejectionOf(harness.client.listDevices());

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ code: 'DIRECTOR_UNAVAILABLE', details: { attempts: 3, elapsedMs: 20_000, maxElapsedMs: 25_000 } });
    expect(sleeps).toEqual([10_000, 10_000]);
    expect(harness.director.requests.filter((request) => request.path.endsWith('/Devices'))).toHaveLength(3);
  });
});
