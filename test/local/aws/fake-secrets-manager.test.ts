import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { installFakeSecretsManager } from '../../../local/aws/fake-secrets-manager.js';
import type { FakeSecretsManager } from '../../../local/aws/fake-secrets-manager.js';
import { NotEmulatedError } from '../../../local/aws/strict-mock.js';

const NAME = 'logpoint/cloudtrail/111122223333';
const DAY_MS = 86_400_000;
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('FakeSecretsManager', () => {
  let client: SecretsManagerClient;
  let fake: FakeSecretsManager;
  let now: number;

  beforeEach(() => {
    now = Date.parse('2024-05-01T10:00:00Z');
    client = new SecretsManagerClient({ region: 'eu-west-1' });
    fake = installFakeSecretsManager(client, { accountId: '111122223333', region: 'eu-west-1', clock: () => now });
  });

  const create = (SecretString = '{"v":1}') =>
    client.send(new CreateSecretCommand({ Name: NAME, SecretString, Tags: [{ Key: 'owner', Value: 'lp' }], KmsKeyId: 'alias/lp' }));
  const stagesOf = async () => (await client.send(new DescribeSecretCommand({ SecretId: NAME }))).VersionIdsToStages;

  describe('create and read', () => {
    it('creates a secret whose ARN carries the six-character random suffix, readable by name or ARN', async () => {
      const { ARN, VersionId } = await create();
      expect(ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:logpoint\/cloudtrail\/111122223333-[A-Za-z0-9]{6}$/);
      const byArn = await client.send(new GetSecretValueCommand({ SecretId: ARN }));
      const byPartialArn = await client.send(new GetSecretValueCommand({ SecretId: ARN?.slice(0, -7) }));
      expect(byArn).toMatchObject({ SecretString: '{"v":1}', VersionId, VersionStages: ['AWSCURRENT'], Name: NAME });
      expect(byPartialArn.SecretString).toBe('{"v":1}');
    });

    it('refuses a duplicate name with ResourceExistsException', async () => {
      await create();
      const error: unknown = await create().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ResourceExistsException);
      expect((error as Error).name).toBe('ResourceExistsException');
    });

    it('answers an unknown secret with ResourceNotFoundException', async () => {
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('has no AWSCURRENT value for a secret created without one', async () => {
      await client.send(new CreateSecretCommand({ Name: NAME }));
      await expect(client.send(new GetSecretValueCommand({ SecretId: NAME }))).rejects.toThrow(
        "can't find the specified secret value for staging label: AWSCURRENT",
      );
    });

    it('describes tags, KMS key and version stages without ever returning a value', async () => {
      const { VersionId } = await create();
      const described = await client.send(new DescribeSecretCommand({ SecretId: NAME }));
      expect(described).toMatchObject({
        Tags: [{ Key: 'owner', Value: 'lp' }],
        KmsKeyId: 'alias/lp',
        VersionIdsToStages: { [VersionId ?? '']: ['AWSCURRENT'] },
      });
      expect(described.RotationEnabled).toBeUndefined();
      expect(JSON.stringify([described, fake.secrets()])).not.toContain('{\\"v\\":1}');
      expect(fake.revealSecretValueForTest(NAME)).toBe('{"v":1}');
    });
  });

  describe('versions and staging labels', () => {
    it('moves AWSCURRENT to a new value and AWSPREVIOUS to the value it replaced', async () => {
      const first = await create();
      const put = await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: '{"v":2}', ClientRequestToken: TOKEN_A }));
      expect(put).toMatchObject({ VersionId: TOKEN_A, VersionStages: ['AWSCURRENT'] });
      expect(await stagesOf()).toEqual({ [first.VersionId ?? '']: ['AWSPREVIOUS'], [TOKEN_A]: ['AWSCURRENT'] });
      const previous = await client.send(new GetSecretValueCommand({ SecretId: NAME, VersionStage: 'AWSPREVIOUS' }));
      expect(previous.SecretString).toBe('{"v":1}');
      await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: '{"v":3}', ClientRequestToken: TOKEN_B }));
      expect(await stagesOf()).toEqual({ [TOKEN_A]: ['AWSPREVIOUS'], [TOKEN_B]: ['AWSCURRENT'] });
      const deprecated = await client.send(new GetSecretValueCommand({ SecretId: NAME, VersionId: first.VersionId }));
      expect(deprecated).toMatchObject({ SecretString: '{"v":1}', VersionStages: [] });
    });

    it('treats a repeated token with the same value as a retry, and with another value as an error', async () => {
      await create();
      await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: 'x', ClientRequestToken: TOKEN_A }));
      await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: 'x', ClientRequestToken: TOKEN_A }));
      const changed = client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: 'y', ClientRequestToken: TOKEN_A }));
      await expect(changed).rejects.toBeInstanceOf(ResourceExistsException);
    });

    it('stages a pending value without touching AWSCURRENT, then promotes it like a rotation does', async () => {
      const first = await create();
      await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: 'next', ClientRequestToken: TOKEN_A, VersionStages: ['AWSPENDING'] }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString).toBe('{"v":1}');
      const promote = { SecretId: NAME, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_A };
      await expect(client.send(new UpdateSecretVersionStageCommand(promote))).rejects.toBeInstanceOf(InvalidParameterException);
      await client.send(new UpdateSecretVersionStageCommand({ ...promote, RemoveFromVersionId: first.VersionId }));
      expect(await stagesOf()).toEqual({ [first.VersionId ?? '']: ['AWSPREVIOUS'], [TOKEN_A]: ['AWSPENDING', 'AWSCURRENT'] });
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: NAME, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN_A }));
      expect(await stagesOf()).toEqual({ [first.VersionId ?? '']: ['AWSPREVIOUS'], [TOKEN_A]: ['AWSCURRENT'] });
    });

    it('refuses to remove AWSCURRENT without moving it elsewhere', async () => {
      const first = await create();
      const remove = client.send(new UpdateSecretVersionStageCommand({ SecretId: NAME, VersionStage: 'AWSCURRENT', RemoveFromVersionId: first.VersionId }));
      await expect(remove).rejects.toBeInstanceOf(InvalidParameterException);
    });
  });

  describe('tags, listing and rotation', () => {
    it('adds and removes tags', async () => {
      await create();
      await client.send(
        new TagResourceCommand({
          SecretId: NAME,
          Tags: [
            { Key: 'logSourceId', Value: 'ls-1' },
            { Key: 'owner', Value: 'x' },
          ],
        }),
      );
      await client.send(new UntagResourceCommand({ SecretId: NAME, TagKeys: ['logSourceId'] }));
      expect(fake.secrets()[0]?.tags).toEqual({ owner: 'x' });
    });

    it('lists by name prefix and hides secrets scheduled for deletion unless asked', async () => {
      await create();
      await client.send(new CreateSecretCommand({ Name: 'other/secret', SecretString: 's' }));
      await client.send(new CreateSecretCommand({ Name: 'logpoint/cloudtrail/444455556666', SecretString: 's' }));
      await client.send(new DeleteSecretCommand({ SecretId: 'logpoint/cloudtrail/444455556666' }));
      const filter = { Filters: [{ Key: 'name' as const, Values: ['logpoint/cloudtrail/'] }] };
      const visible = await client.send(new ListSecretsCommand(filter));
      const all = await client.send(new ListSecretsCommand({ ...filter, IncludePlannedDeletion: true }));
      expect(visible.SecretList?.map((entry) => entry.Name)).toEqual([NAME]);
      expect(all.SecretList?.map((entry) => entry.Name)).toEqual([NAME, 'logpoint/cloudtrail/444455556666']);
      expect(all.SecretList?.[1]?.DeletedDate).toEqual(new Date(now));
    });

    it('records a rotation request and its configuration, and refuses one while a rotation is unfinished', async () => {
      await create();
      const lambda = 'arn:aws:lambda:eu-west-1:111122223333:function:rotate';
      const rotated = await client.send(new RotateSecretCommand({ SecretId: NAME, RotationLambdaARN: lambda, RotationRules: { AutomaticallyAfterDays: 30 } }));
      expect(fake.rotationRequests()).toEqual([
        expect.objectContaining({ secretName: NAME, clientRequestToken: rotated.VersionId, rotationLambdaArn: lambda }),
      ]);
      const described = await client.send(new DescribeSecretCommand({ SecretId: NAME }));
      expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: lambda, RotationRules: { AutomaticallyAfterDays: 30 } });
      await client.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: 'n', ClientRequestToken: rotated.VersionId, VersionStages: ['AWSPENDING'] }));
      await expect(client.send(new RotateSecretCommand({ SecretId: NAME }))).rejects.toBeInstanceOf(InvalidRequestException);
    });
  });

  describe('deletion window', () => {
    it('schedules deletion within the 7-30 day window and blocks reads and re-creation meanwhile', async () => {
      await create();
      const { DeletionDate } = await client.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 7 }));
      expect(DeletionDate).toEqual(new Date(now + 7 * DAY_MS));
      expect((await client.send(new DescribeSecretCommand({ SecretId: NAME }))).DeletedDate).toEqual(new Date(now));
      await expect(client.send(new GetSecretValueCommand({ SecretId: NAME }))).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(create()).rejects.toThrow('already scheduled for deletion');
      expect(fake.secrets()[0]).toMatchObject({ name: NAME, scheduledForDeletion: true });
    });

    it('restores a secret scheduled for deletion', async () => {
      await create();
      await client.send(new DeleteSecretCommand({ SecretId: NAME }));
      await client.send(new RestoreSecretCommand({ SecretId: NAME }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString).toBe('{"v":1}');
    });

    it('purges the secret when the recovery window ends, freeing the name', async () => {
      await create();
      await client.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 30 }));
      now += 30 * DAY_MS;
      await expect(client.send(new DescribeSecretCommand({ SecretId: NAME }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await create();
    });

    it.each([
      ['a window shorter than 7 days', { RecoveryWindowInDays: 6 }],
      ['a window longer than 30 days', { RecoveryWindowInDays: 31 }],
      ['a window together with force delete', { RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }],
    ])('rejects %s with InvalidParameterException', async (_label, options) => {
      await create();
      await expect(client.send(new DeleteSecretCommand({ SecretId: NAME, ...options }))).rejects.toBeInstanceOf(InvalidParameterException);
    });

    it('deletes at once without recovery when forced', async () => {
      await create();
      await client.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));
      expect(fake.secrets()).toEqual([]);
    });
  });

  describe('strictness and fault injection', () => {
    it('rejects a command it does not emulate with NotEmulatedError', async () => {
      await expect(client.send(new GetRandomPasswordCommand({}))).rejects.toBeInstanceOf(NotEmulatedError);
    });

    it('fails the next call of a command with the injected exception', async () => {
      await create();
      fake.failNext('GetSecretValue', new InternalServiceError({ message: 'injected', $metadata: {} }));
      await expect(client.send(new GetSecretValueCommand({ SecretId: NAME }))).rejects.toBeInstanceOf(InternalServiceError);
      expect((await client.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString).toBe('{"v":1}');
    });
  });
});
