import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCloudTrailLogFile } from '../../../local/aws/cloudtrail-fixtures.js';
import { createAwsSandbox } from '../../../local/aws/index.js';
import type { AwsSandbox } from '../../../local/aws/index.js';

const ACCOUNT = '111122223333';
const MEMBER = '444455556666';
const ORG = 'o-a1b2c3d4e5';

describe('createAwsSandbox', () => {
  let sandbox: AwsSandbox;

  beforeAll(async () => {
    sandbox = await createAwsSandbox({ accountId: ACCOUNT, region: 'eu-west-1' });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('seeds an organization trail bucket under prefix/AWSLogs/<o-id>/<account>/CloudTrail/ for each account', async () => {
    const bucket = await sandbox.createTrailBucket({
      name: 'org-trail',
      layout: 'organization',
      organizationId: ORG,
      prefix: 'central',
      accountIds: [ACCOUNT, MEMBER],
      objectsPerAccount: 2,
    });
    expect(bucket.logPrefixes).toEqual({
      [ACCOUNT]: `central/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`,
      [MEMBER]: `central/AWSLogs/${ORG}/${MEMBER}/CloudTrail/`,
    });
    const s3 = sandbox.s3ForProduct();
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: 'org-trail', Prefix: bucket.logPrefixes[MEMBER] }));
    expect(Contents).toHaveLength(2);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'org-trail', Key: Contents?.[0]?.Key }));
    const { Records } = parseCloudTrailLogFile((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    expect(Records[0]?.recipientAccountId).toBe(MEMBER);
    const digests = await s3.send(new ListObjectsV2Command({ Bucket: 'org-trail', Prefix: `central/AWSLogs/${ORG}/${MEMBER}/CloudTrail-Digest/` }));
    expect(digests.KeyCount).toBe(1);
  });

  it('refuses an organization layout without a valid organization id', async () => {
    await expect(sandbox.createTrailBucket({ name: 'bad-org', layout: 'organization', accountIds: [ACCOUNT] })).rejects.toThrow('organizationId');
  });

  it('seeds an empty trail (no logs yet) and a bucket that denies the product role', async () => {
    const empty = await sandbox.createTrailBucket({ name: 'new-trail', layout: 'account', accountIds: [ACCOUNT], withLogs: false });
    await sandbox.createTrailBucket({ name: 'locked-trail', layout: 'account', accountIds: [ACCOUNT], denyProductAccess: true });
    const { KeyCount } = await sandbox.s3ForProduct().send(new ListObjectsV2Command({ Bucket: 'new-trail', Prefix: empty.logPrefixes[ACCOUNT] }));
    expect(KeyCount).toBe(0);
    await expect(sandbox.s3ForProduct().send(new HeadBucketCommand({ Bucket: 'locked-trail' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('wires IAM, Secrets Manager and S3 into one account: a provisioned key reads its SSE-KMS trail', async () => {
    const bucket = await sandbox.createTrailBucket({ name: 'kms-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'SSE-KMS' });
    expect(bucket.kmsKeyArn).toMatch(new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::kms-trail',
          Condition: { StringLike: { 's3:prefix': `${bucket.logPrefixes[ACCOUNT]}*` } },
        },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::kms-trail/${bucket.logPrefixes[ACCOUNT]}*` },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: bucket.kmsKeyArn, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } },
      ],
    };
    await sandbox.iam.send(new CreateUserCommand({ UserName: 'cloudtrail-reader', Path: '/logpoint/' }));
    await sandbox.iam.send(new PutUserPolicyCommand({ UserName: 'cloudtrail-reader', PolicyName: 'read', PolicyDocument: JSON.stringify(policy) }));
    const { AccessKey } = await sandbox.iam.send(new CreateAccessKeyCommand({ UserName: 'cloudtrail-reader' }));
    const secretString = JSON.stringify({ accessKeyId: AccessKey?.AccessKeyId, secretAccessKey: AccessKey?.SecretAccessKey });
    await sandbox.secretsManager.send(new CreateSecretCommand({ Name: `logpoint/cloudtrail/${ACCOUNT}`, SecretString: secretString }));
    const stored = JSON.parse(
      (await sandbox.secretsManager.send(new GetSecretValueCommand({ SecretId: `logpoint/cloudtrail/${ACCOUNT}` }))).SecretString ?? '{}',
    ) as { accessKeyId: string; secretAccessKey: string };
    const reader = sandbox.s3ForCredentials(stored);
    const { Contents } = await reader.send(new ListObjectsV2Command({ Bucket: 'kms-trail', Prefix: bucket.logPrefixes[ACCOUNT] }));
    const object = await reader.send(new GetObjectCommand({ Bucket: 'kms-trail', Key: Contents?.[0]?.Key }));
    expect(parseCloudTrailLogFile((await object.Body?.transformToByteArray()) ?? new Uint8Array()).Records.length).toBeGreaterThan(0);
  });

  it('summarises users, keys, secrets and deletion state without any secret value', async () => {
    await sandbox.secretsManager.send(new CreateSecretCommand({ Name: 'retired', SecretString: 'retired-value' }));
    await sandbox.secretsManager.send(new DeleteSecretCommand({ SecretId: 'retired', RecoveryWindowInDays: 7 }));
    const summary = sandbox.summary();
    expect(summary.users).toEqual(['cloudtrail-reader']);
    expect(summary.accessKeys).toEqual([{ userName: 'cloudtrail-reader', accessKeyId: expect.stringMatching(/^AKIA/), status: 'Active' }]);
    expect(summary.secrets).toEqual([`logpoint/cloudtrail/${ACCOUNT}`, 'retired']);
    expect(summary.secretsScheduledForDeletion).toEqual(['retired']);
    expect(summary.buckets).toEqual(expect.arrayContaining(['org-trail', 'kms-trail']));
    const secret = sandbox.fakes.iam.revealSecretAccessKeyForTest(summary.accessKeys[0]?.accessKeyId ?? '');
    expect(JSON.stringify(summary)).not.toContain(secret);
    expect(JSON.stringify(summary)).not.toContain('retired-value');
  });

  it('stops idempotently and restores the SDK clients it mocked', async () => {
    const other = await createAwsSandbox({ accountId: ACCOUNT, region: 'eu-west-1' });
    const mockedSend = other.iam.send;
    await other.stop();
    await other.stop();
    expect(other.iam.send).not.toBe(mockedSend);
  });
});
