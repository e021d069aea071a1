import { CreateSecretCommand, DeleteSecretCommand, EncryptionFailure, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { deleteAccountSecret, describeAccountSecret, readAccessKey, readAccessKeyId, writeAccessKey } from '../../../lambda/shared/account-secret.js';
import { tagAccountSecret } from '../../../lambda/shared/account-secret-tags.js';
import type { OnboardingError } from '../../../lambda/shared/errors.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { OWNER_MARKER, accountSecretName } from '../../../lambda/contract/names.js';
import { restorePreviousAccessKey } from '../../../lambda/shared/account-secret-versions.js';

const SECRET = accountSecretName(ACCOUNT);
const USER = `cloudtrail-reader-${ACCOUNT}`;
const KEY_1 = { accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'first/Secret+Access+Key/EXAMPLE/0000001' };
const KEY_2 = { accessKeyId: 'AKIAEXAMPLEKEY000002', secretAccessKey: 'second/Secret+Access+Key/EXAMPLE/000002' };

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });

const sm = () => sandbox().secretsManager;
const write = (key: { accessKeyId: string; secretAccessKey: string }) => writeAccessKey(sm(), { accountId: ACCOUNT, userName: USER, ...key });

function expectFreeOfSecrets(error: OnboardingError, secrets: string[]): void {
  const text = JSON.stringify([error.message, error.toJSON(), error.details]);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('writeAccessKey', () => {
  it('creates the tagged secret with the key pair as JSON', async () => {
    // Act
    const result = await write(KEY_1);

    // Assess
    expect(result).toMatchObject({ secretName: SECRET, created: true, restored: false });
    expect(result.secretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${HOME_ACCOUNT}:secret:${SECRET}-`));
    expect(JSON.parse(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET) ?? '')).toEqual(KEY_1);
    expect(sandbox().fakes.secretsManager.secrets()[0]?.tags).toEqual({
      'logpoint:managed-by': OWNER_MARKER,
      'logpoint:account-id': ACCOUNT,
      'logpoint:reader-user': USER,
    });
    expect(JSON.stringify(result)).not.toContain(KEY_1.secretAccessKey);
  });

  it('puts a new version into its own secret, keeping the earlier key as AWSPREVIOUS', async () => {
    // Prepare
    const first = await write(KEY_1);

    // Act
    const second = await write(KEY_2);

    // Assess
    expect(second).toMatchObject({ created: false, restored: false, secretArn: first.secretArn });
    expect(await readAccessKey(sm(), ACCOUNT)).toEqual(KEY_2);
    expect(await readAccessKey(sm(), ACCOUNT, { versionStage: 'AWSPREVIOUS' })).toEqual(KEY_1);
  });

  it('restores a secret scheduled for deletion, then writes', async () => {
    // Prepare
    const first = await write(KEY_1);
    await sm().send(new DeleteSecretCommand({ SecretId: first.secretArn, RecoveryWindowInDays: 7 }));

    // Act
    const result = await write(KEY_2);

    // Assess
    expect(result).toMatchObject({ created: false, restored: true });
    expect(sandbox().summary().secretsScheduledForDeletion).toEqual([]);
    expect(await readAccessKey(sm(), ACCOUNT)).toEqual(KEY_2);
  });

  it.each([
    ['untagged', []],
    [
      'tagged for another account',
      [
        { Key: 'logpoint:managed-by', Value: OWNER_MARKER },
        { Key: 'logpoint:account-id', Value: '444455556666' },
      ],
    ],
  ])('fails with NOT_OWNED and leaves a secret of that name alone when it is %s', async (_what, tags) => {
    // Prepare
    await sm().send(new CreateSecretCommand({ Name: SECRET, SecretString: 'foreign', Tags: tags }));

    // Act
    const error = await onboardingErrorOf(write(KEY_1));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(SECRET);
    expect(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET)).toBe('foreign');
    expectFreeOfSecrets(error, [KEY_1.secretAccessKey]);
  });

  it('redacts the secret from a failure message that echoes it', async () => {
    // Prepare
    await write(KEY_1);
    sandbox().fakes.secretsManager.failNext(
      'PutSecretValue',
      new EncryptionFailure({ message: `could not store ${KEY_2.secretAccessKey}`, $metadata: { httpStatusCode: 400 } }),
    );

    // Act
    const error = await onboardingErrorOf(write(KEY_2));

    // Assess
    expect(error.code).toBe(ErrorCode.READER_PROVISIONING_FAILED);
    expect(error.message).toContain('[REDACTED]');
    expect(error.cause).toBeUndefined();
    expectFreeOfSecrets(error, [KEY_2.secretAccessKey]);
  });
});

describe('readAccessKey', () => {
  it('fails with SECRET_NOT_FOUND when there is no secret, and readAccessKeyId answers null', async () => {
    // Act
    const error = await onboardingErrorOf(readAccessKey(sm(), ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.SECRET_NOT_FOUND);
    expect(error.message).toContain(SECRET);
    expect(await readAccessKeyId(sm(), ACCOUNT)).toBeNull();
  });

  it('fails with SECRET_NOT_FOUND while the secret is scheduled for deletion', async () => {
    // Prepare
    const written = await write(KEY_1);
    await sm().send(new DeleteSecretCommand({ SecretId: written.secretArn, RecoveryWindowInDays: 7 }));

    // Act
    const error = await onboardingErrorOf(readAccessKey(sm(), ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.SECRET_NOT_FOUND);
  });

  it.each([
    ['not JSON', `not json ${KEY_1.secretAccessKey}`],
    ['a JSON array', JSON.stringify([KEY_1.secretAccessKey])],
    ['missing the secret', JSON.stringify({ accessKeyId: KEY_1.accessKeyId })],
    ['missing the key id', JSON.stringify({ secretAccessKey: KEY_1.secretAccessKey })],
    ['holding a malformed key id', JSON.stringify({ accessKeyId: 'nope', secretAccessKey: KEY_1.secretAccessKey })],
  ])('fails with SECRET_INVALID, without quoting the value, when it is %s', async (_what, value) => {
    // Prepare
    const written = await write(KEY_1);
    await sm().send(new PutSecretValueCommand({ SecretId: written.secretArn, SecretString: value }));

    // Act
    const error = await onboardingErrorOf(readAccessKey(sm(), ACCOUNT));

    // Assess
    expect(error.code).toBe(ErrorCode.SECRET_INVALID);
    expectFreeOfSecrets(error, [KEY_1.secretAccessKey, value]);
  });
});

describe('describeAccountSecret', () => {
  it('answers null without a secret, and ownership, tags and versions with one', async () => {
    // Prepare
    const missing = await describeAccountSecret(sm(), ACCOUNT);
    await write(KEY_1);
    await write(KEY_2);

    // Act
    const described = await describeAccountSecret(sm(), ACCOUNT);

    // Assess
    expect(missing).toBeNull();
    expect(described).toMatchObject({ secretName: SECRET, owned: true, scheduledForDeletion: false });
    expect(described?.tags['logpoint:reader-user']).toBe(USER);
    expect(described?.currentVersionId).not.toBeNull();
    expect(described?.previousVersionId).not.toBeNull();
    expect(described?.currentVersionId).not.toBe(described?.previousVersionId);
    expect(JSON.stringify(described)).not.toContain(KEY_2.secretAccessKey);
  });
});

describe('restorePreviousAccessKey', () => {
  it('moves AWSCURRENT back to the previous key when the replaced key is still current', async () => {
    // Prepare
    await write(KEY_1);
    await write(KEY_2);

    // Act
    const outcome = await restorePreviousAccessKey(sm(), ACCOUNT, KEY_2.accessKeyId, () => Promise.resolve(true));

    // Assess
    expect(outcome).toEqual({ restored: true, accessKeyId: KEY_1.accessKeyId });
    expect(await readAccessKey(sm(), ACCOUNT)).toEqual(KEY_1);
  });

  it('does not undo a later writer, nor restore a key the caller rejects', async () => {
    // Prepare
    await write(KEY_1);
    await write(KEY_2);

    // Act
    const notCurrent = await restorePreviousAccessKey(sm(), ACCOUNT, KEY_1.accessKeyId, () => Promise.resolve(true));
    const rejected = await restorePreviousAccessKey(sm(), ACCOUNT, KEY_2.accessKeyId, () => Promise.resolve(false));

    // Assess
    expect(notCurrent).toEqual({ restored: false, reason: 'current-is-other-key' });
    expect(rejected).toEqual({ restored: false, reason: 'previous-key-rejected' });
    expect(await readAccessKey(sm(), ACCOUNT)).toEqual(KEY_2);
  });
});

describe('tagAccountSecret', () => {
  it('records the log source id and the last order on our secret', async () => {
    // Prepare
    await write(KEY_1);

    // Act
    await tagAccountSecret(sm(), ACCOUNT, {
      logSourceId: 'LogSources/0f2b8c1e-4d5a-4c3b-9e7f-1a2b3c4d5e6f',
      lastOrder: 'monitorapi/pool/lp/orders/abc123',
    });

    // Assess
    expect(sandbox().fakes.secretsManager.secrets()[0]?.tags).toMatchObject({
      'logpoint:log-source-id': 'LogSources/0f2b8c1e-4d5a-4c3b-9e7f-1a2b3c4d5e6f',
      'logpoint:last-order': 'monitorapi/pool/lp/orders/abc123',
      'logpoint:managed-by': OWNER_MARKER,
    });
  });

  it('refuses to tag a foreign or missing secret, and values Secrets Manager would reject', async () => {
    // Prepare
    const missing = await onboardingErrorOf(tagAccountSecret(sm(), ACCOUNT, { lastOrder: 'x' }));
    await sm().send(new CreateSecretCommand({ Name: SECRET, SecretString: 'foreign' }));

    // Act
    const foreign = await onboardingErrorOf(tagAccountSecret(sm(), ACCOUNT, { lastOrder: 'x' }));
    const invalid = await onboardingErrorOf(tagAccountSecret(sm(), ACCOUNT, { lastOrder: 'orders?id=<1>' }));

    // Assess
    expect(missing.code).toBe(ErrorCode.SECRET_NOT_FOUND);
    expect(foreign.code).toBe(ErrorCode.NOT_OWNED);
    expect(invalid.code).toBe(ErrorCode.INVALID_INPUT);
    expect(sandbox().fakes.secretsManager.secrets()[0]?.tags).toEqual({});
  });
});

describe('deleteAccountSecret', () => {
  it('deletes our secret, reports a missing one as absent and keeps a foreign one', async () => {
    // Prepare
    await write(KEY_1);

    // Act
    const deleted = await deleteAccountSecret(sm(), ACCOUNT);
    const absent = await deleteAccountSecret(sm(), ACCOUNT);
    await sm().send(new CreateSecretCommand({ Name: SECRET, SecretString: 'foreign' }));
    const foreign = await deleteAccountSecret(sm(), ACCOUNT);

    // Assess
    expect([deleted, absent, foreign]).toEqual(['deleted', 'absent', 'not-owned']);
    expect(sandbox().summary().secrets).toEqual([SECRET]);
  });
});
