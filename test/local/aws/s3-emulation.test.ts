import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetBucketTaggingCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTrailObjects } from '../../../local/aws/cloudtrail-fixtures.js';
import { FakeIam } from '../../../local/aws/fake-iam.js';
import { S3Sandbox } from '../../../local/aws/s3-sandbox.js';
import type { AwsCredentials } from '../../../local/aws/s3-sandbox.js';
import { NotEmulatedError } from '../../../local/aws/strict-mock.js';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PREFIX = `AWSLogs/${ACCOUNT}/CloudTrail/`;
const PROPAGATION_MS = 8_000;

/** The least-privilege reader policy the product is meant to provision, for one bucket. */
function readerPolicy(bucket: string, options: { kmsRegion?: string } = {}): string {
  const statements: unknown[] = [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': [`${PREFIX}*`] } } },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${PREFIX}*` },
  ];
  if (options.kmsRegion) {
    statements.push({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KMS_KEY,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${options.kmsRegion}.amazonaws.com` } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

async function failureOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3ServiceException, got ${String(error)}`);
  return error;
}

describe('S3 emulation for IAM user credentials', () => {
  let now = Date.parse('2024-05-01T10:00:00Z');
  const iamClient = new IAMClient({ region: 'us-east-1' });
  const iam = new FakeIam(iamClient, { accountId: ACCOUNT, propagationDelayMs: PROPAGATION_MS, clock: () => now });
  let sandbox: S3Sandbox;
  let userCount = 0;

  beforeAll(async () => {
    sandbox = await S3Sandbox.start({ iam, defaultRegion: 'eu-west-1' });
    for (const [name, encryption] of [
      ['plain-trail', 'SSE-S3'],
      ['kms-trail', 'SSE-KMS'],
    ] as const) {
      await sandbox.createBucket({ name, encryption, kmsKeyArn: KMS_KEY });
      for (const accountId of [ACCOUNT, OTHER_ACCOUNT]) {
        await sandbox.putObjects(
          name,
          buildTrailObjects({
            bucketName: name,
            accountId,
            regions: ['eu-west-1'],
            filesPerRegion: 1,
            withLogs: true,
            trailName: 't',
            homeRegion: 'eu-west-1',
            now: new Date(now),
          }),
        );
      }
    }
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(() => {
    now += 60_000;
  });

  /** Creates a reader user with `policy` and a key, and lets the key propagate. */
  async function reader(policy: string): Promise<AwsCredentials> {
    userCount += 1;
    const UserName = `reader-${userCount}`;
    await iamClient.send(new CreateUserCommand({ UserName, Path: '/logpoint/' }));
    await iamClient.send(new PutUserPolicyCommand({ UserName, PolicyName: 'read', PolicyDocument: policy }));
    const { AccessKey } = await iamClient.send(new CreateAccessKeyCommand({ UserName }));
    now += PROPAGATION_MS;
    return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
  }

  const firstKey = async (credentials: AwsCredentials, bucket: string) => {
    const { Contents } = await sandbox.clientForCredentials(credentials).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: PREFIX }));
    return Contents?.[0]?.Key ?? '';
  };

  it('lets the key list and read under the allowed prefix, and records the use on the key', async () => {
    const credentials = await reader(readerPolicy('plain-trail'));
    const s3 = sandbox.clientForCredentials(credentials);
    const key = await firstKey(credentials, 'plain-trail');
    const object = await s3.send(new GetObjectCommand({ Bucket: 'plain-trail', Key: key }));
    expect((await object.Body?.transformToByteArray())?.length).toBeGreaterThan(0);
    expect(await s3.config.credentials()).toMatchObject({ accessKeyId: credentials.accessKeyId });
    expect(iam.accessKeys().find((entry) => entry.accessKeyId === credentials.accessKeyId)).toBeDefined();
  });

  it('denies listing and reading another prefix with AccessDenied 403', async () => {
    const credentials = await reader(readerPolicy('plain-trail'));
    const s3 = sandbox.clientForCredentials(credentials);
    const listing = await failureOf(s3.send(new ListObjectsV2Command({ Bucket: 'plain-trail', Prefix: `AWSLogs/${OTHER_ACCOUNT}/` })));
    expect(listing.name).toBe('AccessDenied');
    expect(listing.$metadata.httpStatusCode).toBe(403);
    expect(listing.message).toContain('s3:ListBucket');
    const otherKey = `AWSLogs/${OTHER_ACCOUNT}/CloudTrail/eu-west-1/x.json.gz`;
    expect((await failureOf(s3.send(new GetObjectCommand({ Bucket: 'plain-trail', Key: otherKey })))).name).toBe('AccessDenied');
  });

  it('denies HeadBucket to a prefix-scoped ListBucket grant, which has no prefix to match', async () => {
    const credentials = await reader(readerPolicy('plain-trail'));
    const error = await failureOf(sandbox.clientForCredentials(credentials).send(new HeadBucketCommand({ Bucket: 'plain-trail' })));
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('denies reading an SSE-KMS object without kms:Decrypt, while metadata stays readable', async () => {
    const credentials = await reader(readerPolicy('kms-trail'));
    const s3 = sandbox.clientForCredentials(credentials);
    const key = await firstKey(credentials, 'kms-trail');
    const error = await failureOf(s3.send(new GetObjectCommand({ Bucket: 'kms-trail', Key: key })));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(`kms:Decrypt on resource: "${KMS_KEY}"`);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'kms-trail', Key: key }))).ServerSideEncryption).toBe('aws:kms');
  });

  it('allows reading an SSE-KMS object with kms:Decrypt via S3 in the bucket region only', async () => {
    const viaBucketRegion = await reader(readerPolicy('kms-trail', { kmsRegion: 'eu-west-1' }));
    const key = await firstKey(viaBucketRegion, 'kms-trail');
    const object = await sandbox.clientForCredentials(viaBucketRegion).send(new GetObjectCommand({ Bucket: 'kms-trail', Key: key }));
    await object.Body?.transformToByteArray();
    const viaOtherRegion = await reader(readerPolicy('kms-trail', { kmsRegion: 'us-east-1' }));
    const denied = await failureOf(sandbox.clientForCredentials(viaOtherRegion).send(new GetObjectCommand({ Bucket: 'kms-trail', Key: key })));
    expect(denied.name).toBe('AccessDenied');
  });

  it('lets an explicit Deny in another inline policy win', async () => {
    const credentials = await reader(readerPolicy('plain-trail'));
    const deny = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });
    await iamClient.send(new PutUserPolicyCommand({ UserName: `reader-${userCount}`, PolicyName: 'deny', PolicyDocument: deny }));
    const error = await failureOf(sandbox.clientForCredentials(credentials).send(new ListObjectsV2Command({ Bucket: 'plain-trail', Prefix: PREFIX })));
    expect(error.message).toContain('explicit deny');
  });

  describe('authentication', () => {
    it('refuses a key that IAM has not propagated yet with InvalidAccessKeyId, then accepts it', async () => {
      const credentials = await reader(readerPolicy('plain-trail'));
      const userName = `reader-${userCount}`;
      await iamClient.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: credentials.accessKeyId, Status: 'Inactive' }));
      const { AccessKey } = await iamClient.send(new CreateAccessKeyCommand({ UserName: userName }));
      const fresh = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
      const list = () => sandbox.clientForCredentials(fresh).send(new ListObjectsV2Command({ Bucket: 'plain-trail', Prefix: PREFIX }));
      expect((await failureOf(list())).name).toBe('InvalidAccessKeyId');
      now += PROPAGATION_MS;
      expect((await list()).Contents?.length).toBeGreaterThan(0);
    });

    it.each([
      ['an unknown key', 'InvalidAccessKeyId', () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) })],
      ['a wrong secret', 'SignatureDoesNotMatch', (valid: AwsCredentials) => ({ ...valid, secretAccessKey: 'y'.repeat(40) })],
    ])('refuses %s with %s 403', async (_label, expectedName, credentialsFor) => {
      const valid = await reader(readerPolicy('plain-trail'));
      const request = sandbox.clientForCredentials(credentialsFor(valid)).send(new ListObjectsV2Command({ Bucket: 'plain-trail', Prefix: PREFIX }));
      const error = await failureOf(request);
      expect(error.name).toBe(expectedName);
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(JSON.stringify({ ...error, message: error.message, $response: undefined })).not.toContain(valid.secretAccessKey);
    });

    it('refuses a deactivated key with InvalidAccessKeyId', async () => {
      const credentials = await reader(readerPolicy('plain-trail'));
      await iamClient.send(new UpdateAccessKeyCommand({ UserName: `reader-${userCount}`, AccessKeyId: credentials.accessKeyId, Status: 'Inactive' }));
      const error = await failureOf(sandbox.clientForCredentials(credentials).send(new ListObjectsV2Command({ Bucket: 'plain-trail', Prefix: PREFIX })));
      expect(error.name).toBe('InvalidAccessKeyId');
    });
  });

  it('fails loudly on an S3 command whose authorisation it does not emulate', async () => {
    const credentials = await reader(readerPolicy('plain-trail'));
    await expect(sandbox.clientForCredentials(credentials).send(new GetBucketTaggingCommand({ Bucket: 'plain-trail' }))).rejects.toBeInstanceOf(
      NotEmulatedError,
    );
  });
});
