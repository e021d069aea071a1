import { CreateUserCommand, PutUserPermissionsBoundaryCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, EncryptionFailure } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { OWNER_MARKER, READER_USER_PATH, readerUserName } from '../../../lambda/contract/names.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';
import { readerIdentitySchema } from '../../../lambda/onboarding/workflow-contract.js';
import { READER_POLICY_NAME, buildReaderPolicy } from '../../../lambda/shared/reader-policy.js';
import { ACCOUNT, HOME_ACCOUNT, REGION } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import {
  KEY_ARN,
  PREFIX,
  SECRET,
  USER,
  allSecrets,
  bucketFacts,
  clients,
  expectFreeOf,
  keyIds,
  provision,
  sandbox,
  secretKeyId,
  useReaderSandbox,
} from './reader-fixture.js';

useReaderSandbox();

const OTHER_ACCOUNT = '444455556666';

describe('provisionReader', () => {
  it('creates the tagged /logpoint/ user, its least-privilege policy, one key and the account secret', async () => {
    // Act
    const reader = await provision(bucketFacts({ kmsKeyArn: KEY_ARN }));

    // Assess
    expect(readerIdentitySchema.parse(reader)).toEqual(reader);
    expect(reader).toMatchObject({
      userName: USER,
      userArn: `arn:aws:iam::${HOME_ACCOUNT}:user/logpoint/${USER}`,
      secretName: SECRET,
      created: { user: true, secret: true, accessKey: true },
    });
    const [user] = sandbox().fakes.iam.users();
    expect(user).toMatchObject({ userName: USER, path: READER_USER_PATH, policyNames: [READER_POLICY_NAME] });
    expect(user?.tags).toMatchObject({ 'logpoint:managed-by': OWNER_MARKER, 'logpoint:account-id': ACCOUNT });
    expect(sandbox().fakes.iam.policies(USER)[0]?.document).toEqual(
      buildReaderPolicy({ bucketName: 'trail-bucket', logPrefix: PREFIX, kmsKeyArn: KEY_ARN, bucketRegion: REGION }),
    );
    expect(keyIds()).toEqual([reader.accessKeyId]);
    expect(JSON.parse(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET) ?? '')).toEqual({
      accessKeyId: reader.accessKeyId,
      secretAccessKey: sandbox().fakes.iam.revealSecretAccessKeyForTest(reader.accessKeyId),
    });
    expect(sandbox().fakes.secretsManager.secrets()[0]?.tags).toMatchObject({
      'logpoint:managed-by': OWNER_MARKER,
      'logpoint:account-id': ACCOUNT,
      'logpoint:reader-user': USER,
    });
    expectFreeOf(reader, allSecrets());
  });

  it('on a re-run reuses the user, rewrites the policy and stages a new key while the earlier one stays active', async () => {
    // Prepare
    const first = await provision();

    // Act
    const second = await provision(bucketFacts({ kmsKeyArn: KEY_ARN }));

    // Assess
    expect(sandbox().fakes.iam.users()).toHaveLength(1);
    expect(second.created).toEqual({ user: false, secret: false, accessKey: true });
    expect(second.userArn).toBe(first.userArn);
    expect(second.secretArn).toBe(first.secretArn);
    const actions = sandbox()
      .fakes.iam.policies(USER)[0]
      ?.document.Statement.flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('kms:Decrypt');
    expect(keyIds()).toEqual([first.accessKeyId, second.accessKeyId]);
    expect(
      sandbox()
        .fakes.iam.accessKeys()
        .every((key) => key.status === 'Active'),
    ).toBe(true);
    expect(secretKeyId()).toBe(second.accessKeyId);
    expect(secretKeyId('AWSPREVIOUS')).toBe(first.accessKeyId);
  });

  it('frees a key slot by deleting only an idle key that the secret does not hold', async () => {
    // Prepare: K1 was never used, K2 is in the secret.
    const first = await provision();
    const second = await provision();

    // Act
    const third = await provision();

    // Assess
    expect(keyIds()).toEqual([second.accessKeyId, third.accessKeyId]);
    expect(keyIds()).not.toContain(first.accessKeyId);
    expect(secretKeyId()).toBe(third.accessKeyId);
  });

  it('deletes an Inactive key the secret does not hold even if it was used', async () => {
    // Prepare
    const first = await provision();
    const second = await provision();
    sandbox().fakes.iam.recordKeyUse(first.accessKeyId, 's3', REGION);
    await sandbox().iam.send(new UpdateAccessKeyCommand({ UserName: USER, AccessKeyId: first.accessKeyId, Status: 'Inactive' }));

    // Act
    const third = await provision();

    // Assess
    expect(keyIds()).toEqual([second.accessKeyId, third.accessKeyId]);
  });

  it('fails with ACCESS_KEY_LIMIT and deletes nothing when one key is in use and the other is the secret key, even unused', async () => {
    // Prepare: K1 is in use (by Director, say); K2 is in the secret and has never been used.
    const first = await provision();
    const second = await provision();
    sandbox().fakes.iam.recordKeyUse(first.accessKeyId, 's3', REGION);
    const secretsBefore = allSecrets();

    // Act
    const error = await onboardingErrorOf(provision());

    // Assess
    expect(error.code).toBe(ErrorCode.ACCESS_KEY_LIMIT);
    expect(error.message).toContain(first.accessKeyId);
    expect(error.message).toContain(second.accessKeyId);
    expect(error.message).toContain(SECRET);
    expect(keyIds()).toEqual([first.accessKeyId, second.accessKeyId]);
    expect(secretKeyId()).toBe(second.accessKeyId);
    expectFreeOf(error, secretsBefore);
  });

  it.each([
    ['untagged', READER_USER_PATH, []],
    [
      'under another path',
      '/',
      [
        { Key: 'logpoint:managed-by', Value: OWNER_MARKER },
        { Key: 'logpoint:account-id', Value: ACCOUNT },
      ],
    ],
    [
      'tagged for another account',
      READER_USER_PATH,
      [
        { Key: 'logpoint:managed-by', Value: OWNER_MARKER },
        { Key: 'logpoint:account-id', Value: '444455556666' },
      ],
    ],
  ])('fails with NOT_OWNED and changes nothing when a user of that name exists %s', async (_what, path, tags) => {
    // Prepare
    await sandbox().iam.send(new CreateUserCommand({ UserName: USER, Path: path, Tags: tags }));

    // Act
    const error = await onboardingErrorOf(provision());

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(USER);
    expect(sandbox().fakes.iam.users()[0]?.policyNames).toEqual([]);
    expect(keyIds()).toEqual([]);
    expect(sandbox().summary().secrets).toEqual([]);
  });

  it('fails with NOT_OWNED on a foreign secret and removes the user and key it created', async () => {
    // Prepare
    await sandbox().secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"someone":"else"}' }));

    // Act
    const error = await onboardingErrorOf(provision());

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(SECRET);
    expect(sandbox().summary().users).toEqual([]);
    expect(keyIds()).toEqual([]);
    expect(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET)).toBe('{"someone":"else"}');
  });

  it('deletes the new key when writing the secret fails, and never echoes its secret', async () => {
    // Prepare: a re-run whose PutSecretValue fails with a message that (absurdly) echoes the new secret.
    const first = await provision();
    const newestSecret = () => sandbox().fakes.iam.revealSecretAccessKeyForTest(keyIds().at(-1) ?? '');
    let echoed = '';
    sandbox().fakes.secretsManager.failNext('PutSecretValue', () => {
      echoed = newestSecret();
      return new EncryptionFailure({ message: `internal failure near ${echoed}`, $metadata: { httpStatusCode: 400 } });
    });

    // Act
    const error = await onboardingErrorOf(provision());

    // Assess
    expect(error.code).toBe(ErrorCode.READER_PROVISIONING_FAILED);
    expect(error.message).toContain('EncryptionFailure');
    expect(echoed).not.toBe('');
    expectFreeOf(error, [echoed]);
    expect(keyIds()).toEqual([first.accessKeyId]);
    expect(sandbox().summary().users).toEqual([USER]);
    expect(secretKeyId()).toBe(first.accessKeyId);
  });

  it('removes the user it created when creating the secret fails', async () => {
    // Prepare
    sandbox().fakes.secretsManager.failNext('CreateSecret', new EncryptionFailure({ message: 'boom', $metadata: { httpStatusCode: 400 } }));

    // Act
    const error = await onboardingErrorOf(provision());

    // Assess
    expect(error.code).toBe(ErrorCode.READER_PROVISIONING_FAILED);
    expect(error.details.rolledBack).toEqual([expect.stringContaining('access key'), `user ${USER}`]);
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });

  it('refuses a prefix that would widen the grant before creating anything', async () => {
    // Act
    const error = await onboardingErrorOf(provision(bucketFacts({ logPrefix: 'AWSLogs/*/CloudTrail/' })));

    // Assess
    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });
  it('creates the reader with the permissions boundary, gives an older reader the boundary, and never changes another one', async () => {
    // Prepare: a reader from before boundaries, then one whose boundary someone else set.
    const boundary = `arn:aws:iam::${HOME_ACCOUNT}:policy/logpoint/stack-cloudtrail-reader-boundary`;
    const withBoundary = (accountId: string) => provisionReader(clients(), { accountId, bucket: bucketFacts(), permissionsBoundaryArn: boundary });
    await provision();

    // Act
    await withBoundary(ACCOUNT);
    await withBoundary(OTHER_ACCOUNT);
    await sandbox().iam.send(
      new PutUserPermissionsBoundaryCommand({ UserName: readerUserName(OTHER_ACCOUNT), PermissionsBoundary: `arn:aws:iam::${HOME_ACCOUNT}:policy/theirs` }),
    );
    const changed = await onboardingErrorOf(withBoundary(OTHER_ACCOUNT));

    // Assess
    const boundaries = Object.fromEntries(
      sandbox()
        .fakes.iam.users()
        .map((user) => [user.userName, user.permissionsBoundary]),
    );
    expect(boundaries[USER]).toBe(boundary);
    expect(boundaries[readerUserName(OTHER_ACCOUNT)]).toBe(`arn:aws:iam::${HOME_ACCOUNT}:policy/theirs`);
    expect(changed.code).toBe(ErrorCode.READER_PROVISIONING_FAILED);
    expect(changed.message).toContain('never changes a boundary');
  });
});
