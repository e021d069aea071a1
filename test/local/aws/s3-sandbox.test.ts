import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrailObjects, parseCloudTrailLogFile } from '../../../local/aws/cloudtrail-fixtures.js';
import { FakeIam } from '../../../local/aws/fake-iam.js';
import { S3Sandbox } from '../../../local/aws/s3-sandbox.js';

const ACCOUNT = '111122223333';
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const trail = (bucketName: string) =>
  buildTrailObjects({
    bucketName,
    accountId: ACCOUNT,
    regions: ['eu-west-1'],
    filesPerRegion: 2,
    withLogs: true,
    trailName: 't',
    homeRegion: 'eu-west-1',
    now: new Date('2024-05-01T10:00:00Z'),
  });

async function failureOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3ServiceException, got ${String(error)}`);
  return error;
}

describe('S3Sandbox', () => {
  let sandbox: S3Sandbox;

  beforeAll(async () => {
    sandbox = await S3Sandbox.start({ iam: new FakeIam(new IAMClient({ region: 'us-east-1' }), { accountId: ACCOUNT }), defaultRegion: 'eu-west-1' });
    await sandbox.createBucket({ name: 'trail-sse-s3', encryption: 'SSE-S3' });
    await sandbox.createBucket({ name: 'trail-kms', encryption: 'SSE-KMS', kmsKeyArn: KMS_KEY });
    await sandbox.createBucket({ name: 'trail-plain', encryption: 'none' });
    await sandbox.createBucket({ name: 'trail-virginia', region: 'us-east-1' });
    await sandbox.createBucket({ name: 'trail-denied', denyProductAccess: true });
    await sandbox.putObjects('trail-kms', trail('trail-kms'));
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('serves s3rver on 127.0.0.1 at a random port', () => {
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('round-trips a gzipped CloudTrail object that decompresses to valid CloudTrail JSON', async () => {
    const s3 = sandbox.clientForProduct();
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: 'trail-kms', Prefix: `AWSLogs/${ACCOUNT}/CloudTrail/` }));
    expect(Contents).toHaveLength(2);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'trail-kms', Key: Contents?.[0]?.Key }));
    const { Records } = parseCloudTrailLogFile((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    expect(object.ContentEncoding).toBe('gzip');
    expect(Records[0]?.recipientAccountId).toBe(ACCOUNT);
  });

  it('reports object encryption the way S3 does for an SSE-KMS bucket', async () => {
    const s3 = sandbox.clientForProduct();
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: 'trail-kms' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'trail-kms', Key: Contents?.[0]?.Key }));
    expect(object).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY, BucketKeyEnabled: true });
    await object.Body?.transformToByteArray();
  });

  describe('GetBucketLocation', () => {
    it('answers the configured region as LocationConstraint', async () => {
      const { LocationConstraint } = await sandbox.clientForProduct().send(new GetBucketLocationCommand({ Bucket: 'trail-kms' }));
      expect(LocationConstraint).toBe('eu-west-1');
    });

    it('answers an empty LocationConstraint for us-east-1, from a client in any region', async () => {
      const { LocationConstraint } = await sandbox.clientForProduct().send(new GetBucketLocationCommand({ Bucket: 'trail-virginia' }));
      expect(LocationConstraint).toBeUndefined();
    });

    it('answers a missing bucket with the SDK NoSuchBucket exception', async () => {
      const error = await failureOf(sandbox.clientForProduct().send(new GetBucketLocationCommand({ Bucket: 'no-such-bucket' })));
      expect(error).toBeInstanceOf(NoSuchBucket);
      expect(error.$metadata.httpStatusCode).toBe(404);
    });
  });

  describe('GetBucketEncryption', () => {
    it('answers SSE-KMS with the key ARN', async () => {
      const { ServerSideEncryptionConfiguration } = await sandbox.clientForProduct().send(new GetBucketEncryptionCommand({ Bucket: 'trail-kms' }));
      expect(ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY });
    });

    it('answers SSE-S3 as AES256', async () => {
      const { ServerSideEncryptionConfiguration } = await sandbox.clientForProduct().send(new GetBucketEncryptionCommand({ Bucket: 'trail-sse-s3' }));
      expect(ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    });

    it('answers a bucket without default encryption with ServerSideEncryptionConfigurationNotFoundError', async () => {
      const error = await failureOf(sandbox.clientForProduct().send(new GetBucketEncryptionCommand({ Bucket: 'trail-plain' })));
      expect(error.name).toBe('ServerSideEncryptionConfigurationNotFoundError');
      expect(error.$metadata.httpStatusCode).toBe(404);
    });
  });

  it('denies the product role with a bodiless 403 on HeadBucket when the bucket shuts it out', async () => {
    const error = await failureOf(sandbox.clientForProduct().send(new HeadBucketCommand({ Bucket: 'trail-denied' })));
    expect(error.$metadata.httpStatusCode).toBe(403);
    const listing = await failureOf(sandbox.clientForProduct().send(new ListObjectsV2Command({ Bucket: 'trail-denied' })));
    expect(listing.name).toBe('AccessDenied');
  });

  it('redirects a request signed for another region, naming the bucket region', async () => {
    const error = await failureOf(sandbox.clientForProduct({ region: 'us-east-1' }).send(new ListObjectsV2Command({ Bucket: 'trail-kms' })));
    expect(error.name).toBe('PermanentRedirect');
    expect(error.$metadata.httpStatusCode).toBe(301);
    expect(error.$response?.headers['x-amz-bucket-region']).toBe('eu-west-1');
  });

  it('starts under tsx, the runner behind npm start, whose ESM interop used to break s3rver', async () => {
    const script = [
      "const { S3Sandbox } = await import('./local/aws/s3-sandbox.ts');",
      "const { FakeIam } = await import('./local/aws/fake-iam.ts');",
      "const { IAMClient } = await import('@aws-sdk/client-iam');",
      "const s = await S3Sandbox.start({ iam: new FakeIam(new IAMClient({}), { accountId: '111122223333' }), defaultRegion: 'eu-west-1' });",
      'console.log(s.endpoint); await s.stop();',
    ].join(' ');
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('removes its temporary directory and stops listening on stop', async () => {
    const other = await S3Sandbox.start({ iam: new FakeIam(new IAMClient({ region: 'us-east-1' }), { accountId: ACCOUNT }), defaultRegion: 'eu-west-1' });
    expect(existsSync(other.directory)).toBe(true);
    await other.stop();
    expect(existsSync(other.directory)).toBe(false);
    await expect(other.clientForProduct().send(new HeadBucketCommand({ Bucket: 'any' }))).rejects.toThrow(/ECONNREFUSED/);
  });
});
