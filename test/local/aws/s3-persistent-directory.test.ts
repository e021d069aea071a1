import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeIam } from '../../../local/aws/fake-iam.js';
import { S3Sandbox } from '../../../local/aws/s3-sandbox.js';
import { rejectionOf } from '../../support/rejections.js';

/**
 * A sandbox that outlives its process keeps s3rver's storage in a directory the caller chose:
 * stop() leaves it, and a later sandbox on it serves the same objects, with the region and
 * encryption the emulation adds taken back from buckets() by importBuckets().
 */

const ACCOUNT = '111122223333';
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const fakeIam = () => new FakeIam(new IAMClient({ region: 'us-east-1' }), { accountId: ACCOUNT });

describe('S3Sandbox on a caller-chosen directory', () => {
  let directory: string;
  const running: S3Sandbox[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 's3-persistent-directory-test-'));
  });

  afterEach(async () => {
    for (const sandbox of running.splice(0)) await sandbox.stop();
    await rm(directory, { recursive: true, force: true });
  });

  const start = async (options: { directory?: string } = {}) => {
    const sandbox = await S3Sandbox.start({ iam: fakeIam(), defaultRegion: 'eu-west-1', ...options });
    running.push(sandbox);
    return sandbox;
  };
  const stop = async (sandbox: S3Sandbox) => {
    running.splice(running.indexOf(sandbox), 1);
    await sandbox.stop();
  };

  it('serves the objects of an earlier sandbox on the same directory, with its buckets’ region and encryption once imported', async () => {
    // Protects: `npm start` commands run one after another on one sandbox: the trail bucket and its logs are still there, as they were.
    // Prepare
    const first = await start({ directory });
    await first.createBucket({ name: 'trail-kms', encryption: 'SSE-KMS', kmsKeyArn: KMS_KEY });
    await first.createBucket({ name: 'trail-oregon', region: 'us-west-2', encryption: 'none' });
    await first.clientForProduct().send(new PutObjectCommand({ Bucket: 'trail-kms', Key: 'AWSLogs/111122223333/CloudTrail/a.json', Body: '{"Records":[]}' }));
    await first
      .clientForProduct({ region: 'us-west-2' })
      .send(new PutObjectCommand({ Bucket: 'trail-oregon', Key: 'AWSLogs/111122223333/CloudTrail/b.json', Body: 'oregon' }));
    const buckets = first.buckets();
    await stop(first);

    // Act
    const second = await start({ directory });
    const locationBeforeImport = await second.clientForProduct().send(new GetBucketLocationCommand({ Bucket: 'trail-oregon' }));
    second.importBuckets(buckets);
    const s3 = second.clientForProduct();
    const object = await s3.send(new GetObjectCommand({ Bucket: 'trail-kms', Key: 'AWSLogs/111122223333/CloudTrail/a.json' }));
    const body = await object.Body?.transformToString();
    const oregon = second.clientForProduct({ region: 'us-west-2' });
    const listing = await oregon.send(new ListObjectsV2Command({ Bucket: 'trail-oregon' }));
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'trail-oregon' }));
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'trail-kms' }));
    const plain = await rejectionOf(oregon.send(new GetBucketEncryptionCommand({ Bucket: 'trail-oregon' })));
    const redirect = await rejectionOf(s3.send(new ListObjectsV2Command({ Bucket: 'trail-oregon' })));

    // Assess
    expect(locationBeforeImport.LocationConstraint).toBeUndefined();
    expect(body).toBe('{"Records":[]}');
    expect(object).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY, BucketKeyEnabled: true });
    expect(listing.Contents?.map((entry) => entry.Key)).toEqual(['AWSLogs/111122223333/CloudTrail/b.json']);
    expect(location.LocationConstraint).toBe('us-west-2');
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: KMS_KEY,
    });
    expect((plain as S3ServiceException).name).toBe('ServerSideEncryptionConfigurationNotFoundError');
    expect(redirect).toBeInstanceOf(S3ServiceException);
    expect((redirect as S3ServiceException).name).toBe('PermanentRedirect');
    expect((redirect as S3ServiceException).$response?.headers['x-amz-bucket-region']).toBe('us-west-2');
    expect(second.buckets()).toEqual(buckets);
  });

  it('takes copies on importBuckets: changing the imported list afterwards changes nothing the emulation answers', async () => {
    // Protects: the state the caller read from a file stays its own; the sandbox's buckets change only through the sandbox.
    // Prepare
    const first = await start({ directory });
    await first.createBucket({ name: 'trail-copy', encryption: 'SSE-KMS', kmsKeyArn: KMS_KEY });
    const buckets = first.buckets();
    await stop(first);
    const second = await start({ directory });

    // Act
    second.importBuckets(buckets);
    const [bucket] = buckets;
    if (bucket === undefined) throw new Error('no bucket exported');
    bucket.region = 'ap-southeast-2';
    bucket.encryption = { type: 'none' };

    // Assess
    const encryption = await second.clientForProduct().send(new GetBucketEncryptionCommand({ Bucket: 'trail-copy' }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(second.buckets()[0]?.region).toBe('eu-west-1');
  });

  it('leaves a caller-chosen directory, with its contents, in place on stop', async () => {
    // Protects: stopping one command's sandbox does not delete the state the next command starts from.
    // Prepare
    const sandbox = await start({ directory });
    await sandbox.createBucket({ name: 'trail-kept' });
    await sandbox.clientForProduct().send(new PutObjectCommand({ Bucket: 'trail-kept', Key: 'k', Body: 'v' }));

    // Act
    await stop(sandbox);

    // Assess
    expect(sandbox.directory).toBe(directory);
    expect(existsSync(directory)).toBe(true);
    expect(await readdir(directory)).toContain('trail-kept');
  });

  it('removes its own temporary directory on stop when the caller chose none', async () => {
    // Protects: test runs and one-off sandboxes leave nothing behind in the temp directory.
    // Prepare
    const sandbox = await start();
    await sandbox.createBucket({ name: 'trail-temporary' });
    const own = sandbox.directory;
    const existedWhileRunning = existsSync(own);

    // Act
    await stop(sandbox);

    // Assess
    expect(own).not.toBe(directory);
    expect(existedWhileRunning).toBe(true);
    expect(existsSync(own)).toBe(false);
  });
});
