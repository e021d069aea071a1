import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { answer, refusalOf, throughJson } from '../../support/state-export.js';
import { installFakeSecretsManager } from '../../../local/aws/fake-secrets-manager.js';
import type { FakeSecretsManager } from '../../../local/aws/fake-secrets-manager.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DAY_MS = 86_400_000;
const ROTATED = 'logpoint/cloudtrail/111122223333';
const DELETED = 'logpoint/retired';
const EMPTY = 'logpoint/no-value-yet';
const LAMBDA = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:rotate`;
const TOKEN_1 = '11111111-1111-4111-8111-111111111111';
const TOKEN_2 = '22222222-2222-4222-8222-222222222222';
const TOKEN_3 = '33333333-3333-4333-8333-333333333333';

describe('FakeSecretsManager state export and import', () => {
  let now: number;
  let client: SecretsManagerClient;
  let fake: FakeSecretsManager;
  const freshFake = () => {
    const freshClient = new SecretsManagerClient({ region: REGION });
    return { client: freshClient, fake: installFakeSecretsManager(freshClient, { accountId: ACCOUNT, region: REGION, clock: () => now }) };
  };

  beforeEach(() => {
    now = Date.parse('2024-05-01T10:00:00Z');
    ({ client, fake } = freshFake());
  });

  /**
   * ROTATED: three values (the first now deprecated) and a rotation started, its AWSPENDING version
   * put; DELETED: scheduled for deletion in 7 days; EMPTY: created without a value.
   */
  async function populate(): Promise<{ pendingVersionId: string }> {
    const tags = [{ Key: 'owner', Value: 'lp' }];
    await client.send(
      new CreateSecretCommand({ Name: ROTATED, SecretString: 'v1', ClientRequestToken: TOKEN_1, Description: 'reader key', KmsKeyId: 'alias/lp', Tags: tags }),
    );
    now += DAY_MS;
    await client.send(new PutSecretValueCommand({ SecretId: ROTATED, SecretString: 'v2', ClientRequestToken: TOKEN_2 }));
    now += DAY_MS;
    await client.send(new PutSecretValueCommand({ SecretId: ROTATED, SecretString: 'v3', ClientRequestToken: TOKEN_3 }));
    await client.send(new GetSecretValueCommand({ SecretId: ROTATED }));
    const rotation = await client.send(
      new RotateSecretCommand({ SecretId: ROTATED, RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 30 } }),
    );
    const pendingVersionId = rotation.VersionId ?? '';
    await client.send(
      new PutSecretValueCommand({ SecretId: ROTATED, SecretString: 'v4', ClientRequestToken: pendingVersionId, VersionStages: ['AWSPENDING'] }),
    );
    await client.send(new CreateSecretCommand({ Name: DELETED, SecretString: 'old' }));
    await client.send(new DeleteSecretCommand({ SecretId: DELETED, RecoveryWindowInDays: 7 }));
    await client.send(new CreateSecretCommand({ Name: EMPTY }));
    return { pendingVersionId };
  }

  function imported() {
    const copy = freshFake();
    copy.fake.importState(throughJson(fake.exportState()));
    return copy;
  }

  it('answers GetSecretValue at AWSCURRENT, AWSPENDING and AWSPREVIOUS, and by the id of a deprecated version, as the original did', async () => {
    const { pendingVersionId } = await populate();
    const copy = imported();

    const values: Record<string, string | undefined> = {};
    for (const VersionStage of ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS']) {
      const input = { SecretId: ROTATED, VersionStage };
      const copied = await answer(copy.client.send(new GetSecretValueCommand(input)));
      expect(copied).toEqual(await answer(client.send(new GetSecretValueCommand(input))));
      values[VersionStage] = copied.SecretString;
    }
    expect(values).toEqual({ AWSCURRENT: 'v3', AWSPENDING: 'v4', AWSPREVIOUS: 'v2' });
    const pending = await copy.client.send(new GetSecretValueCommand({ SecretId: ROTATED, VersionId: pendingVersionId }));
    expect(pending).toMatchObject({ SecretString: 'v4', VersionStages: ['AWSPENDING'], CreatedDate: new Date('2024-05-03T10:00:00Z') });
    const deprecated = await copy.client.send(new GetSecretValueCommand({ SecretId: ROTATED, VersionId: TOKEN_1 }));
    expect(deprecated).toMatchObject({ SecretString: 'v1', VersionStages: [], CreatedDate: new Date('2024-05-01T10:00:00Z') });
  });

  it('answers DescribeSecret with the same rotation configuration, deletion schedule, dates, tags and stages', async () => {
    const { pendingVersionId } = await populate();
    const copy = imported();

    for (const SecretId of [ROTATED, DELETED, EMPTY]) {
      expect(await answer(copy.client.send(new DescribeSecretCommand({ SecretId })))).toEqual(
        await answer(client.send(new DescribeSecretCommand({ SecretId }))),
      );
    }
    expect(await copy.client.send(new DescribeSecretCommand({ SecretId: ROTATED }))).toMatchObject({
      Description: 'reader key',
      KmsKeyId: 'alias/lp',
      Tags: [{ Key: 'owner', Value: 'lp' }],
      CreatedDate: new Date('2024-05-01T10:00:00Z'),
      LastAccessedDate: new Date('2024-05-03T00:00:00Z'),
      RotationEnabled: true,
      RotationLambdaARN: LAMBDA,
      RotationRules: { AutomaticallyAfterDays: 30 },
      VersionIdsToStages: { [TOKEN_2]: ['AWSPREVIOUS'], [TOKEN_3]: ['AWSCURRENT'], [pendingVersionId]: ['AWSPENDING'] },
    });
    expect(await copy.client.send(new DescribeSecretCommand({ SecretId: DELETED }))).toMatchObject({ DeletedDate: new Date(now) });
    expect(copy.fake.secrets()).toEqual(fake.secrets());
  });

  it('answers ListSecrets the same, with and without the secrets planned for deletion', async () => {
    await populate();
    const copy = imported();

    for (const input of [{}, { IncludePlannedDeletion: true }, { SortOrder: 'desc' as const }]) {
      expect(await answer(copy.client.send(new ListSecretsCommand(input)))).toEqual(await answer(client.send(new ListSecretsCommand(input))));
    }
    const listed = await copy.client.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(listed.SecretList?.map((secret) => secret.Name)).toEqual([ROTATED, DELETED, EMPTY]);
  });

  it('keeps the deletion schedule running: the deleted secret is restorable in the window and purged when it ends', async () => {
    await populate();
    const state = throughJson(fake.exportState());
    const restoring = freshFake();
    restoring.fake.importState(state);
    await restoring.client.send(new RestoreSecretCommand({ SecretId: DELETED }));
    expect((await restoring.client.send(new GetSecretValueCommand({ SecretId: DELETED }))).SecretString).toBe('old');

    const waiting = freshFake();
    waiting.fake.importState(state);
    await expect(waiting.client.send(new GetSecretValueCommand({ SecretId: DELETED }))).rejects.toBeInstanceOf(InvalidRequestException);
    now += 7 * DAY_MS;
    await expect(waiting.client.send(new DescribeSecretCommand({ SecretId: DELETED }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps the pending rotation request, so the unfinished rotation still blocks another and can be finished', async () => {
    const { pendingVersionId } = await populate();
    const copy = imported();

    expect(copy.fake.rotationRequests()).toEqual(fake.rotationRequests());
    expect(copy.fake.rotationRequests()).toEqual([
      {
        secretName: ROTATED,
        secretArn: expect.stringContaining(ROTATED),
        clientRequestToken: pendingVersionId,
        rotationLambdaArn: LAMBDA,
        requestedAt: new Date(now),
      },
    ]);
    await expect(copy.client.send(new RotateSecretCommand({ SecretId: ROTATED }))).rejects.toBeInstanceOf(InvalidRequestException);
    await copy.client.send(
      new UpdateSecretVersionStageCommand({ SecretId: ROTATED, VersionStage: 'AWSCURRENT', MoveToVersionId: pendingVersionId, RemoveFromVersionId: TOKEN_3 }),
    );
    expect((await copy.client.send(new DescribeSecretCommand({ SecretId: ROTATED }))).VersionIdsToStages).toEqual({
      [TOKEN_3]: ['AWSPREVIOUS'],
      [pendingVersionId]: ['AWSPENDING', 'AWSCURRENT'],
    });
  });

  it('keeps each version’s value, so a retried PutSecretValue is still accepted and a changed one refused', async () => {
    await populate();
    const copy = imported();

    await copy.client.send(new PutSecretValueCommand({ SecretId: ROTATED, SecretString: 'v2', ClientRequestToken: TOKEN_2 }));
    const error: unknown = await copy.client
      .send(new PutSecretValueCommand({ SecretId: ROTATED, SecretString: 'changed', ClientRequestToken: TOKEN_2 }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceExistsException);
  });

  it('carries a rotation’s last rotation date through to DescribeSecret', async () => {
    await populate();
    const state = fake.exportState();
    const rotated = state.secrets.find((secret) => secret.name === ROTATED);
    if (rotated?.rotation) rotated.rotation.lastRotatedDate = '2024-04-01T00:00:00.000Z';
    const copy = freshFake();
    copy.fake.importState(throughJson(state));
    expect((await copy.client.send(new DescribeSecretCommand({ SecretId: ROTATED }))).LastRotatedDate).toEqual(new Date('2024-04-01T00:00:00Z'));
  });

  it('replaces every secret and rotation request the fake held before the import', async () => {
    await populate();
    const state = throughJson(fake.exportState());
    const other = freshFake();
    await other.client.send(new CreateSecretCommand({ Name: 'leftover', SecretString: 'x' }));
    await other.client.send(new RotateSecretCommand({ SecretId: 'leftover', RotationLambdaARN: LAMBDA }));
    other.fake.importState(state);

    await expect(other.client.send(new DescribeSecretCommand({ SecretId: 'leftover' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(other.fake.secrets().map((secret) => secret.name)).toEqual([ROTATED, DELETED, EMPTY]);
    expect(other.fake.rotationRequests().map((request) => request.secretName)).toEqual([ROTATED]);
  });

  it('exports plain JSON that survives JSON.stringify unchanged (ISO dates, versions as a list)', async () => {
    await populate();
    const state = fake.exportState();
    expect(throughJson(state)).toEqual(state);
    expect(state.secrets[0]?.versions[0]).toEqual({ versionId: TOKEN_1, secretString: 'v1', createdDate: '2024-05-01T10:00:00.000Z', stages: [] });
  });

  describe('refusing a document it cannot rebuild from', () => {
    const refusal = (state: unknown): string => refusalOf(() => freshFake().fake.importState(state));
    const exported = async () => {
      await populate();
      return fake.exportState();
    };

    it('refuses a document of the wrong shape, naming the field at fault', () => {
      expect(refusal({ version: 1, accountId: ACCOUNT, region: REGION, secrets: [{ name: 'x' }] })).toMatch(
        /^FakeSecretsManager cannot import this state:\n {2}- secrets\.0\.arn: /,
      );
      expect(refusal({ version: 1, accountId: ACCOUNT, region: REGION, secrets: [] })).toMatch(/- rotationRequests: /);
      expect(refusal([])).toMatch(/- \(root\): /);
    });

    it('refuses a staging label on two versions, a repeated version id and a repeated secret name', async () => {
      const state = await exported();
      const [rotated] = state.secrets;
      const versions = rotated?.versions ?? [];
      Object.assign(versions[0] ?? {}, { stages: ['AWSCURRENT'] });
      versions.push({ ...versions[1], versionId: TOKEN_2, secretString: 'again', createdDate: '2024-05-01T10:00:00.000Z', stages: [] });
      state.secrets.push({
        ...state.secrets[2],
        name: EMPTY,
        arn: 'arn:other',
        createdDate: '2024-05-01T10:00:00.000Z',
        lastChangedDate: '2024-05-01T10:00:00.000Z',
        tags: [],
        versions: [],
      });
      const message = refusal(state);
      expect(message).toContain('- secrets.0.versions: staging label (a label is on at most one version) AWSCURRENT occurs more than once');
      expect(message).toContain(`- secrets.0.versions: version id ${TOKEN_2} occurs more than once`);
      expect(message).toContain(`- secrets: secret name ${EMPTY} occurs more than once`);
    });

    it('refuses a date that is not an ISO string', async () => {
      const state = await exported();
      Object.assign(state.secrets[1] ?? {}, { deletionDate: 1_715_000_000_000 });
      expect(refusal(state)).toMatch(/- secrets\.1\.deletionDate: /);
    });

    it('refuses a state exported for another account or region, whose ARNs would not match', async () => {
      const state = await exported();
      expect(refusal({ ...state, region: 'us-east-1' })).toContain('- region: the state was exported for us-east-1, this FakeSecretsManager is for eu-west-1');
      expect(refusal({ ...state, accountId: '999999999999' })).toContain('- accountId: the state was exported for 999999999999');
    });

    it('leaves the previous contents untouched when it refuses a document', async () => {
      const before = await exported();
      expect(() => fake.importState({ ...before, rotationRequests: [{ secretName: ROTATED }] })).toThrow(/rotationRequests\.0\.secretArn/);
      expect(fake.exportState()).toEqual(before);
    });
  });
});
