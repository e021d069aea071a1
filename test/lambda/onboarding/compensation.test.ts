import { UntagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { compensateOnboarding } from '../../../lambda/onboarding/compensation.js';
import type { ReaderIdentity, WorkflowState } from '../../../lambda/onboarding/workflow-contract.js';
import { recordDirectorWrite } from '../../../lambda/shared/director-key-record.js';
import { describeAccountSecret } from '../../../lambda/shared/account-secret.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { SECRET, USER, clients, keyIds, provision, provisionUnconfirmed, sandbox, secretKeyId, useReaderSandbox } from './reader-fixture.js';

useReaderSandbox();

/**
 * Compensation works from what IAM and Secrets Manager hold, not from how far the state object
 * got: after any failure the account is left complete, as it was before, or empty — and a key
 * Director may be using is never deleted.
 */

const SENT_AT = '2026-12-01T10:00:00.000Z';

function failedState(code: string, extra: Partial<WorkflowState> = {}): WorkflowState {
  return { input: { accountId: ACCOUNT }, error: { Error: code, Cause: `${code} happened` }, ...extra };
}

async function recordWrite(reader: ReaderIdentity, operation: 'CREATE' | 'EDIT' = 'CREATE'): Promise<void> {
  const secret = await describeAccountSecret(sandbox().secretsManager, ACCOUNT);
  await recordDirectorWrite(sandbox().secretsManager, ACCOUNT, { operation, accessKeyId: reader.accessKeyId, sentAt: SENT_AT }, secret);
}

describe('compensateOnboarding', () => {
  it('after a crash right after ProvisionReader of a first onboarding (no reader in the state) removes the key, the user and the secret', async () => {
    // Prepare: the state never learnt what ProvisionReader created.
    await provisionUnconfirmed();

    // Act
    const failure = await compensateOnboarding(clients(), failedState('Sandbox.Timedout'));

    // Assess
    expect(failure).toMatchObject({ code: 'Sandbox.Timedout', accountId: ACCOUNT, cleanup: { deletedUser: true, deletedSecret: true } });
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });

  it('is idempotent: a second compensation of the same failure finds nothing left to do', async () => {
    // Prepare
    await provisionUnconfirmed();
    await compensateOnboarding(clients(), failedState('BUCKET_NOT_FOUND'));

    // Act
    const again = await compensateOnboarding(clients(), failedState('BUCKET_NOT_FOUND'));

    // Assess
    expect(again.cleanup).toEqual({ deletedAccessKeys: [], deletedUser: true, deletedSecret: true, kept: [] });
  });

  it('after a failed re-run deletes only the key Director was never given and rolls the secret back to the key Director holds', async () => {
    // Prepare
    const earlier = await provision();
    const rerun = await provisionUnconfirmed();

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.ACCESS_VERIFICATION_FAILED));

    // Assess
    expect(failure.code).toBe(ErrorCode.ACCESS_VERIFICATION_FAILED);
    expect(failure.cleanup.deletedAccessKeys).toEqual([rerun.accessKeyId]);
    expect(failure.cleanup.kept).toContain(`secret ${SECRET}: rolled back to access key ${earlier.accessKeyId}`);
    expect(keyIds()).toEqual([earlier.accessKeyId]);
    expect(secretKeyId()).toBe(earlier.accessKeyId);
  });

  it('keeps both keys and ends with DIRECTOR_OUTCOME_UNKNOWN when the re-run sent its key in a write whose outcome is unknown', async () => {
    // Prepare: the PUT was recorded, then the step crashed: the state holds no registration.
    const earlier = await provision();
    const rerun = await provisionUnconfirmed();
    await recordWrite(rerun, 'EDIT');

    // Act
    const failure = await compensateOnboarding(clients(), failedState('Sandbox.Timedout', { reader: rerun }));

    // Assess
    expect(failure.code).toBe(ErrorCode.DIRECTOR_OUTCOME_UNKNOWN);
    expect(failure.message).toContain('[Sandbox.Timedout]');
    expect(failure.message).toContain(`access key ${rerun.accessKeyId}`);
    expect(failure.cleanup.deletedAccessKeys).toEqual([]);
    expect(keyIds().sort()).toEqual([earlier.accessKeyId, rerun.accessKeyId].sort());
    expect(secretKeyId()).toBe(rerun.accessKeyId);
  });

  it('deletes the key of a write whose Director order failed: that order applied nothing', async () => {
    // Prepare
    const reader = await provisionUnconfirmed();
    await recordWrite(reader);
    const registration = {
      operation: 'CREATE' as const,
      logSourceName: 'CloudTrail',
      logSourceId: null,
      orderPath: 'monitorapi/p/l/orders/r',
      requestId: 'r',
      submittedAt: SENT_AT,
    };

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.DIRECTOR_ORDER_FAILED, { reader, registration }));

    // Assess
    expect(failure.code).toBe(ErrorCode.DIRECTOR_ORDER_FAILED);
    expect(failure.orderRequestId).toBe('r');
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });

  it('deletes the key of a create blocked by a source made some other way (NOT_OWNED): Director keeps names unique, so it took nothing', async () => {
    // Prepare
    const reader = await provisionUnconfirmed();
    await recordWrite(reader);

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.NOT_OWNED, { reader }));

    // Assess
    expect(failure.code).toBe(ErrorCode.NOT_OWNED);
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });

  it('keeps the key of an edit whose outcome is unknown even when a source made some other way holds the name (NOT_OWNED)', async () => {
    // Prepare
    const reader = await provisionUnconfirmed();
    await recordWrite(reader, 'EDIT');

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.NOT_OWNED, { reader }));

    // Assess
    expect(failure.code).toBe(ErrorCode.DIRECTOR_OUTCOME_UNKNOWN);
    expect(keyIds()).toEqual([reader.accessKeyId]);
  });

  it("keeps this run's key when its order succeeded and only the finishing step failed", async () => {
    // Prepare
    const reader = await provisionUnconfirmed();
    await recordWrite(reader);
    const startedAt = SENT_AT;
    const order = { status: 'SUCCEEDED' as const, logSourceId: 'LogSources/1', nextWaitSeconds: 1, attempt: 1, startedAt, deadlineAt: startedAt };

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.AWS_UNAVAILABLE, { reader, order }));

    // Assess: the write is settled (Director holds the key), so the run keeps its own code.
    expect(failure.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(failure.cleanup.deletedAccessKeys).toEqual([]);
    expect(keyIds()).toEqual([reader.accessKeyId]);
  });

  it('touches nothing when another run holds the account (ACCOUNT_BUSY)', async () => {
    // Prepare: another run's key, not yet sent to Director.
    const other = await provisionUnconfirmed();

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.ACCOUNT_BUSY));

    // Assess
    expect(failure.cleanup).toEqual({ deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] });
    expect(keyIds()).toEqual([other.accessKeyId]);
  });

  it('leaves a user alone that no longer carries the ownership tags', async () => {
    // Prepare
    const reader = await provisionUnconfirmed();
    await sandbox().iam.send(new UntagUserCommand({ UserName: USER, TagKeys: ['logpoint:managed-by'] }));

    // Act
    const failure = await compensateOnboarding(clients(), failedState(ErrorCode.ACCESS_VERIFICATION_FAILED));

    // Assess
    expect(failure.cleanup.kept).toContain(`user ${USER}: not this product's reader; left untouched`);
    expect(keyIds()).toEqual([reader.accessKeyId]);
  });

  it('reports an invalid input without touching anything', async () => {
    // Act
    const failure = await compensateOnboarding(clients(), { input: ['not', 'an', 'object'], error: { Error: 'INVALID_INPUT', Cause: 'bad' } });

    // Assess
    expect(failure).toMatchObject({ code: 'INVALID_INPUT', accountId: null, cleanup: { deletedAccessKeys: [], kept: [] } });
  });
});
