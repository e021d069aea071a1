import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  EntityAlreadyExistsException,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutUserPolicyCommand,
  ServiceFailureException,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { installFakeIam } from '../../../local/aws/fake-iam.js';
import type { FakeIam } from '../../../local/aws/fake-iam.js';
import { NotEmulatedError } from '../../../local/aws/strict-mock.js';

const ACCOUNT = '111122223333';
const READ_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::trail-bucket/AWSLogs/*' }],
});

describe('FakeIam', () => {
  let client: IAMClient;
  let fake: FakeIam;
  let now: number;

  beforeEach(() => {
    now = Date.parse('2024-05-01T10:00:00Z');
    client = new IAMClient({ region: 'us-east-1' });
    fake = installFakeIam(client, { accountId: ACCOUNT, clock: () => now });
  });

  const createUser = (UserName = 'reader', Path = '/logpoint/') => client.send(new CreateUserCommand({ UserName, Path }));

  describe('users', () => {
    it('creates a user with an ARN built from account, path and name, and returns its tags', async () => {
      const { User } = await client.send(new CreateUserCommand({ UserName: 'cloudtrail-reader-1', Path: '/logpoint/', Tags: [{ Key: 'owner', Value: 'lp' }] }));
      expect(User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/logpoint/cloudtrail-reader-1`);
      expect(User?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
      expect(User?.Tags).toEqual([{ Key: 'owner', Value: 'lp' }]);
    });

    it('refuses a second user whose name differs only in case, as IAM names are case-insensitive', async () => {
      await createUser('Reader');
      const error: unknown = await createUser('reader').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EntityAlreadyExistsException);
      expect((error as Error).name).toBe('EntityAlreadyExistsException');
      expect((error as Error).message).toBe('User with name reader already exists.');
    });

    it.each([
      ['a name with a space', { UserName: 'bad name' }],
      ['a name longer than 64 characters', { UserName: 'x'.repeat(65) }],
      ['a path without a trailing slash', { UserName: 'ok', Path: '/logpoint' }],
    ])('rejects %s with IAM ValidationError', async (_label, input) => {
      const error: unknown = await client.send(new CreateUserCommand(input)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IAMServiceException);
      expect((error as Error).name).toBe('ValidationError');
      expect(fake.users()).toEqual([]);
    });

    it('answers GetUser for an unknown user with NoSuchEntityException', async () => {
      await expect(client.send(new GetUserCommand({ UserName: 'ghost' }))).rejects.toBeInstanceOf(NoSuchEntityException);
    });

    it('lists only users under the given path prefix', async () => {
      await createUser('a', '/logpoint/');
      await createUser('b', '/other/');
      const { Users } = await client.send(new ListUsersCommand({ PathPrefix: '/logpoint/' }));
      const partial = await client.send(new ListUsersCommand({ PathPrefix: '/log' }));
      expect(Users?.map((user) => user.UserName)).toEqual(['a']);
      expect(partial.Users?.map((user) => user.UserName)).toEqual(['a']);
    });

    it('tags case-insensitively: re-tagging a key in another case replaces it, untag removes it', async () => {
      await createUser();
      await client.send(
        new TagUserCommand({
          UserName: 'reader',
          Tags: [
            { Key: 'Owner', Value: 'a' },
            { Key: 'env', Value: 'x' },
          ],
        }),
      );
      await client.send(new TagUserCommand({ UserName: 'reader', Tags: [{ Key: 'owner', Value: 'b' }] }));
      await client.send(new UntagUserCommand({ UserName: 'reader', TagKeys: ['ENV'] }));
      const { Tags } = await client.send(new ListUserTagsCommand({ UserName: 'reader' }));
      expect(Tags).toEqual([{ Key: 'owner', Value: 'b' }]);
    });

    it('refuses to delete a user that still has access keys or inline policies', async () => {
      await createUser();
      await client.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: READ_POLICY }));
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      await expect(client.send(new DeleteUserCommand({ UserName: 'reader' }))).rejects.toThrow(DeleteConflictException);
      await client.send(new DeleteAccessKeyCommand({ UserName: 'reader', AccessKeyId: AccessKey?.AccessKeyId }));
      await expect(client.send(new DeleteUserCommand({ UserName: 'reader' }))).rejects.toThrow('must delete policies first');
      await client.send(new DeleteUserPolicyCommand({ UserName: 'reader', PolicyName: 'read' }));
      await client.send(new DeleteUserCommand({ UserName: 'reader' }));
      expect(fake.users()).toEqual([]);
    });
  });

  describe('inline policies', () => {
    it('returns the stored document URL-encoded, as real IAM does', async () => {
      await createUser();
      await client.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: READ_POLICY }));
      const { PolicyDocument } = await client.send(new GetUserPolicyCommand({ UserName: 'reader', PolicyName: 'read' }));
      expect(PolicyDocument).not.toBe(READ_POLICY);
      expect(decodeURIComponent(PolicyDocument ?? '')).toBe(READ_POLICY);
      const { PolicyNames } = await client.send(new ListUserPoliciesCommand({ UserName: 'reader' }));
      expect(PolicyNames).toEqual(['read']);
      expect(fake.policies('reader')[0]?.document.Statement[0]?.Action).toBe('s3:GetObject');
    });

    it.each([
      ['invalid JSON', '{"Version": "2012-10-17", "Statement": ['],
      ['a Principal in an identity policy', JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] })],
      ['a statement without an Effect', JSON.stringify({ Statement: [{ Action: 's3:*', Resource: '*' }] })],
    ])('rejects %s with MalformedPolicyDocumentException', async (_label, PolicyDocument) => {
      await createUser();
      const put = client.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'p', PolicyDocument }));
      await expect(put).rejects.toBeInstanceOf(MalformedPolicyDocumentException);
      expect(fake.policies('reader')).toEqual([]);
    });

    it('enforces the 2048-character aggregate inline policy quota of a user, ignoring whitespace', async () => {
      await createUser();
      const resources = Array.from({ length: 70 }, (_, index) => `arn:aws:s3:::bucket-${index}/AWSLogs/*`);
      const large = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }] }, null, 8);
      const put = client.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'big', PolicyDocument: large }));
      await expect(put).rejects.toBeInstanceOf(LimitExceededException);
      const padded = `${READ_POLICY}${' \n'.repeat(1500)}`;
      expect(padded.length).toBeGreaterThan(2048);
      await client.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'padded', PolicyDocument: padded }));
    });
  });

  describe('access keys', () => {
    it('issues real-looking key ids and 40-character secrets, and never lists the secret', async () => {
      await createUser();
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      expect(AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(AccessKey?.SecretAccessKey).toHaveLength(40);
      const { AccessKeyMetadata } = await client.send(new ListAccessKeysCommand({ UserName: 'reader' }));
      const listed = JSON.stringify([AccessKeyMetadata, fake.accessKeys(), fake.users()]);
      expect(listed).toContain(AccessKey?.AccessKeyId);
      expect(listed).not.toContain(AccessKey?.SecretAccessKey);
      expect(fake.revealSecretAccessKeyForTest(AccessKey?.AccessKeyId ?? '')).toBe(AccessKey?.SecretAccessKey);
    });

    it('refuses a third key per user with LimitExceededException', async () => {
      await createUser();
      await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      const error: unknown = await client.send(new CreateAccessKeyCommand({ UserName: 'reader' })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LimitExceededException);
      expect((error as Error).message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
      expect(fake.accessKeys()).toHaveLength(2);
    });

    it('deactivates a key so that it no longer authenticates', async () => {
      await createUser();
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      const id = AccessKey?.AccessKeyId ?? '';
      await client.send(new UpdateAccessKeyCommand({ UserName: 'reader', AccessKeyId: id, Status: 'Inactive' }));
      expect(fake.accessKeys()[0]?.status).toBe('Inactive');
      expect(fake.checkCredentials(id, AccessKey?.SecretAccessKey ?? '')).toEqual({ ok: false, reason: 'InactiveAccessKey' });
    });

    it('answers for a key of another user with NoSuchEntityException', async () => {
      await createUser('a');
      await createUser('b');
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'a' }));
      const remove = client.send(new DeleteAccessKeyCommand({ UserName: 'b', AccessKeyId: AccessKey?.AccessKeyId }));
      await expect(remove).rejects.toBeInstanceOf(NoSuchEntityException);
    });

    it('reports N/A until the key is used, then the service, region and date of last use', async () => {
      await createUser();
      const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      const id = AccessKey?.AccessKeyId ?? '';
      const before = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }));
      fake.recordKeyUse(id, 's3', 'eu-west-1');
      const after = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }));
      expect(before.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
      expect(after.AccessKeyLastUsed).toEqual({ ServiceName: 's3', Region: 'eu-west-1', LastUsedDate: new Date(now) });
    });
  });

  describe('credential checks and propagation', () => {
    it('refuses a fresh key until the propagation delay has passed, then accepts only the right secret', async () => {
      const delayed = installFakeIam(new IAMClient({ region: 'us-east-1' }), { accountId: ACCOUNT, propagationDelayMs: 5_000, clock: () => now });
      await delayed.client.send(new CreateUserCommand({ UserName: 'reader' }));
      const { AccessKey } = await delayed.client.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
      const id = AccessKey?.AccessKeyId ?? '';
      const secret = AccessKey?.SecretAccessKey ?? '';
      expect(delayed.checkCredentials(id, secret)).toEqual({ ok: false, reason: 'NotYetPropagated' });
      now += 5_000;
      expect(delayed.isKeyUsable(id, secret)).toBe(true);
      expect(delayed.checkCredentials(id, `${secret.slice(1)}x`)).toEqual({ ok: false, reason: 'SignatureMismatch' });
      expect(delayed.checkCredentials('AKIAAAAAAAAAAAAAAAAA', secret)).toEqual({ ok: false, reason: 'UnknownAccessKey' });
    });
  });

  describe('strictness, isolation and fault injection', () => {
    it('rejects a command it does not emulate with a NotEmulatedError naming the command', async () => {
      const error: unknown = await client.send(new ListGroupsCommand({})).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotEmulatedError);
      expect((error as Error).message).toContain('ListGroupsCommand');
    });

    it('mocks only its own client instance, so several sandboxes keep separate state', async () => {
      const other = installFakeIam(new IAMClient({ region: 'us-east-1' }), { accountId: '444455556666' });
      await createUser();
      expect(other.users()).toEqual([]);
      expect(new IAMClient({ region: 'us-east-1' }).send).toBe(IAMClient.prototype.send);
    });

    it('fails the next N calls of a command with the given exception, then behaves normally', async () => {
      const outage = () => new ServiceFailureException({ message: 'injected', $metadata: {} });
      fake.failNext('CreateUser', outage, 2);
      await expect(createUser()).rejects.toBeInstanceOf(ServiceFailureException);
      await expect(createUser()).rejects.toThrow('injected');
      await createUser();
      expect(fake.users().map((user) => user.userName)).toEqual(['reader']);
      expect(fake.mock).toHaveReceivedCommandTimes(CreateUserCommand, 3);
    });
  });
});
