import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode } from '../contract/error-codes.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import { resolveOnboardingRequest } from '../onboarding/request.js';
import { OnboardingError } from '../shared/errors.js';
import { buildReaderPolicy } from '../shared/reader-policy.js';
import { checkTrailBucket } from '../shared/trail-bucket.js';
import { checkKmsKeyPolicy } from './kms-checks.js';
import { fail, pass, skip, type PreflightCheck } from './report.js';

/** What to do about each way the bucket check fails: the same codes CheckBucket fails an onboarding with. */
const FIXES: Partial<Record<string, string>> = {
  [ErrorCode.BUCKET_NOT_FOUND]: 'Check trail.bucketName: no such bucket (or this identity may not see it).',
  [ErrorCode.BUCKET_REGION_MISMATCH]: 'Set trail.bucketRegion to the bucket region, or leave it out.',
  [ErrorCode.BUCKET_ACCESS_DENIED]: "Let the product's roles read the bucket: its bucket policy denies them.",
  [ErrorCode.NO_CLOUDTRAIL_LOGS]: 'Check that the trail delivers to this bucket (and trail.trailPrefix / trail.organizationId match its layout).',
  [ErrorCode.TRAIL_LAYOUT_MISMATCH]: 'Set trail.trailPrefix / trail.organizationId to the layout the message names.',
};

/** KMS as the caller reaches it (a client for the key's region), and the account the readers live in. */
export interface TrailKmsAccess {
  client: (region: string) => KMSClient;
  readerAccountId: string;
}

/**
 * The trail half of preflight, for one subject (an account, or the organization): the bucket
 * exists in the expected region, its encryption, and log objects under the subject's prefix in
 * the configured layout; for an SSE-KMS bucket, whether the key policy lets the reader decrypt.
 */
export async function checkTrail(s3: S3Client, settings: RuntimeSettings, subject: string, kms: TrailKmsAccess): Promise<PreflightCheck[]> {
  const title = `Trail bucket for ${subject}`;
  try {
    const request = resolveOnboardingRequest({ accountId: subject }, settings);
    const facts = await checkTrailBucket(s3, request);
    const encryption = facts.kmsKeyArn === null ? 'SSE-S3 (or none)' : `SSE-KMS with ${facts.kmsKeyArn}`;
    return [
      pass(
        'trail.bucket',
        title,
        `s3://${facts.bucketName} in ${facts.bucketRegion}, ${encryption}; logs under ${facts.logPrefix} (e.g. ${facts.sampleObjectKey})`,
      ),
      facts.kmsKeyArn === null
        ? pass('trail.kms', 'KMS key policy', 'no KMS key to check')
        : await checkKmsKeyPolicy(kms.client(facts.bucketRegion), {
            keyArn: facts.kmsKeyArn,
            bucketRegion: facts.bucketRegion,
            subject,
            readerAccountId: kms.readerAccountId,
            readerPolicy: buildReaderPolicy({ ...facts }),
          }),
    ];
  } catch (error) {
    const code = error instanceof OnboardingError ? error.code : ErrorCode.INTERNAL;
    const message = error instanceof Error ? error.message : String(error);
    return [
      fail('trail.bucket', title, message, FIXES[code] ?? 'See the message.', code),
      skip('trail.kms', 'KMS key policy', 'not checked: the bucket check failed'),
    ];
  }
}
