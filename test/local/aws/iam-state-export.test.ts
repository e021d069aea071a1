import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  EntityAlreadyExistsException,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { answer, refusalOf, throughJson } from '../../support/state-export.js';
import { installFakeIam } from '../../../local/aws/fake-iam.js';
import type { FakeIam } from '../../../local/aws/fake-iam.js';

const ACCOUNT = '111122223333';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/logpoint-boundary`;
const policy = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('FakeIam state export and import', () => {
  let now: number;
  let client: IAMClient;
  let fake: FakeIam;
  const freshFake = (propagationDelayMs = 0) => {
    const freshClient = new IAMClient({ region: 'us-east-1' });
    return { client: freshClient, fake: installFakeIam(freshClient, { accountId: ACCOUNT, propagationDelayMs, clock: () => now }) };
  };

  beforeEach(() => {
    now = Date.parse('2024-05-01T10:00:00Z');
    ({ client, fake } = freshFake());
  });

  /** Two users: one with tags, a boundary, two inline policies and two keys (one inactive, one used); one bare. */
  async function populate(): Promise<{ activeKey: string; inactiveKey: string }> {
    await client.send(new CreateUserCommand({ UserName: 'Reader', Path: '/logpoint/', Tags: [{ Key: 'owner', Value: 'lp' }] }));
    await client.send(new PutUserPermissionsBoundaryCommand({ UserName: 'Reader', PermissionsBoundary: BOUNDARY }));
    await client.send(new PutUserPolicyCommand({ UserName: 'Reader', PolicyName: 'read-trail', PolicyDocument: policy('s3:GetObject') }));
    await client.send(new PutUserPolicyCommand({ UserName: 'Reader', PolicyName: '10-list', PolicyDocument: policy('s3:ListBucket') }));
    const active = await client.send(new CreateAccessKeyCommand({ UserName: 'Reader' }));
    now += 60_000;
    const inactive = await client.send(new CreateAccessKeyCommand({ UserName: 'Reader' }));
    const activeKey = active.AccessKey?.AccessKeyId ?? '';
    const inactiveKey = inactive.AccessKey?.AccessKeyId ?? '';
    await client.send(new UpdateAccessKeyCommand({ UserName: 'Reader', AccessKeyId: inactiveKey, Status: 'Inactive' }));
    fake.recordKeyUse(activeKey, 's3', 'eu-west-1');
    await client.send(new CreateUserCommand({ UserName: 'bare' }));
    return { activeKey, inactiveKey };
  }

  it('rebuilds a new fake that answers GetUser, ListUsers, ListUserTags, ListAccessKeys and GetAccessKeyLastUsed as the original did', async () => {
    const { activeKey, inactiveKey } = await populate();
    const copy = freshFake();
    copy.fake.importState(throughJson(fake.exportState()));

    for (const UserName of ['Reader', 'bare']) {
      expect(await answer(copy.client.send(new GetUserCommand({ UserName })))).toEqual(await answer(client.send(new GetUserCommand({ UserName }))));
    }
    expect((await copy.client.send(new GetUserCommand({ UserName: 'Reader' }))).User).toMatchObject({
      Arn: `arn:aws:iam::${ACCOUNT}:user/logpoint/Reader`,
      CreateDate: new Date('2024-05-01T10:00:00Z'),
      PermissionsBoundary: { PermissionsBoundaryArn: BOUNDARY },
      Tags: [{ Key: 'owner', Value: 'lp' }],
    });
    expect(await answer(copy.client.send(new ListUsersCommand({})))).toEqual(await answer(client.send(new ListUsersCommand({}))));
    expect(await answer(copy.client.send(new ListUserTagsCommand({ UserName: 'Reader' })))).toEqual(
      await answer(client.send(new ListUserTagsCommand({ UserName: 'Reader' }))),
    );
    const keys = await answer(copy.client.send(new ListAccessKeysCommand({ UserName: 'Reader' })));
    expect(keys).toEqual(await answer(client.send(new ListAccessKeysCommand({ UserName: 'Reader' }))));
    expect(keys.AccessKeyMetadata?.map((key) => [key.AccessKeyId, key.Status])).toEqual([
      [activeKey, 'Active'],
      [inactiveKey, 'Inactive'],
    ]);
    const lastUsed = await answer(copy.client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: activeKey })));
    expect(lastUsed).toEqual({ UserName: 'Reader', AccessKeyLastUsed: { LastUsedDate: new Date(now), ServiceName: 's3', Region: 'eu-west-1' } });
    expect(copy.fake.users()).toEqual(fake.users());
    expect(copy.fake.accessKeys()).toEqual(fake.accessKeys());
  });

  it('keeps the inline policies, in their order, with the documents GetUserPolicy returns', async () => {
    await populate();
    const copy = freshFake();
    copy.fake.importState(throughJson(fake.exportState()));

    expect((await copy.client.send(new ListUserPoliciesCommand({ UserName: 'Reader' }))).PolicyNames).toEqual(['read-trail', '10-list']);
    for (const PolicyName of ['read-trail', '10-list']) {
      const input = { UserName: 'Reader', PolicyName };
      expect(await answer(copy.client.send(new GetUserPolicyCommand(input)))).toEqual(await answer(client.send(new GetUserPolicyCommand(input))));
    }
    expect(copy.fake.policyDocumentsOf('Reader')).toEqual(fake.policyDocumentsOf('Reader'));
  });

  it('keeps every secret access key, so the key holders still authenticate (and an inactive key is still refused)', async () => {
    const { activeKey, inactiveKey } = await populate();
    const copy = freshFake();
    copy.fake.importState(throughJson(fake.exportState()));

    const secret = fake.revealSecretAccessKeyForTest(activeKey);
    expect(copy.fake.revealSecretAccessKeyForTest(activeKey)).toBe(secret);
    expect(copy.fake.checkCredentials(activeKey, secret)).toEqual({ ok: true, userName: 'Reader', userArn: `arn:aws:iam::${ACCOUNT}:user/logpoint/Reader` });
    expect(copy.fake.checkCredentials(activeKey, `${secret.slice(1)}x`)).toEqual({ ok: false, reason: 'SignatureMismatch' });
    expect(copy.fake.checkCredentials(inactiveKey, fake.revealSecretAccessKeyForTest(inactiveKey))).toEqual({ ok: false, reason: 'InactiveAccessKey' });
  });

  it('counts the propagation delay from the key’s original creation, not from the import', async () => {
    const { activeKey } = await populate();
    const state = throughJson(fake.exportState());
    now += 4_000;
    const delayed = freshFake(5_000);
    delayed.fake.importState(state);
    // Created at 10:00:00, exported and imported at 10:01:04: long propagated, whatever the import time.
    expect(delayed.fake.isKeyUsable(activeKey, fake.revealSecretAccessKeyForTest(activeKey))).toBe(true);
    const fresh = await delayed.client.send(new CreateAccessKeyCommand({ UserName: 'bare' }));
    expect(delayed.fake.checkCredentials(fresh.AccessKey?.AccessKeyId ?? '', fresh.AccessKey?.SecretAccessKey ?? '')).toEqual({
      ok: false,
      reason: 'NotYetPropagated',
    });
  });

  it('keeps IAM user names unique without regard to case after an import', async () => {
    await populate();
    const copy = freshFake();
    copy.fake.importState(throughJson(fake.exportState()));

    expect((await copy.client.send(new GetUserCommand({ UserName: 'READER' }))).User?.UserName).toBe('Reader');
    const error: unknown = await copy.client.send(new CreateUserCommand({ UserName: 'reader' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EntityAlreadyExistsException);
    expect((error as Error).message).toBe('User with name reader already exists.');
  });

  it('replaces everything the fake held before the import', async () => {
    await populate();
    const state = throughJson(fake.exportState());
    const other = freshFake();
    await other.client.send(new CreateUserCommand({ UserName: 'leftover' }));
    await other.client.send(new CreateAccessKeyCommand({ UserName: 'leftover' }));
    other.fake.importState(state);

    await expect(other.client.send(new GetUserCommand({ UserName: 'leftover' }))).rejects.toBeInstanceOf(NoSuchEntityException);
    expect(other.fake.users().map((user) => user.userName)).toEqual(['Reader', 'bare']);
    expect(other.fake.accessKeys().map((key) => key.userName)).toEqual(['Reader', 'Reader']);
  });

  it('exports plain JSON that survives JSON.stringify unchanged (ISO dates, no Map)', async () => {
    await populate();
    const state = fake.exportState();
    expect(throughJson(state)).toEqual(state);
    expect(state.users[0]).toMatchObject({ createDate: '2024-05-01T10:00:00.000Z', inlinePolicies: [{ policyName: 'read-trail' }, { policyName: '10-list' }] });
    expect(state.accessKeys[0]?.lastUsed).toEqual({ date: '2024-05-01T10:01:00.000Z', serviceName: 's3', region: 'eu-west-1' });
  });

  describe('refusing a document it cannot rebuild from', () => {
    const refusal = (state: unknown): string => refusalOf(() => freshFake().fake.importState(state));
    const exported = async (): Promise<Record<string, unknown> & { users: Array<Record<string, unknown>>; accessKeys: Array<Record<string, unknown>> }> => {
      await populate();
      return JSON.parse(JSON.stringify(fake.exportState())) as Awaited<ReturnType<typeof exported>>;
    };

    it('refuses a document of the wrong shape, naming the field at fault', () => {
      expect(refusal({ version: 1, accountId: ACCOUNT, users: [{ userName: 'x' }], accessKeys: [] })).toMatch(
        /^FakeIam cannot import this state:\n {2}- users\.0\.path: /,
      );
      expect(refusal('not a state')).toMatch(/FakeIam cannot import this state:\n {2}- \(root\): /);
      expect(refusal({ version: 2, accountId: ACCOUNT, users: [], accessKeys: [] })).toMatch(/- version: /);
    });

    it('refuses dates that are not ISO strings, an unknown key status and an unknown field', async () => {
      const state = await exported();
      const [user] = state.users;
      const [key] = state.accessKeys;
      Object.assign(user ?? {}, { createDate: 'yesterday', extra: true });
      Object.assign(key ?? {}, { status: 'Revoked' });
      const message = refusal(state);
      expect(message).toMatch(/- users\.0\.createDate: /);
      expect(message).toMatch(/- users\.0: Unrecognized key: "extra"/);
      expect(message).toMatch(/- accessKeys\.0\.status: /);
    });

    it('refuses two users whose names differ only in case, a key of no user, and an unparseable policy', async () => {
      const state = await exported();
      const [reader] = state.users;
      state.users.push({ ...reader, userName: 'READER', inlinePolicies: [{ policyName: 'p', document: '{not json' }] });
      state.accessKeys.push({ ...state.accessKeys[0], accessKeyId: 'AKIAORPHAN', userName: 'ghost' });
      const message = refusal(state);
      expect(message).toContain('- users: user name (case-insensitively) reader occurs more than once');
      expect(message).toContain('- accessKeys.2.userName: no user ghost');
      expect(message).toMatch(/- users\.2\.inlinePolicies\.0\.document: not a policy document: /);
    });

    it('refuses a state exported for another account, whose ARNs would not match', async () => {
      const state = await exported();
      state.accountId = '999999999999';
      expect(refusal(state)).toContain('- accountId: the state was exported for 999999999999, this FakeIam is for 111122223333');
    });

    it('leaves the previous contents untouched when it refuses a document', async () => {
      await populate();
      const before = fake.exportState();
      expect(() => fake.importState({ ...before, users: [...before.users, { userName: 'half' }] })).toThrow(/users\.2\.path/);
      expect(fake.exportState()).toEqual(before);
    });
  });
});
