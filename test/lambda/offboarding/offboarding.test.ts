import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { readAccessKey, tagAccountSecret } from '../../../lambda/shared/account-secret.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import { buildLogSourceBody } from '../../../lambda/shared/log-source-body.js';
import {
  checkDeletionOrder,
  deleteAccountLogSource,
  describeOffboardingFailure,
  removeReaderUser,
  resolveOffboardingRequest,
  scheduleSecretDeletion,
  summarizeOffboarding,
  takeInventory,
} from '../../../lambda/offboarding/offboarding.js';
import { provisionReader } from '../../../lambda/shared/reader-user.js';
import { READER_POLICY_NAME } from '../../../lambda/shared/reader-policy.js';
import { runtimeSettingsSchema, type RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import {
  logSourceDeletionSchema,
  offboardingInventorySchema,
  offboardingSummarySchema,
  type LogSourceDeletion,
  type OffboardingInventory,
  type OffboardingRequest,
  type ReaderRemoval,
  type SecretDeletion,
} from '../../../lambda/offboarding/workflow-contract.js';
import { iamErrors } from '../../../local/aws/iam-errors.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { harnessPerTest, rejectionOf, type Harness } from '../director/support.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { accountSecretName, readerUserName } from '../../../lambda/contract/names.js';

const USER = readerUserName(ACCOUNT);
const SECRET = accountSecretName(ACCOUNT);
const START = Date.parse('2026-03-01T12:00:00.000Z');
const ORDER_DELAY_MS = 1_000;
const DAY_MS = 86_400_000;

const settings: RuntimeSettings = runtimeSettingsSchema.parse({
  director: { baseUrl: 'https://director.example.com', poolUuid: 'a'.repeat(32), logpointId: 'b'.repeat(32), credentialSecretId: 'logpoint/director/api' },
  trail: { bucketName: 'org-trail-bucket', bucketRegion: REGION },
  logSource: {},
  orderPolling: { initialWaitSeconds: 2, maxWaitSeconds: 60, deadlineSeconds: 120 },
});
const request: OffboardingRequest = { accountId: ACCOUNT, reason: 'account-closed', logSourceName: `CloudTrail-${ACCOUNT}`, trigger: null };

let nowMs: number;
let harness: Harness;

beforeEach(() => {
  nowMs = START;
});
// One clock for IAM, Secrets Manager, Director orders and tokens: tests move it instead of waiting.
const aws = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION, clock: () => nowMs });
const startDirector = harnessPerTest();
beforeEach(async () => {
  harness = await startDirector({ simulator: { clock: () => nowMs, orderDelayMs: ORDER_DELAY_MS }, client: { now: () => nowMs } });
});

const now = (): Date => new Date(nowMs);
const advance = (ms: number): void => {
  nowMs += ms;
};
const clients = () => ({ iam: aws().iam, secretsManager: aws().secretsManager, director: harness.client });
const directorContext = () => ({ director: harness.client, polling: settings.orderPolling, now });
const deletes = () => harness.director.operations.filter((operation) => operation.startsWith('DELETE '));
const userNames = () => aws().fakes.iam.users().map((user) => user.userName);
const keyIds = () => aws().fakes.iam.accessKeys().map((key) => key.accessKeyId);
const secretView = (name = SECRET) => aws().fakes.secretsManager.secrets().find((secret) => secret.name === name);

/** Submits a log source body and lets the simulator's order complete. */
async function createInDirector(body: ReturnType<typeof buildLogSourceBody>): Promise<string> {
  await harness.client.createLogSource(body);
  advance(ORDER_DELAY_MS);
  const created = await harness.client.findLogSourceByName(body.name);
  return created?.id ?? expect.fail(`log source ${body.name} was not created`);
}

/** What a successful onboarding leaves: the tagged user, its policy and key, the secret, and the log source recorded on it. */
async function onboard(accountId = ACCOUNT, options: { name?: string; markOwnership?: boolean } = {}): Promise<{ logSourceId: string; accessKeyId: string; secretAccessKey: string }> {
  const bucket = { bucketName: 'org-trail-bucket', bucketRegion: REGION, logPrefix: `AWSLogs/${accountId}/CloudTrail/`, kmsKeyArn: null, sampleObjectKey: `AWSLogs/${accountId}/CloudTrail/x.json.gz` };
  await provisionReader({ iam: aws().iam, secretsManager: aws().secretsManager }, { accountId, bucket });
  const key = await readAccessKey(aws().secretsManager, accountId);
  const body = buildLogSourceBody(
    settings.logSource,
    { accountId, bucketName: bucket.bucketName, bucketRegion: REGION, ...key, filterDate: now().toISOString() },
    { name: options.name ?? `CloudTrail-${accountId}`, markOwnership: options.markOwnership ?? true },
  );
  const logSourceId = await createInDirector(body);
  if (options.markOwnership !== false) await tagAccountSecret(aws().secretsManager, accountId, { logSourceId });
  return { logSourceId, ...key };
}

/** A log source of that name that this product did not create (no ownership marker). */
async function createForeignLogSource(name: string): Promise<string> {
  const body = buildLogSourceBody(
    settings.logSource,
    { accountId: ACCOUNT, bucketName: 'someone-elses-bucket', bucketRegion: REGION, accessKeyId: 'AKIAFOREIGNEXAMPLE00', secretAccessKey: 'foreign-secret-value', filterDate: now().toISOString() },
    { name, markOwnership: false },
  );
  return createInDirector(body);
}

async function caught(promise: Promise<unknown>): Promise<OnboardingError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(OnboardingError);
  return error as OnboardingError;
}

const inventory = (overrides: Partial<OffboardingInventory> = {}): OffboardingInventory => ({
  logSourceName: request.logSourceName,
  logSourceFound: false,
  logSourceId: null,
  readerUser: 'absent',
  secret: 'absent',
  ...overrides,
});

describe('resolveOffboardingRequest', () => {
  it('defaults the reason to manual, the trigger to null and the name to the pattern onboarding uses', () => {
    // Act
    const resolved = resolveOffboardingRequest({ accountId: ACCOUNT }, settings);

    // Assess
    expect(resolved).toEqual({ accountId: ACCOUNT, reason: 'manual', logSourceName: `CloudTrail-${ACCOUNT}`, trigger: null });
  });

  it('keeps an explicit reason, log source name and trigger', () => {
    // Act
    const resolved = resolveOffboardingRequest({ accountId: ACCOUNT, reason: 'removed-from-organization', logSourceName: 'legacy', trigger: 'eventbridge' }, settings);

    // Assess
    expect(resolved).toEqual({ accountId: ACCOUNT, reason: 'removed-from-organization', logSourceName: 'legacy', trigger: 'eventbridge' });
  });
});

describe('takeInventory (FindLogSource)', () => {
  it('finds the onboarded account: its own log source by the recorded id, the reader user and the secret', async () => {
    // Prepare
    const { logSourceId } = await onboard();

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(offboardingInventorySchema.parse(found)).toEqual({
      logSourceName: `CloudTrail-${ACCOUNT}`,
      logSourceFound: true,
      logSourceId,
      readerUser: 'present',
      secret: 'present',
    });
  });

  it('reports nothing for an account that was never onboarded, and changes nothing', async () => {
    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found).toEqual(inventory());
    expect(harness.director.operations).toEqual([]);
  });

  it('finds our log source under a different name through its ownership marker (the name pattern changed)', async () => {
    // Prepare: onboarded under an old name, and the id was never recorded on the secret.
    const { logSourceId } = await onboard(ACCOUNT, { name: 'old-pattern-111122223333' });
    await aws().secretsManager.send(new DeleteSecretCommand({ SecretId: SECRET, ForceDeleteWithoutRecovery: true }));

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found).toMatchObject({ logSourceFound: true, logSourceId, logSourceName: 'old-pattern-111122223333', secret: 'absent' });
  });

  it('fails with NOT_OWNED naming a foreign log source of the expected name', async () => {
    // Prepare
    const foreignId = await createForeignLogSource(`CloudTrail-${ACCOUNT}`);

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(`"CloudTrail-${ACCOUNT}"`);
    expect(error.message).toContain(foreignId);
  });

  it('fails with NOT_OWNED naming an IAM user of the reader name that is not tagged as ours', async () => {
    // Prepare
    await aws().iam.send(new CreateUserCommand({ UserName: USER, Path: '/logpoint/' }));

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(USER);
    expect(userNames()).toEqual([USER]);
  });

  it('fails with NOT_OWNED naming a secret of the account name that is not tagged as ours', async () => {
    // Prepare
    await aws().secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"note":"not ours"}' }));

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(SECRET);
  });

  it('sees a secret that an earlier offboarding scheduled for deletion', async () => {
    // Prepare
    await onboard();
    await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found.secret).toBe('scheduled-for-deletion');
  });
});

describe('deleteAccountLogSource (DeleteLogSource)', () => {
  it('submits DELETE for our log source and sets the order deadline from the settings', async () => {
    // Prepare
    const { logSourceId } = await onboard();

    // Act
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });

    // Assess
    expect(logSourceDeletionSchema.parse(deletion)).toMatchObject({
      status: 'SUBMITTED',
      logSourceId,
      submittedAt: new Date(START + ORDER_DELAY_MS).toISOString(),
      deadlineAt: new Date(START + ORDER_DELAY_MS + 120_000).toISOString(),
    });
    expect(deletion.orderPath).toMatch(/\/monitorapi\/.+\/orders\//);
    expect(deletes()).toEqual([`DELETE /configapi/${harness.director.poolUuid}/${harness.director.logpointId}/LogSources/${logSourceId.replace('LogSources/', '')}`]);
  });

  it('reports ALREADY_GONE without a DELETE when the source is no longer listed', async () => {
    // Act
    const deletion = await deleteAccountLogSource(directorContext(), {
      request,
      inventory: inventory({ logSourceFound: true, logSourceId: 'LogSources/0f8c1b2a-3d4e-4f60-8a7b-9c0d1e2f3a4b' }),
    });

    // Assess
    expect(deletion).toMatchObject({ status: 'ALREADY_GONE', orderPath: null, requestId: null });
    expect(deletes()).toEqual([]);
  });

  it('refuses to delete a source that is not marked as ours, even when handed its id', async () => {
    // Prepare
    const foreignId = await createForeignLogSource('someone-elses-source');

    // Act
    const error = await caught(deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId: foreignId }) }));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(deletes()).toEqual([]);
    expect(harness.director.logSources()).toHaveLength(1);
  });
});

describe('checkDeletionOrder (CheckOrder)', () => {
  async function submitted(): Promise<LogSourceDeletion> {
    const { logSourceId } = await onboard();
    return deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });
  }

  it('reports PENDING with a growing wait while the order runs', async () => {
    // Prepare
    const deletion = await submitted();

    // Act
    const first = await checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: 0 }, now());
    const second = await checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: first.attempt }, now());

    // Assess
    expect(first).toEqual({ status: 'PENDING', attempt: 1, nextWaitSeconds: 4, deadlineAt: deletion.deadlineAt });
    expect(second).toMatchObject({ status: 'PENDING', attempt: 2, nextWaitSeconds: 8 });
  });

  it('reports DELETED once the order succeeded and the source is no longer listed', async () => {
    // Prepare
    const deletion = await submitted();
    advance(ORDER_DELAY_MS);

    // Act
    const poll = await checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: 3 }, now());

    // Assess
    expect(poll).toMatchObject({ status: 'DELETED', attempt: 4 });
    expect(harness.director.logSources()).toEqual([]);
  });

  it('fails with DIRECTOR_ORDER_FAILED and Director\'s reasons when the order fails and the source is still there', async () => {
    // Prepare
    const { logSourceId } = await onboard();
    harness.director.faults.failOrders(1, { errors: ['LogSource is in use by a running collector.'] });
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });
    advance(ORDER_DELAY_MS);

    // Act
    const error = await caught(checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: 1 }, now()));

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_FAILED);
    expect(error.message).toContain('LogSource is in use by a running collector.');
    expect(harness.director.logSources()).toHaveLength(1);
  });

  it('reports ALREADY_GONE when the order failed because a concurrent run deleted the source first', async () => {
    // Prepare: two DELETEs of the same source; the second one's order fails with "does not exist".
    const { logSourceId } = await onboard();
    const input = { request, inventory: inventory({ logSourceFound: true, logSourceId }) };
    await deleteAccountLogSource(directorContext(), input);
    const second = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);

    // Act
    const poll = await checkDeletionOrder(harness.client, settings.orderPolling, { deletion: second, attempt: 1 }, now());

    // Assess
    expect(poll.status).toBe('ALREADY_GONE');
  });

  it('fails with DIRECTOR_ORDER_TIMEOUT when the order is still pending at the deadline', async () => {
    // Prepare
    const { logSourceId } = await onboard();
    harness.director.faults.neverFinishOrders(1);
    const deletion = await deleteAccountLogSource(directorContext(), { request, inventory: inventory({ logSourceFound: true, logSourceId }) });

    // Act
    const error = await caught(checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: 9 }, new Date(Date.parse(deletion.deadlineAt))));

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_TIMEOUT);
  });
});

describe('removeReaderUser (RemoveReader)', () => {
  it('deletes every access key, the inline policy and the user', async () => {
    // Prepare
    const { accessKeyId } = await onboard();

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal).toEqual({ userName: USER, userFound: true, deletedAccessKeys: [accessKeyId], deletedPolicies: [READER_POLICY_NAME], deletedUser: true });
    expect(userNames()).toEqual([]);
    expect(keyIds()).toEqual([]);
  });

  it('reports a user that does not exist as not found, and succeeds', async () => {
    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal).toEqual({ userName: USER, userFound: false, deletedAccessKeys: [], deletedPolicies: [], deletedUser: false });
  });

  it('fails with NOT_OWNED and deletes nothing when the user of that name is not ours', async () => {
    // Prepare
    await aws().iam.send(new CreateUserCommand({ UserName: USER, Path: '/logpoint/', Tags: [{ Key: 'logpoint:managed-by', Value: 'someone-else' }] }));
    await aws().iam.send(new PutUserPolicyCommand({ UserName: USER, PolicyName: 'theirs', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}' }));

    // Act
    const error = await caught(removeReaderUser(aws().iam, ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(USER);
    expect(aws().fakes.iam.users()).toMatchObject([{ userName: USER, policyNames: ['theirs'] }]);
  });

  it('deletes a second key a concurrent rotation added, and the user', async () => {
    // Prepare
    const { accessKeyId } = await onboard();
    const second = (await aws().iam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey?.AccessKeyId;

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal.deletedAccessKeys.sort()).toEqual([accessKeyId, second].sort());
    expect(removal.deletedUser).toBe(true);
    expect(keyIds()).toEqual([]);
  });

  it('tries once more when IAM reports a conflict (something was added meanwhile), then deletes the user', async () => {
    // Prepare
    await onboard();
    aws().fakes.iam.failNext('DeleteUser', iamErrors.deleteConflict('access keys'));

    // Act
    const removal = await removeReaderUser(aws().iam, ACCOUNT);

    // Assess
    expect(removal.deletedUser).toBe(true);
    expect(userNames()).toEqual([]);
  });

  it('fails with NOT_OWNED, naming what blocks it, when IAM refuses to delete the user because of foreign attachments', async () => {
    // Prepare
    await onboard();
    aws().fakes.iam.failNext('DeleteUser', iamErrors.deleteConflict('policies'), 2);

    // Act
    const error = await caught(removeReaderUser(aws().iam, ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toMatch(/managed policy, group membership/);
    expect(keyIds()).toEqual([]);
  });
});

describe('scheduleSecretDeletion (ScheduleSecretDeletion)', () => {
  it('schedules our secret for deletion after the recovery window', async () => {
    // Prepare
    await onboard();

    // Act
    const outcome = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Assess
    const expectedDate = new Date(START + ORDER_DELAY_MS + 7 * DAY_MS).toISOString();
    expect(outcome).toEqual({ secretName: SECRET, outcome: 'SCHEDULED', deletionDate: expectedDate, recoveryWindowDays: 7 });
    expect(secretView()).toMatchObject({ scheduledForDeletion: true });
    expect(secretView()?.deletionDate?.toISOString()).toBe(expectedDate);
  });

  it('uses a longer recovery window when asked', async () => {
    // Prepare
    await onboard();

    // Act
    const outcome = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 30 });

    // Assess
    expect(outcome.deletionDate).toBe(new Date(START + ORDER_DELAY_MS + 30 * DAY_MS).toISOString());
  });

  it('reports a secret already scheduled, and one that does not exist, as done', async () => {
    // Prepare
    await onboard();
    await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Act
    const again = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });
    const missing = await scheduleSecretDeletion(aws().secretsManager, { accountId: '222233334444', recoveryWindowDays: 7 });

    // Assess
    expect(again).toMatchObject({ outcome: 'ALREADY_SCHEDULED', deletionDate: null });
    expect(missing).toMatchObject({ outcome: 'ABSENT', secretName: accountSecretName('222233334444'), deletionDate: null });
  });

  it('fails with NOT_OWNED and leaves a foreign secret of that name alone', async () => {
    // Prepare
    await aws().secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"note":"not ours"}' }));

    // Act
    const error = await caught(scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 }));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(secretView()?.scheduledForDeletion).toBe(false);
  });
});

describe('summarizeOffboarding', () => {
  const removal = (overrides: Partial<ReaderRemoval> = {}): ReaderRemoval => ({
    userName: USER,
    userFound: false,
    deletedAccessKeys: [],
    deletedPolicies: [],
    deletedUser: false,
    ...overrides,
  });
  const secret = (outcome: SecretDeletion['outcome'], deletionDate: string | null = null): SecretDeletion => ({ secretName: SECRET, outcome, deletionDate, recoveryWindowDays: 7 });

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
    const summary = summarizeOffboarding({ request, inventory: inventory({ secret: 'scheduled-for-deletion' }), reader: removal() }, secret('ALREADY_SCHEDULED'));

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
      deletion: { status: 'SUBMITTED', logSourceId: 'LogSources/abc', orderPath: '/monitorapi/p/l/orders/r-1', requestId: 'r-1', submittedAt: now().toISOString(), deadlineAt: now().toISOString() },
      error: { Error: 'DIRECTOR_ORDER_FAILED', Cause: JSON.stringify({ errorType: 'DIRECTOR_ORDER_FAILED', errorMessage: 'Director order r-1 failed', trace: ['at x'] }) },
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
    const failure = describeOffboardingFailure({ accountId: 'not-an-account', error: { Error: 'INVALID_INPUT', Cause: 'accountId: must be a 12-digit AWS account id' } });

    // Assess
    expect(failure).toMatchObject({ code: 'INVALID_INPUT', accountId: 'not-an-account', kept: ['everything: the run failed before it deleted anything'] });
  });
});

describe('secrets', () => {
  it('never puts the reader key secret into a result or an error message of any step', async () => {
    // Prepare
    const { logSourceId, secretAccessKey } = await onboard();
    harness.director.faults.failOrders(1);
    const input = { request, inventory: await takeInventory(clients(), request) };
    const deletion = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);

    // Act
    const orderError = await caught(checkDeletionOrder(harness.client, settings.orderPolling, { deletion, attempt: 0 }, now()));
    const retried = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);
    const poll = await checkDeletionOrder(harness.client, settings.orderPolling, { deletion: retried, attempt: 0 }, now());
    const removal = await removeReaderUser(aws().iam, ACCOUNT);
    const secret = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Assess
    expect(logSourceId).toBe(input.inventory.logSourceId);
    expect(poll.status).toBe('DELETED');
    const everything = JSON.stringify([input, deletion, orderError.message, orderError.toJSON(), retried, poll, removal, secret]);
    expect(everything).not.toContain(secretAccessKey);
    expect(everything).not.toContain(harness.director.secretKey);
  });
});
