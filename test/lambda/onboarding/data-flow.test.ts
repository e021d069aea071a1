import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import type { DirectorClient } from '../../../lambda/director/index.js';
import { checkDataFlow } from '../../../lambda/onboarding/data-flow.js';
import type { DataPlane } from '../../../lambda/onboarding/workflow-contract.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';

/**
 * CheckDataFlow proves Logpoint fetches with the key it was given, from the only signals Director
 * offers: a fetch error fails the run, logs received succeed it, and silence until the deadline
 * ends as REGISTERED_NO_DATA_YET. An edited source's earlier signals never count for the new key.
 */

const SETTINGS = { initialWaitSeconds: 30, maxWaitSeconds: 120, deadlineSeconds: 600, rotationWaitSeconds: 60 };
const NOW = new Date('2026-12-01T12:00:00.000Z');
const LOG_SOURCE_ID = 'LogSources/5f0c4b6e-1d2a-4b8e-9a51-1b7c8d9e0f12';

/** A Director whose one log source reads back with these fields (the endpoint inside the Connector). */
function directorReporting(fields: { last_log_received?: string | null; fetch_status?: string; last_fetch_attempt?: string }): DirectorClient {
  const { last_log_received: lastLogReceived = null, ...endpoint } = fields;
  const record = {
    id: LOG_SOURCE_ID,
    name: 'CloudTrail-111122223333',
    last_log_received: lastLogReceived,
    config: { Connector: { bucket_name: 'b', ...endpoint } },
  };
  return {
    getLogSource: (id: string) => Promise.resolve(id === LOG_SOURCE_ID ? record : Promise.reject(new Error(`unexpected id ${id}`))),
  } as unknown as DirectorClient;
}

function start(): DataPlane {
  return {
    outcome: 'WAITING',
    lastLogReceived: null,
    fetchStatus: null,
    lastFetchAttempt: null,
    note: '',
    watch: { attempt: 0, nextWaitSeconds: 30, deadlineAt: null, baseline: null },
  };
}

const create = { accountId: '111122223333', logSourceId: LOG_SOURCE_ID, operation: 'CREATE' as const };

describe('checkDataFlow', () => {
  it('reports ONBOARDED once Director says logs were received from a new source', async () => {
    // Act
    const look = await checkDataFlow(
      directorReporting({ last_log_received: '2026-12-01T11:59:00Z', fetch_status: 'ok', last_fetch_attempt: '2026-12-01T11:59:00Z' }),
      SETTINGS,
      { ...create, dataPlane: start() },
      NOW,
    );

    // Assess
    expect(look).toMatchObject({ outcome: 'ONBOARDED', lastLogReceived: '2026-12-01T11:59:00.000Z', fetchStatus: 'ok' });
  });

  it("fails with FETCH_FAILED and Director's own reason when the fetch after the registration failed", async () => {
    // Arrange
    const director = directorReporting({ fetch_status: 'AccessDenied listing s3://b/AWSLogs/o-abc/999999999999/', last_fetch_attempt: '2026-12-01T11:59:30Z' });

    // Act
    const looking = checkDataFlow(director, SETTINGS, { ...create, dataPlane: start() }, NOW);

    // Assess
    await expect(looking).rejects.toBeInstanceOf(OnboardingError);
    await expect(looking).rejects.toMatchObject({ code: ErrorCode.FETCH_FAILED, message: expect.stringContaining('AWSLogs/o-abc/999999999999/') });
  });

  it('waits, backing off to the cap, while Director reports no fetch, and sets the deadline at the first look', async () => {
    // Arrange
    const director = directorReporting({});

    // Act
    const first = await checkDataFlow(director, SETTINGS, { ...create, dataPlane: start() }, NOW);
    const later = await checkDataFlow(director, SETTINGS, { ...create, dataPlane: { ...first, watch: { ...first.watch, attempt: 5 } } }, NOW);

    // Assess
    expect(first).toMatchObject({ outcome: 'WAITING', watch: { attempt: 1, nextWaitSeconds: 30, deadlineAt: '2026-12-01T12:10:00.000Z' } });
    expect(later.watch).toMatchObject({ attempt: 6, nextWaitSeconds: 120, deadlineAt: '2026-12-01T12:10:00.000Z' });
  });

  it('ends as REGISTERED_NO_DATA_YET, naming what Director last reported, once the deadline has passed without a fetch', async () => {
    // Arrange
    const waiting = { ...start(), watch: { attempt: 9, nextWaitSeconds: 120, deadlineAt: '2026-12-01T11:59:59.000Z', baseline: null } };

    // Act
    const look = await checkDataFlow(
      directorReporting({ fetch_status: 'ok', last_fetch_attempt: '2026-12-01T11:50:00Z' }),
      SETTINGS,
      { ...create, dataPlane: waiting },
      NOW,
    );

    // Assess
    expect(look.outcome).toBe('REGISTERED_NO_DATA_YET');
    expect(look.note).toContain('2026-12-01T11:50:00.000Z');
  });

  it("does not count an edited source's earlier logs or errors for the new key: the first look only records them", async () => {
    // Arrange: what the source reported under its old key.
    const before = directorReporting({ last_log_received: '2026-12-01T11:00:00Z', fetch_status: 'AccessDenied', last_fetch_attempt: '2026-12-01T11:00:00Z' });

    // Act
    const first = await checkDataFlow(before, SETTINGS, { ...create, operation: 'EDIT', dataPlane: start() }, NOW);
    const unchanged = await checkDataFlow(before, SETTINGS, { ...create, operation: 'EDIT', dataPlane: first }, NOW);
    const fetched = await checkDataFlow(
      directorReporting({ last_log_received: '2026-12-01T11:00:00Z', fetch_status: 'ok', last_fetch_attempt: '2026-12-01T11:58:00Z' }),
      SETTINGS,
      { ...create, operation: 'EDIT', dataPlane: unchanged },
      NOW,
    );

    // Assess: the old error is ignored; a successful fetch after the edit, with logs on record, proves the new key.
    expect(first).toMatchObject({
      outcome: 'WAITING',
      watch: { baseline: { lastLogReceived: '2026-12-01T11:00:00.000Z', lastFetchAttempt: '2026-12-01T11:00:00.000Z' } },
    });
    expect(unchanged.outcome).toBe('WAITING');
    expect(fetched.outcome).toBe('ONBOARDED');
  });
});
