import { describe, expect, it } from 'vitest';
import { DirectorUnavailableError } from '../../../lambda/director/index.js';
import type { DirectorRequestBudget } from '../../../lambda/director/request-budget.js';
import { TokenBucket } from '../../../lambda/governance/token-bucket.js';
import { T0, TABLE, useGovernanceTable } from '../governance/support.js';
import { harnessPerTest, rejectionOf, startHarness as startOwnHarness, type Harness } from './support.js';

/**
 * The Director client under a shared request budget (lambda/director/request-budget.ts): every
 * HTTP attempt, retries and token refreshes included, first takes its turn from the budget, within
 * the call's time budget; without a budget the client behaves as it always did.
 */

const startHarness = harnessPerTest();
const table = useGovernanceTable();

/** A budget that records each turn asked for and grants it, after `waitMs` of the test's clock. */
function recordingBudget(clock?: { advance: (ms: number) => void; waitMs: number }): DirectorRequestBudget & { deadlines: number[] } {
  const deadlines: number[] = [];
  return {
    deadlines,
    acquire: ({ deadlineMs }) => {
      deadlines.push(deadlineMs);
      clock?.advance(clock.waitMs);
      return Promise.resolve();
    },
  };
}

/** A clock that moves only when the client sleeps or the test moves it. */
function manualClock(): { now: () => number; advance: (ms: number) => void; sleep: (ms: number) => Promise<void> } {
  let nowMs = T0;
  return {
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
    sleep: (ms) => {
      nowMs += ms;
      return Promise.resolve();
    },
  };
}

describe('Director client with a shared request budget', () => {
  it('takes a turn before every HTTP attempt: the token refresh, the first attempt and each retry', async () => {
    // Prepare
    const budget = recordingBudget();
    const harness = await startHarness({ client: { budget } });
    harness.director.faults.throttle(2, { retryAfter: 0, route: 'GET /Devices' });

    // Act
    await harness.client.listDevices();

    // Assess: /refreshToken, then three attempts of /Devices (two answered 429).
    expect(harness.director.requests.map((request) => request.status)).toEqual([200, 429, 429, 200]);
    expect(budget.deadlines).toHaveLength(harness.director.requests.length);
  });

  it('gives the budget the end of the call’s time budget (its start + maxElapsedMs) as the deadline', async () => {
    // Prepare
    const clock = manualClock();
    const budget = recordingBudget();
    const harness = await startHarness({ client: { budget, now: clock.now, sleep: clock.sleep, retry: { maxElapsedMs: 25_000 } } });

    // Act
    await harness.client.listDevices();

    // Assess
    expect(budget.deadlines).toEqual([T0 + 25_000, T0 + 25_000]);
  });

  it('ends the call with the budget’s DIRECTOR_UNAVAILABLE when it grants no turn, before anything reaches Director', async () => {
    // Prepare
    const refusal = new DirectorUnavailableError('No turn in time', { extra: { budget: 'director-budget' } });
    const harness = await startHarness({ client: { budget: { acquire: () => Promise.reject(refusal) } } });

    // Act
    const error = await rejectionOf(harness.client.createLogSource(sampleBody()));

    // Assess
    expect(error).toBe(refusal);
    expect(harness.director.requests).toEqual([]);
  });

  it('counts time spent waiting for turns against maxElapsedMs: a retry that would end past it is not started', async () => {
    // Prepare: each turn takes 20 s of the client's clock; the call may take 25 s.
    const clock = manualClock();
    const budget = recordingBudget({ advance: clock.advance, waitMs: 20_000 });
    const harness = await startHarness({
      client: { budget, now: clock.now, sleep: clock.sleep, retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10, maxElapsedMs: 25_000 } },
    });
    harness.director.faults.throttle(5, { retryAfter: 1, route: 'GET /Devices' });

    // Act
    const error = await rejectionOf(harness.client.listDevices());

    // Assess: 20 s for the first turn + 1 s Retry-After fit; 41 s after the second turn do not.
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error).toMatchObject({ details: { attempts: 2, elapsedMs: 41_000, maxElapsedMs: 25_000 } });
    expect(harness.director.requests.filter((request) => request.path.endsWith('/Devices'))).toHaveLength(2);
  });

  it('sends exactly the requests it sends without a budget when the budget always grants', async () => {
    // Prepare
    const calls = async (harness: Harness) => {
      await harness.client.listDevices();
      await harness.client.listRepos();
      const { poolUuid, logpointId } = harness.director;
      return harness.director.requests.map(({ method, path, status }) => ({
        method,
        path: path.replace(poolUuid, '{pool}').replace(logpointId, '{logpoint}'),
        status,
      }));
    };
    const plain = await startOwnHarness();
    const withoutBudget = await calls(plain).finally(() => plain.close());
    const governed = await startHarness({ client: { budget: recordingBudget() } });

    // Act
    const withBudget = await calls(governed);

    // Assess
    expect(withBudget).toEqual(withoutBudget);
    expect(withBudget).toHaveLength(3);
  });

  it('paces one client by the shared token bucket: at 2 requests/s its requests go 500 ms apart, the token refresh included', async () => {
    // Prepare
    const clock = manualClock();
    const bucket = new TokenBucket(
      table().client,
      { tableName: TABLE, keyAttribute: 'accountId', itemKey: 'director-budget', ratePerSecond: 2, burst: 1 },
      { now: clock.now, sleep: clock.sleep, random: () => 0 },
    );
    const harness = await startHarness({ client: { budget: bucket, now: clock.now, sleep: clock.sleep } });
    const sentAt: number[] = [];
    const listAndNote = async () => {
      await harness.client.listDevices();
      sentAt.push(clock.now() - T0);
    };

    // Act
    await listAndNote();
    await listAndNote();
    await listAndNote();

    // Assess: the refresh took the bucket's one token at 0 ms; each list waited for the next.
    expect(harness.director.requests.map((request) => request.path.split('/').at(-1))).toEqual(['refreshToken', 'Devices', 'Devices', 'Devices']);
    expect(sentAt).toEqual([500, 1000, 1500]);
  });
});

function sampleBody() {
  return {
    name: 'CloudTrail-111122223333',
    type: 'S3Fetcher',
    config: {
      Source: { name: 'CloudTrail-111122223333', interval: 1, charset: 'utf_8', timezone: 'UTC' },
      Connector: {
        access_key: 'AKIATESTONLYEXAMPLE0',
        secret_key: 'test-only-secret',
        bucket_name: 'org-trail-bucket',
        region_name: 'eu-west-1',
        filter_date: '2026-01-01T00:00:00Z',
      },
      RoutingPolicy: { routing_criterion: [], catch_all: 'default' },
      NormalizationPolicy: { normalizers: [] },
    },
  };
}
