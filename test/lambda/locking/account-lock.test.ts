import { InternalServerError, ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { acquireAccountLock, releaseAccountLock, requireLockTable } from '../../../lambda/locking/account-lock.js';
import type { AcquireAccountLockRequest } from '../../../lambda/locking/account-lock.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';

const execution = (name: string) => `arn:aws:states:${REGION}:${HOME_ACCOUNT}:execution:Onboarding:${name}`;
const FIRST = execution('onboard-111122223333-aaaaaaaaaaaaaaaa');
const SECOND = execution('onboard-111122223333-bbbbbbbbbbbbbbbb');
const OTHER_ACCOUNT = '444455556666';
const T0 = new Date('2025-03-01T10:00:00.000Z');
const HOUR = 3600;
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });

const acquire = (overrides: Partial<AcquireAccountLockRequest> = {}) =>
  acquireAccountLock(sandbox().dynamo, {
    tableName: sandbox().accountLockTable,
    accountId: ACCOUNT,
    owner: FIRST,
    workflow: 'onboard',
    ttlSeconds: 2 * HOUR,
    now: T0,
    ...overrides,
  });
const release = (owner: string, accountId = ACCOUNT) => releaseAccountLock(sandbox().dynamo, { tableName: sandbox().accountLockTable, accountId, owner });
const locks = () => sandbox().fakes.dynamo.items(sandbox().accountLockTable);

describe('acquireAccountLock', () => {
  it('takes a free account’s lock for the owner until now + ttl, writing the item the table is keyed and expires on', async () => {
    // Act
    const lock = await acquire();

    // Assess
    expect(lock).toEqual({ accountId: ACCOUNT, owner: FIRST, expiresAt: '2025-03-01T12:00:00.000Z' });
    expect(await locks()).toEqual([
      {
        accountId: { S: ACCOUNT },
        owner: { S: FIRST },
        workflow: { S: 'onboard' },
        acquiredAt: { S: T0.toISOString() },
        expiresAt: { N: String(T0.getTime() / 1000 + 2 * HOUR) },
      },
    ]);
  });

  it('fails with ACCOUNT_BUSY naming the account, the holding run, its workflow and until when, leaving the lock to its holder', async () => {
    // Prepare
    await acquire({ workflow: 'offboard' });

    // Act
    const error = await onboardingErrorOf(acquire({ owner: SECOND, now: later(60) }));

    // Assess
    expect(error.code).toBe(ErrorCode.ACCOUNT_BUSY);
    expect(error.name).toBe('ACCOUNT_BUSY');
    expect(error.transient).toBe(false);
    expect(error.message).toContain(ACCOUNT);
    expect(error.message).toContain(`offboard run ${FIRST}`);
    expect(error.message).toContain('2025-03-01T12:00:00.000Z');
    expect(error.details).toEqual({
      accountId: ACCOUNT,
      workflow: 'onboard',
      requestedBy: SECOND,
      heldBy: FIRST,
      heldByWorkflow: 'offboard',
      lockedUntil: '2025-03-01T12:00:00.000Z',
    });
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: FIRST }, workflow: { S: 'offboard' } })]);
  });

  it('lets the holder take its own lock again (a Retry of the same execution), extending it from the new now', async () => {
    // Prepare
    await acquire();

    // Act
    const again = await acquire({ now: later(90) });

    // Assess
    expect(again.expiresAt).toBe('2025-03-01T12:01:30.000Z');
    expect(await locks()).toHaveLength(1);
  });

  it('keeps the lock held through its last second and lets another run take it once it has expired', async () => {
    // Prepare
    await acquire({ ttlSeconds: HOUR });

    // Act
    const atExpiry = await onboardingErrorOf(acquire({ owner: SECOND, now: later(HOUR) }));
    const afterExpiry = await acquire({ owner: SECOND, workflow: 'rotate', now: later(HOUR + 1) });

    // Assess
    expect(atExpiry.code).toBe(ErrorCode.ACCOUNT_BUSY);
    expect(afterExpiry.owner).toBe(SECOND);
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: SECOND }, workflow: { S: 'rotate' } })]);
  });

  it('locks each account on its own: a run on one account does not block a run on another', async () => {
    // Prepare
    await acquire();

    // Act
    const other = await acquire({ accountId: OTHER_ACCOUNT, owner: SECOND });

    // Assess
    expect(other.accountId).toBe(OTHER_ACCOUNT);
    expect(await locks()).toHaveLength(2);
  });

  it('lets exactly one of many concurrent runs for one account take the lock; every other fails ACCOUNT_BUSY naming the winner', async () => {
    // Prepare
    const owners = Array.from({ length: 25 }, (_, index) => execution(`onboard-111122223333-${String(index).padStart(16, '0')}`));

    // Act
    const results = await Promise.allSettled(owners.map((owner) => acquire({ owner })));

    // Assess
    const winners = results.filter((result) => result.status === 'fulfilled').map((result) => result.value.owner);
    expect(winners).toHaveLength(1);
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason as unknown);
    expect(losers).toHaveLength(owners.length - 1);
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(OnboardingError);
      expect(loser).toMatchObject({ code: ErrorCode.ACCOUNT_BUSY, details: { heldBy: winners[0] } });
    }
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: winners[0] } })]);
  });

  it.each([
    ['ThrottlingException', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
    [
      'ProvisionedThroughputExceededException',
      () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeds the current capacity', $metadata: { httpStatusCode: 400 } }),
    ],
    ['InternalServerError', () => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } })],
  ])('turns %s into the transient AWS_UNAVAILABLE, which the step retries, taking no lock', async (_name, fault) => {
    // Prepare
    sandbox().fakes.dynamo.failNext('PutItem', fault);

    // Act
    const error = await onboardingErrorOf(acquire());

    // Assess
    expect(error.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(error.transient).toBe(true);
    expect(error.message).toContain(`Taking the lock of account ${ACCOUNT}`);
    expect(await locks()).toEqual([]);
  });

  it('fails with CONFIG_INVALID when the lock table does not exist', async () => {
    // Act
    const error = await onboardingErrorOf(acquire({ tableName: 'NoSuchTable' }));

    // Assess
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toContain('NoSuchTable');
  });

  it('refuses a lifetime that is not a whole positive number of seconds, taking no lock', async () => {
    // Act
    const errors = await Promise.all([0, -5, 1.5].map((ttlSeconds) => onboardingErrorOf(acquire({ ttlSeconds }))));

    // Assess
    expect(errors.map((error) => error.code)).toEqual([ErrorCode.INVALID_INPUT, ErrorCode.INVALID_INPUT, ErrorCode.INVALID_INPUT]);
    expect(await locks()).toEqual([]);
  });
});

describe('releaseAccountLock', () => {
  it('removes the lock when the owner releases it, so the next run can take it', async () => {
    // Prepare
    await acquire();

    // Act
    const outcome = await release(FIRST);
    const next = await acquire({ owner: SECOND, now: later(1) });

    // Assess
    expect(outcome).toBe('released');
    expect(next.owner).toBe(SECOND);
  });

  it('leaves a lock held by another run where it is and reports not-held', async () => {
    // Prepare: FIRST's lock expired and SECOND took it over.
    await acquire({ ttlSeconds: 60 });
    await acquire({ owner: SECOND, now: later(61) });

    // Act
    const outcome = await release(FIRST);

    // Assess
    expect(outcome).toBe('not-held');
    expect(await locks()).toEqual([expect.objectContaining({ owner: { S: SECOND } })]);
  });

  it('counts a lock that is already gone as not-held, not as an error (a release retried after it succeeded)', async () => {
    // Prepare
    await acquire();
    await release(FIRST);

    // Act
    const outcome = await release(FIRST);

    // Assess
    expect(outcome).toBe('not-held');
  });

  it('turns a DynamoDB fault into the transient AWS_UNAVAILABLE and keeps the lock', async () => {
    // Prepare
    await acquire();
    sandbox().fakes.dynamo.failNext('DeleteItem', () => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }));

    // Act
    const error = await onboardingErrorOf(release(FIRST));

    // Assess
    expect(error.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(error.message).toContain(`Releasing the lock of account ${ACCOUNT}`);
    expect(await locks()).toHaveLength(1);
  });
});

describe('requireLockTable', () => {
  it('fails with CONFIG_INVALID for a function deployed without the lock table', () => {
    // Act + Assess
    expect(() => requireLockTable(null)).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }) as Error);
    expect(requireLockTable('Locks')).toBe('Locks');
  });
});
