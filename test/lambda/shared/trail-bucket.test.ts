import { GetBucketEncryptionCommand, GetBucketLocationCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { checkTrailBucket } from '../../../lambda/shared/trail-bucket.js';
import { ACCOUNT, HOME_ACCOUNT, REGION } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ORG, withSandbox } from './trail-fixture.js';
import { bucketFactsSchema } from '../../../lambda/shared/workflow-schemas.js';

describe('checkTrailBucket', () => {
  const sandbox = withSandbox();

  it('describes an account-trail bucket: region, prefix, no KMS key and a real log object', async () => {
    // Prepare
    const bucket = await sandbox().createTrailBucket({ name: 'account-trail', layout: 'account', accountIds: [ACCOUNT] });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: bucket.name, bucketRegion: REGION });

    // Assess
    expect(bucketFactsSchema.parse(facts)).toEqual(facts);
    expect(facts).toMatchObject({ bucketName: 'account-trail', bucketRegion: REGION, logPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/`, kmsKeyArn: null });
    expect(bucket.objectKeys).toContain(facts.sampleObjectKey);
    expect(facts.sampleObjectKey.startsWith(facts.logPrefix)).toBe(true);
    expect(facts.sampleObjectKey.endsWith('.json.gz')).toBe(true);
  });

  it('finds the logs of one account in an organization trail bucket behind a custom prefix', async () => {
    // Prepare
    await sandbox().createTrailBucket({
      name: 'org-trail',
      layout: 'organization',
      organizationId: ORG,
      prefix: 'central/audit',
      accountIds: ['444455556666', ACCOUNT],
    });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), {
      accountId: ACCOUNT,
      bucketName: 'org-trail',
      organizationId: ORG,
      trailPrefix: 'central/audit',
    });

    // Assess
    expect(facts.logPrefix).toBe(`central/audit/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`);
    expect(facts.sampleObjectKey.startsWith(facts.logPrefix)).toBe(true);
    expect(facts.sampleObjectKey).toContain(`/${ACCOUNT}_CloudTrail_`);
  });

  it('reports the SSE-KMS key the logs are encrypted with', async () => {
    // Prepare
    const keyArn = `arn:aws:kms:${REGION}:${HOME_ACCOUNT}:key/0b3c1a2e-9f1d-4a57-8b6e-2f4c5d6e7f80`;
    await sandbox().createTrailBucket({ name: 'kms-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'SSE-KMS', kmsKeyArn: keyArn });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'kms-trail' });

    // Assess
    expect(facts.kmsKeyArn).toBe(keyArn);
  });

  it('qualifies a bare KMS key id with the bucket region and owner account', async () => {
    // Prepare
    const keyId = '0b3c1a2e-9f1d-4a57-8b6e-2f4c5d6e7f80';
    await sandbox().createTrailBucket({ name: 'kms-id-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'SSE-KMS', kmsKeyArn: keyId });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'kms-id-trail', bucketOwnerAccountId: HOME_ACCOUNT });

    // Assess
    expect(facts.kmsKeyArn).toBe(`arn:aws:kms:${REGION}:${HOME_ACCOUNT}:key/${keyId}`);
  });

  it('reports no KMS key for a bucket without default encryption', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'plain-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'none' });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'plain-trail' });

    // Assess
    expect(facts.kmsKeyArn).toBeNull();
  });

  it('fails with BUCKET_REGION_MISMATCH naming both regions when the bucket is elsewhere', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'virginia-trail', region: 'us-east-1', layout: 'account', accountIds: [ACCOUNT] });

    // Act: once through a client in the bucket's region, once through one S3 redirects (HTTP 301).
    const direct = await onboardingErrorOf(
      checkTrailBucket(sandbox().s3ForProduct({ region: 'us-east-1' }), { accountId: ACCOUNT, bucketName: 'virginia-trail', bucketRegion: REGION }),
    );
    const redirected = await onboardingErrorOf(
      checkTrailBucket(sandbox().s3ForProduct({ region: REGION }), { accountId: ACCOUNT, bucketName: 'virginia-trail', bucketRegion: REGION }),
    );

    // Assess
    for (const error of [direct, redirected]) {
      expect(error.code).toBe(ErrorCode.BUCKET_REGION_MISMATCH);
      expect(error.message).toContain('us-east-1');
      expect(error.message).toContain(REGION);
      expect(error.details).toMatchObject({ expectedRegion: REGION, actualRegion: 'us-east-1' });
    }
  });

  it('follows a region redirect with a client for the bucket region when no region is expected', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'virginia-trail', region: 'us-east-1', layout: 'account', accountIds: [ACCOUNT] });
    const regionsAsked: string[] = [];

    // Act
    const facts = await checkTrailBucket(
      sandbox().s3ForProduct({ region: REGION }),
      { accountId: ACCOUNT, bucketName: 'virginia-trail' },
      {
        clientForRegion: (region) => {
          regionsAsked.push(region);
          return sandbox().s3ForProduct({ region });
        },
      },
    );

    // Assess
    expect(regionsAsked).toEqual(['us-east-1']);
    expect(facts.bucketRegion).toBe('us-east-1');
  });

  it('fails with BUCKET_NOT_FOUND for a bucket that does not exist', async () => {
    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'no-such-trail-bucket' }));

    // Assess
    expect(error.code).toBe(ErrorCode.BUCKET_NOT_FOUND);
    expect(error.message).toContain('no-such-trail-bucket');
  });

  it('fails with BUCKET_ACCESS_DENIED when the bucket policy shuts the product out', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'locked-trail', layout: 'account', accountIds: [ACCOUNT], denyProductAccess: true });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'locked-trail' }));

    // Assess
    expect(error.code).toBe(ErrorCode.BUCKET_ACCESS_DENIED);
    expect(error.message).toContain('locked-trail');
  });

  it('fails with NO_CLOUDTRAIL_LOGS naming the searched prefix when only digests exist', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'quiet-trail', layout: 'account', accountIds: [ACCOUNT], withLogs: false });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'quiet-trail' }));

    // Assess: nothing anywhere may be a trail that has not delivered yet, the code the workflow retries.
    expect(error.code).toBe(ErrorCode.NO_CLOUDTRAIL_LOGS);
    expect(error.message).toContain(`s3://quiet-trail/AWSLogs/${ACCOUNT}/CloudTrail/`);
    expect(error.details).toEqual({ bucketName: 'quiet-trail', logPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/` });
  });

  it('fails with TRAIL_LAYOUT_MISMATCH naming the organization layout when the logs are under an organization folder', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'org-only', layout: 'organization', organizationId: ORG, accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'org-only' }));

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.message).toContain('organization trail layout');
    expect(error.message).toContain(`set trail.organizationId to "${ORG}"`);
    expect(error.details).toMatchObject({
      expectedPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/`,
      foundPrefix: `AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`,
      foundLayout: 'organization',
    });
  });

  it('fails with TRAIL_LAYOUT_MISMATCH naming the account layout when an organization id was given for an account trail', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'account-only', layout: 'account', accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'account-only', organizationId: ORG }));

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.message).toContain(`s3://account-only/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`);
    expect(error.message).toContain('remove trail.organizationId');
    expect(error.details).toMatchObject({ foundPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/`, foundLayout: 'account' });
  });

  // s3rver cannot produce a truncated ListObjectsV2 page on Node 20 (its continuation token uses
  // DES, which OpenSSL 3 refuses), so paging is exercised against a scripted S3 instead.
  it('reads at most maxPages small pages to find a log file', async () => {
    // Prepare
    const s3 = new S3Client({ region: REGION });
    const mock = mockClient(s3);
    const prefix = `AWSLogs/${ACCOUNT}/CloudTrail/`;
    const logKey = `${prefix}eu-west-1/2025/06/01/${ACCOUNT}_CloudTrail_eu-west-1_20250601T1200Z_abc.json.gz`;
    mock.onAnyCommand().rejects(new Error('unexpected S3 command'));
    mock.on(HeadBucketCommand).resolves({});
    mock.on(GetBucketLocationCommand).resolves({ LocationConstraint: REGION });
    mock
      .on(GetBucketEncryptionCommand)
      .resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    mock.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'AES256' });
    mock
      .on(ListObjectsV2Command, { Prefix: prefix, ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: `${prefix}a/readme.txt` }, { Key: `${prefix}b/readme.txt` }], IsTruncated: true, NextContinuationToken: 'page-2' })
      .on(ListObjectsV2Command, { Prefix: prefix, ContinuationToken: 'page-2' })
      .resolves({ Contents: [{ Key: `${prefix}c/readme.txt` }, { Key: `${prefix}d/readme.txt` }], IsTruncated: true, NextContinuationToken: 'page-3' })
      .on(ListObjectsV2Command, { Prefix: prefix, ContinuationToken: 'page-3' })
      .resolves({ Contents: [{ Key: logKey }], IsTruncated: false })
      .on(ListObjectsV2Command, { Prefix: 'AWSLogs/o-' })
      .resolves({ Contents: [], IsTruncated: false });

    // Act
    const found = await checkTrailBucket(s3, { accountId: ACCOUNT, bucketName: 'paged-trail' }, { pageSize: 2, maxPages: 3 });
    const listsForFound = mock.commandCalls(ListObjectsV2Command).length;
    mock.resetHistory();
    const tooFew = await onboardingErrorOf(checkTrailBucket(s3, { accountId: ACCOUNT, bucketName: 'paged-trail' }, { pageSize: 2, maxPages: 2 }));

    // Assess
    expect(found.sampleObjectKey).toBe(logKey);
    expect(listsForFound).toBe(3);
    expect(tooFew.code).toBe(ErrorCode.NO_CLOUDTRAIL_LOGS);
    const searched = mock.commandCalls(ListObjectsV2Command).filter((call) => call.args[0].input.Prefix === prefix);
    expect(searched).toHaveLength(2);
    expect(searched.every((call) => call.args[0].input.MaxKeys === 2)).toBe(true);
  });
});
