import { describe, expect, it } from 'vitest';
import { recordDataPlane, recordFailure } from '../../../lambda/onboarding/onboarding-registry.js';
import type { DataPlane, Failure, OnboardingRequest } from '../../../lambda/onboarding/workflow-contract.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';

/**
 * What an onboarding records at its ends: the data plane's verdict (only the first look and the
 * final one write), and a failure (never one another run's lock turned away, nor one for a subject
 * that is no account).
 */

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
const NOW = new Date('2026-12-01T10:00:00.000Z');
const RUN = 'arn:aws:states:eu-west-1:999988887777:execution:onboard:run-1';
const registry = () => ({ dynamo: sandbox().dynamo, tableName: sandbox().accountRegistryTable, mode: 'per-account' as const, now: NOW });
const items = () => sandbox().fakes.dynamo.items(sandbox().accountRegistryTable);

const request: OnboardingRequest = {
  accountId: ACCOUNT,
  bucketName: 'trail-bucket',
  logSourceName: `CloudTrail-${ACCOUNT}`,
  coverage: 'account-source',
  adopt: false,
};
const record = {
  runId: RUN,
  logSourceName: `CloudTrail-${ACCOUNT}`,
  readerUserName: `cloudtrail-reader-${ACCOUNT}`,
  accessKeyId: 'AKIAEXAMPLEKEY000001',
  logPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/`,
};
const look = (outcome: DataPlane['outcome'], attempt: number): DataPlane => ({
  outcome,
  lastLogReceived: outcome === 'ONBOARDED' ? '2026-12-01T09:59:00.000Z' : null,
  fetchStatus: null,
  lastFetchAttempt: null,
  note: '',
  watch: { attempt, nextWaitSeconds: 1, deadlineAt: null, baseline: null },
});
const failure = (code: string): Failure => ({
  code,
  message: `${code}: what went wrong`,
  accountId: ACCOUNT,
  logSourceName: null,
  orderRequestId: null,
  cleanup: { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] },
});

describe('recordDataPlane', () => {
  it('writes REGISTERED_NO_DATA_YET at the first look, nothing while it waits, and ONBOARDED once Director reports a fetch', async () => {
    const source = { request, logSourceId: 'LogSources/1', record };

    await recordDataPlane(registry(), source, look('WAITING', 1));
    expect((await items())[0]?.state?.S).toBe('REGISTERED_NO_DATA_YET');
    const firstWrite = (await items())[0]?.updatedAt?.S;

    await recordDataPlane({ ...registry(), now: new Date(NOW.getTime() + 60_000) }, source, look('WAITING', 2));
    expect((await items())[0]?.updatedAt?.S).toBe(firstWrite);

    await recordDataPlane({ ...registry(), now: new Date(NOW.getTime() + 120_000) }, source, look('ONBOARDED', 3));
    expect((await items())[0]).toMatchObject({
      state: { S: 'ONBOARDED' },
      lastLogReceived: { S: '2026-12-01T09:59:00.000Z' },
      accessKeyId: { S: record.accessKeyId },
    });
  });
});

describe('recordFailure', () => {
  it('records FAILED with the code and message, and removes the reader and key when compensation deleted the user', async () => {
    const removed = {
      ...failure('DIRECTOR_ORDER_FAILED'),
      cleanup: { deletedAccessKeys: ['AKIAEXAMPLEKEY000001'], deletedUser: true, deletedSecret: true, kept: [] },
    };
    await recordDataPlane(registry(), { request, logSourceId: 'LogSources/1', record }, look('WAITING', 1));

    await recordFailure({ ...registry(), now: new Date(NOW.getTime() + 1000) }, { request, runId: RUN }, removed);

    const [item] = await items();
    expect(item).toMatchObject({ state: { S: 'FAILED' }, lastErrorCode: { S: 'DIRECTOR_ORDER_FAILED' }, lastErrorMessage: { S: removed.message } });
    expect(item?.readerUserName).toBeUndefined();
    expect(item?.accessKeyId).toBeUndefined();
    expect(item?.logSourceId).toEqual({ S: 'LogSources/1' });
  });

  it('writes nothing for a run another run turned away (ACCOUNT_BUSY), for a subject that is no account, or without a run id', async () => {
    await recordFailure(registry(), { request, runId: RUN }, failure('ACCOUNT_BUSY'));
    await recordFailure(registry(), { input: { accountId: 'not-an-account' }, runId: RUN }, { ...failure('INVALID_INPUT'), accountId: 'not-an-account' });
    await recordFailure(registry(), { request }, failure('DIRECTOR_UNAVAILABLE'));

    expect(await items()).toEqual([]);
  });

  it('records a failure of an input that named an account but did not validate, from the raw input', async () => {
    await recordFailure(registry(), { input: { accountId: ACCOUNT, bucketName: 42 }, runId: RUN }, failure('INVALID_INPUT'));

    expect((await items()).map((item) => [item.accountId?.S, item.state?.S, item.lastErrorCode?.S])).toEqual([[ACCOUNT, 'FAILED', 'INVALID_INPUT']]);
  });
});
