import type { ListObjectsV2CommandInput, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { checkTrailBucket } from '../../../lambda/shared/trail-bucket.js';
import { trailLayoutMismatch } from '../../../lambda/shared/trail-layout-detection.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ORG, withSandbox } from './trail-fixture.js';

/* CheckBucket's answer when the logs are not under the configured prefix: the layout they are in, or none. */

const OTHER_ACCOUNT = '444455556666';
const CONTROL_TOWER_PREFIX = `${ORG}/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`;

describe('checkTrailBucket layout detection', () => {
  const sandbox = withSandbox();

  /** The product's S3 client, and every ListObjectsV2 it sends. */
  function recordingClient(): { s3: S3Client; listings: ListObjectsV2CommandInput[] } {
    const s3 = sandbox().s3ForProduct();
    const listings: ListObjectsV2CommandInput[] = [];
    s3.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ListObjectsV2Command') listings.push(args.input as ListObjectsV2CommandInput);
        return next(args);
      },
      { step: 'initialize', name: 'recordListings' },
    );
    return { s3, listings };
  }

  it('reads a Control Tower bucket when both organizationId and trailPrefix are the organization id', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'log-archive', layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [OTHER_ACCOUNT, ACCOUNT] });

    // Act
    const facts = await checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'log-archive', organizationId: ORG, trailPrefix: ORG });

    // Assess
    expect(facts.logPrefix).toBe(CONTROL_TOWER_PREFIX);
    expect(facts.sampleObjectKey.startsWith(CONTROL_TOWER_PREFIX)).toBe(true);
  });

  it('names the Control Tower layout and trail.trailPrefix when an organization trail is configured without the prefix', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'log-archive', layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'log-archive', organizationId: ORG }));

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.message).toContain('Control Tower');
    expect(error.message).toContain(`set trail.trailPrefix to "${ORG}"`);
    expect(error.details).toEqual({
      bucketName: 'log-archive',
      expectedPrefix: `AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/`,
      foundPrefix: CONTROL_TOWER_PREFIX,
      foundLayout: 'control-tower',
      configChanges: { 'trail.trailPrefix': ORG },
    });
  });

  it('names both settings when an account trail is configured for a Control Tower bucket', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'log-archive', layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'log-archive' }));

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.details).toMatchObject({ foundLayout: 'control-tower', configChanges: { 'trail.organizationId': ORG, 'trail.trailPrefix': ORG } });
  });

  it('finds a custom prefix of several folders in front of AWSLogs/', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'central-logs', layout: 'account', prefix: 'security/audit/cloudtrail', accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'central-logs' }));

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.message).toContain('custom prefix "security/audit/cloudtrail"');
    expect(error.details).toMatchObject({
      foundPrefix: `security/audit/cloudtrail/AWSLogs/${ACCOUNT}/CloudTrail/`,
      foundLayout: 'custom-prefix',
      configChanges: { 'trail.trailPrefix': 'security/audit/cloudtrail' },
    });
  });

  it('tells to remove trail.trailPrefix when the trail writes without one', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'org-trail', layout: 'organization', organizationId: ORG, accountIds: [ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(
      checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'org-trail', organizationId: ORG, trailPrefix: 'central' }),
    );

    // Assess
    expect(error.code).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
    expect(error.message).toContain('remove trail.trailPrefix');
    expect(error.details).toMatchObject({ foundLayout: 'organization', configChanges: { 'trail.trailPrefix': null } });
  });

  it('keeps NO_CLOUDTRAIL_LOGS, which is retried, when the bucket holds only other accounts of the organization', async () => {
    // Prepare: the account is new, and the organization trail has not delivered for it yet.
    await sandbox().createTrailBucket({ name: 'log-archive', layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [OTHER_ACCOUNT] });

    // Act
    const error = await onboardingErrorOf(
      checkTrailBucket(sandbox().s3ForProduct(), { accountId: ACCOUNT, bucketName: 'log-archive', organizationId: ORG, trailPrefix: ORG }),
    );

    // Assess
    expect(error.code).toBe(ErrorCode.NO_CLOUDTRAIL_LOGS);
  });

  it('looks with a bounded number of folder listings, never listing the bucket recursively, however many folders it has', async () => {
    // Prepare: forty unrelated folders, three levels deep, and no log of the account anywhere.
    await sandbox().createTrailBucket({ name: 'busy-bucket', layout: 'organization', organizationId: ORG, accountIds: [OTHER_ACCOUNT] });
    const decoys = Array.from({ length: 40 }, (_, index) => ({
      key: `exports-${String(index).padStart(2, '0')}/daily/part-1/data.csv`,
      body: Buffer.from('a,b\n'),
      contentType: 'text/csv',
    }));
    await sandbox().fakes.s3.putObjects('busy-bucket', decoys);
    const { s3, listings } = recordingClient();

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(s3, { accountId: ACCOUNT, bucketName: 'busy-bucket' }));

    // Assess: one search of the configured prefix, then the detection's budget at most.
    expect(error.code).toBe(ErrorCode.NO_CLOUDTRAIL_LOGS);
    expect(listings.length).toBeLessThanOrEqual(1 + 16);
    const recursive = listings.filter((listing) => listing.Delimiter !== '/' && listing.Prefix?.endsWith(`/${ACCOUNT}/CloudTrail/`) !== true);
    expect(recursive).toEqual([]);
  });

  it('finds a Control Tower folder among many other folders within the budget', async () => {
    // Prepare
    await sandbox().createTrailBucket({ name: 'busy-archive', layout: 'organization', organizationId: ORG, prefix: ORG, accountIds: [ACCOUNT] });
    const decoys = Array.from({ length: 40 }, (_, index) => ({
      key: `aaa-${String(index).padStart(2, '0')}/x/y.txt`,
      body: Buffer.from('x'),
      contentType: 'text/plain',
    }));
    await sandbox().fakes.s3.putObjects('busy-archive', decoys);
    const { s3, listings } = recordingClient();

    // Act
    const error = await onboardingErrorOf(checkTrailBucket(s3, { accountId: ACCOUNT, bucketName: 'busy-archive' }));

    // Assess: organization-id folders are walked before the others.
    expect(error.details).toMatchObject({ foundLayout: 'control-tower' });
    expect(listings.length).toBeLessThanOrEqual(8);
  });
});

describe('trailLayoutMismatch', () => {
  it('says what was expected, where the logs are, the layout, and the settings to change', () => {
    // Act
    const error = trailLayoutMismatch(
      'log-archive',
      { accountId: ACCOUNT, organizationId: ORG },
      { location: { accountId: ACCOUNT, organizationId: ORG, trailPrefix: ORG }, logPrefix: CONTROL_TOWER_PREFIX, layout: 'control-tower' },
    );

    // Assess
    expect(error.message).toBe(
      `No CloudTrail log files (*.json.gz) in s3://log-archive/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/, but account ${ACCOUNT}'s logs are in ` +
        `s3://log-archive/${CONTROL_TOWER_PREFIX}: the bucket has the Control Tower layout (the organization id ${ORG} in front of AWSLogs/). ` +
        `In the stack config, set trail.trailPrefix to "${ORG}"; an onboarding input that sets trailPrefix itself needs the same change.`,
    );
    expect(error.name).toBe(ErrorCode.TRAIL_LAYOUT_MISMATCH);
  });
});
