import { describe, expect, it } from 'vitest';
import { describeOffboardingFailure } from '../../../lambda/offboarding/offboarding-failure.js';
import { summarizeOffboarding } from '../../../lambda/offboarding/outcome.js';
import { offboardingSummarySchema, type ReaderRemoval, type SecretDeletion } from '../../../lambda/offboarding/workflow-contract.js';
import { READER_POLICY_NAME } from '../../../lambda/shared/reader-policy.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { inventory, now, request, SECRET, USER } from './offboarding-fixture.js';

describe('summarizeOffboarding', () => {
  const removal = (overrides: Partial<ReaderRemoval> = {}): ReaderRemoval => ({
    userName: USER,
    userFound: false,
    deletedAccessKeys: [],
    deletedPolicies: [],
    deletedUser: false,
    ...overrides,
  });
  const secret = (outcome: SecretDeletion['outcome'], deletionDate: string | null = null): SecretDeletion => ({
    secretName: SECRET,
    outcome,
    deletionDate,
    recoveryWindowDays: 7,
  });

  it('reports everything a full offboarding removed, with nothing already gone', () => {
    // Act
    const summary = summarizeOffboarding(
      {
        request,
        inventory: inventory({ logSourceFound: true, logSourceId: 'LogSources/abc', readerUser: 'present', secret: 'present' }),
        order: { status: 'DELETED', attempt: 2, nextWaitSeconds: 1, deadlineAt: now().toISOString() },
        reader: removal({ userFound: true, deletedAccessKeys: ['AKIAEXAMPLE000000001'], deletedPolicies: [READER_POLICY_NAME], deletedUser: true }),
      },
      secret('SCHEDULED', '2026-03-08T12:00:00.000Z'),
    );

    // Assess
    expect(offboardingSummarySchema.parse(summary)).toEqual({
      accountId: ACCOUNT,
      reason: 'account-closed',
      trigger: null,
      logSourceName: `CloudTrail-${ACCOUNT}`,
      logSourceDeleted: true,
      logSourceId: 'LogSources/abc',
      deletedAccessKeys: ['AKIAEXAMPLE000000001'],
      deletedPolicies: [READER_POLICY_NAME],
      deletedUser: true,
      secretDeletionDate: '2026-03-08T12:00:00.000Z',
      neverOnboarded: false,
      alreadyGone: [],
    });
  });

  it('says neverOnboarded when nothing of the account existed', () => {
    // Act
    const summary = summarizeOffboarding({ request, inventory: inventory(), reader: removal() }, secret('ABSENT'));

    // Assess
    expect(summary).toMatchObject({ neverOnboarded: true, alreadyGone: [], logSourceDeleted: false, logSourceId: null, secretDeletionDate: null });
  });

  it('lists the parts already gone after an earlier offboarding', () => {
    // Act
    const summary = summarizeOffboarding(
      { request, inventory: inventory({ secret: 'scheduled-for-deletion' }), reader: removal() },
      secret('ALREADY_SCHEDULED'),
    );

    // Assess
    expect(summary).toMatchObject({ neverOnboarded: false, alreadyGone: ['logSource', 'readerUser', 'secret'] });
  });

  it('counts a source deleted by a concurrent run as already gone, not as deleted by this run', () => {
    // Act
    const summary = summarizeOffboarding(
      {
        request,
        inventory: inventory({ logSourceFound: true, logSourceId: 'LogSources/abc', readerUser: 'present', secret: 'present' }),
        order: { status: 'ALREADY_GONE', attempt: 1, nextWaitSeconds: 1, deadlineAt: now().toISOString() },
        reader: removal({ userFound: true, deletedUser: true }),
      },
      secret('SCHEDULED', '2026-03-08T12:00:00.000Z'),
    );

    // Assess
    expect(summary).toMatchObject({ logSourceDeleted: false, logSourceId: 'LogSources/abc', alreadyGone: ['logSource'] });
  });
});

describe('describeOffboardingFailure', () => {
  it('reads the code and message from a Lambda error record and says the key stayed because Director may use it', () => {
    // Act
    const failure = describeOffboardingFailure({
      request,
      inventory: inventory({ logSourceFound: true, logSourceId: 'LogSources/abc', readerUser: 'present', secret: 'present' }),
      deletion: {
        status: 'SUBMITTED',
        logSourceId: 'LogSources/abc',
        orderPath: '/monitorapi/p/l/orders/r-1',
        requestId: 'r-1',
        submittedAt: now().toISOString(),
        deadlineAt: now().toISOString(),
      },
      error: {
        Error: 'DIRECTOR_ORDER_FAILED',
        Cause: JSON.stringify({ errorType: 'DIRECTOR_ORDER_FAILED', errorMessage: 'Director order r-1 failed', trace: ['at x'] }),
      },
    });

    // Assess
    expect(failure).toEqual({
      code: 'DIRECTOR_ORDER_FAILED',
      message: 'Director order r-1 failed',
      accountId: ACCOUNT,
      logSourceName: `CloudTrail-${ACCOUNT}`,
      logSourceId: 'LogSources/abc',
      orderRequestId: 'r-1',
      kept: [
        `log source "CloudTrail-${ACCOUNT}" (LogSources/abc): still in Director`,
        `IAM user ${USER} with its access keys: not (fully) removed, Director may still use its key`,
        `secret ${SECRET}: not scheduled for deletion`,
      ],
    });
  });

  it('names the account from the raw input when the input itself was invalid', () => {
    // Act
    const failure = describeOffboardingFailure({
      input: { accountId: 'not-an-account' },
      error: { Error: 'INVALID_INPUT', Cause: 'accountId: must be a 12-digit AWS account id' },
    });

    // Assess
    expect(failure).toMatchObject({ code: 'INVALID_INPUT', accountId: 'not-an-account', kept: ['everything: the run failed before it deleted anything'] });
  });
});
