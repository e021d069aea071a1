import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';
import { readAccessKey } from '../../../lambda/shared/account-secret.js';
import { verifyReaderAccess } from '../../../lambda/shared/reader-access.js';
import { checkTrailBucket } from '../../../lambda/shared/trail-bucket.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ORG, PROPAGATION_MS, clock, withSandbox } from './trail-fixture.js';
import type { BucketFacts } from '../../../lambda/shared/workflow-schemas.js';

describe('verifyReaderAccess', () => {
  const sandbox = withSandbox();

  async function provisionedReader(bucketName: string, factsOverride: Partial<BucketFacts> = {}) {
    const facts = { ...(await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName })), ...factsOverride };
    await provisionReader({ iam: sandbox().iam, secretsManager: sandbox().secretsManager }, { accountId: ACCOUNT, bucket: facts });
    const credentials = await readAccessKey(sandbox().secretsManager, ACCOUNT);
    return { facts, credentials, s3: sandbox().s3ForCredentials(credentials, { region: facts.bucketRegion }) };
  }

  it('reports ACCESS_NOT_YET_EFFECTIVE while the new key propagates, then reads a real log file', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'account-trail', layout: 'account', accountIds: [ACCOUNT] });
    const { facts, s3 } = await provisionedReader('account-trail');

    // Act
    const early = await onboardingErrorOf(verifyReaderAccess(s3, facts));
    clock.now += PROPAGATION_MS;
    const check = await verifyReaderAccess(s3, facts);

    // Assess
    expect(early.code).toBe(ErrorCode.ACCESS_NOT_YET_EFFECTIVE);
    expect(early.transient).toBe(true);
    expect(early.message).toContain('InvalidAccessKeyId');
    expect(check.objectKey.startsWith(facts.logPrefix)).toBe(true);
    expect(check.bytesRead).toBeGreaterThan(0);
  });

  it('reads SSE-KMS logs because the policy grants kms:Decrypt on the trail key', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'kms-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'SSE-KMS' });
    const { facts, s3 } = await provisionedReader('kms-trail');
    clock.now += PROPAGATION_MS;

    // Act
    const check = await verifyReaderAccess(s3, facts);

    // Assess
    expect(facts.kmsKeyArn).not.toBeNull();
    expect(check.bytesRead).toBeGreaterThan(0);
  });

  it('is denied on SSE-KMS logs when the policy lacks the key, which proves the KMS statement is needed', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'kms-trail', layout: 'account', accountIds: [ACCOUNT], encryption: 'SSE-KMS' });
    const { facts, s3 } = await provisionedReader('kms-trail', { kmsKeyArn: null });
    clock.now += PROPAGATION_MS;

    // Act
    const error = await onboardingErrorOf(verifyReaderAccess(s3, facts));

    // Assess
    expect(error.code).toBe(ErrorCode.ACCESS_NOT_YET_EFFECTIVE);
    expect(error.message).toContain('AccessDenied');
  });

  it.each([
    ['not gzip', Buffer.from('{"Records": []}')],
    ['gzip but not JSON', gzipSync('plain text')],
    ['JSON without Records', gzipSync(JSON.stringify({ events: [] }))],
  ])('fails with ACCESS_VERIFICATION_FAILED when the object read is %s', async (_what, body) => {
    // Prepare: the bad object sorts first under the prefix, so it is the one read.
    const bucket = await sandbox().createTrailBucket({ name: 'odd-trail', layout: 'account', accountIds: [ACCOUNT] });
    const prefix = bucket.logPrefixes[ACCOUNT] ?? '';
    await sandbox().fakes.s3.putObjects(bucket.name, [{ key: `${prefix}0-odd.json.gz`, body, contentType: 'application/json' }]);
    const { facts, s3 } = await provisionedReader(bucket.name);
    clock.now += PROPAGATION_MS;

    // Act
    const error = await onboardingErrorOf(verifyReaderAccess(s3, facts));

    // Assess
    expect(error.code).toBe(ErrorCode.ACCESS_VERIFICATION_FAILED);
    expect(error.message).toContain(`${prefix}0-odd.json.gz`);
  });

  it('gives the reader key nothing beyond its own account prefix in a shared organization bucket', async () => {
    // Prepare
    const other = '444455556666';
    const bucket = await sandbox().createTrailBucket({ name: 'org-trail', layout: 'organization', organizationId: ORG, accountIds: [other, ACCOUNT] });
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: bucket.name, organizationId: ORG });
    await provisionReader({ iam: sandbox().iam, secretsManager: sandbox().secretsManager }, { accountId: ACCOUNT, bucket: facts });
    const s3 = sandbox().s3ForCredentials(await readAccessKey(sandbox().secretsManager, ACCOUNT));
    clock.now += PROPAGATION_MS;
    const otherKey = bucket.objectKeys.find((key) => key.startsWith(bucket.logPrefixes[other] ?? '-')) ?? '';
    const denied = async (call: () => Promise<unknown>) => {
      try {
        await call();
        return 'allowed';
      } catch (error) {
        return (error as Error).name;
      }
    };

    // Act
    const own = await verifyReaderAccess(s3, facts);
    const otherObject = await denied(() => s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: otherKey })));
    const wholeBucket = await denied(() => s3.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: 'AWSLogs/' })));
    const otherPrefix = await denied(() => s3.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: bucket.logPrefixes[other] })));

    // Assess
    expect(own.objectKey.startsWith(facts.logPrefix)).toBe(true);
    expect(otherKey).not.toBe('');
    expect([otherObject, wholeBucket, otherPrefix]).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied']);
  });

  it('never puts the reader secret into an error message or its result', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'account-trail', layout: 'account', accountIds: [ACCOUNT] });
    const { facts, credentials, s3 } = await provisionedReader('account-trail');

    // Act
    const early = await onboardingErrorOf(verifyReaderAccess(s3, facts));
    clock.now += PROPAGATION_MS;
    const check = await verifyReaderAccess(s3, facts);

    // Assess
    const visible = JSON.stringify([early.message, early.details, early.toJSON(), check]);
    expect(visible).not.toContain(credentials.secretAccessKey);
  });
});
