import { GetBucketEncryptionCommand, GetBucketLocationCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isOrganizationSubject } from '../contract/collection.js';
import type { HeadBucketCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { OnboardingError } from './errors.js';
import { awsErrorHeader, awsHttpStatus, describeAwsError, isAwsError } from './ownership.js';
import { cloudTrailLogPrefix, isCloudTrailLogKey, kmsKeyArnFor, regionFromLocationConstraint, type TrailLocation } from './trail-layout.js';
import { detectTrailLayout, trailLayoutMismatch } from './trail-layout-detection.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { BucketFacts } from './workflow-schemas.js';
import { awsUnavailable } from './aws-transient.js';

/**
 * Facts about a CloudTrail bucket (region, encryption key, where the logs are) checked with the
 * product's own S3 permissions, and the proof that the reader's key can read a log object.
 *
 * The S3 client should be created with `followRegionRedirects: true` so that calls reach a bucket
 * in another region; a client without it still works when `clientForRegion` is passed.
 *
 * IAM permissions the product role needs for {@link checkTrailBucket}: s3:ListBucket (with any
 * prefix: finding the layout lists folders from the bucket root), s3:GetBucketLocation,
 * s3:GetEncryptionConfiguration on the bucket and s3:GetObject under the log prefix (HeadObject,
 * to read the KMS key the log objects are really encrypted with).
 */

export interface CheckTrailBucketRequest extends TrailLocation {
  bucketName: string;
  /** The region the operator expects; when set, any other region fails with BUCKET_REGION_MISMATCH. */
  bucketRegion?: string | undefined;
  /**
   * Account that owns the bucket (and so a KMS key named by bare id in its encryption settings).
   * Defaults to `accountId`, which is right for a trail that logs into its own account.
   */
  bucketOwnerAccountId?: string | undefined;
}

export interface BucketScanOptions {
  /** Keys per ListObjectsV2 page. */
  pageSize?: number;
  /** Pages read at most before giving up on finding a log object. */
  maxPages?: number;
  /** A client for the bucket's region, used when the given one is redirected (HTTP 301). */
  clientForRegion?: (region: string) => S3Client;
}

/** Keys per ListObjectsV2 page, for the bucket scan and the reader's listing alike. */
export const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_MAX_PAGES = 4;

/**
 * Checks that the bucket exists, is reachable, is in the expected region and holds CloudTrail
 * logs for the account, and returns what the reader policy and Director need to know.
 */
export async function checkTrailBucket(s3: S3Client, request: CheckTrailBucketRequest, options: BucketScanOptions = {}): Promise<BucketFacts> {
  const { bucketName } = request;
  const logPrefix = cloudTrailLogPrefix(request);

  const head = await headBucket(s3, bucketName);
  let client = s3;
  if (head.redirectedTo !== undefined) {
    assertExpectedRegion(request, head.redirectedTo);
    if (options.clientForRegion === undefined) {
      throw new OnboardingError(
        ErrorCode.INTERNAL,
        `Bucket ${bucketName} is in ${head.redirectedTo} and S3 redirected the request; create the S3 client with followRegionRedirects or pass clientForRegion.`,
        { details: { bucketName, actualRegion: head.redirectedTo } },
      );
    }
    client = options.clientForRegion(head.redirectedTo);
  }

  const bucketRegion = await bucketRegionOf(client, bucketName, head.region ?? head.redirectedTo);
  assertExpectedRegion(request, bucketRegion);

  const defaultKey = await bucketDefaultKmsKey(client, request, bucketRegion);
  const sampleObjectKey = await findLogObject(client, bucketName, logPrefix, options);
  if (sampleObjectKey === null) {
    // Logs elsewhere mean a wrong setting, which no retry fixes; no logs anywhere may mean a trail
    // that has not delivered yet, which the state machine waits for (it retries only this code).
    const found = await detectTrailLayout(client, bucketName, request, { pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
    if (found !== null) throw trailLayoutMismatch(bucketName, request, found);
    throw new OnboardingError(
      ErrorCode.NO_CLOUDTRAIL_LOGS,
      `No CloudTrail log files (*.json.gz) found in s3://${bucketName}/${logPrefix}, nor this account's logs under another layout of the bucket. ` +
        'The trail may not have delivered any logs yet (CloudTrail delivers about every 5 minutes).',
      { details: { bucketName, logPrefix } },
    );
  }
  const objectKey = await objectKmsKey(client, bucketName, sampleObjectKey);
  const kmsKeyArn = objectKey === null ? defaultKey : qualifiedKmsKey(objectKey, bucketRegion, request);
  return { bucketName, bucketRegion, logPrefix, kmsKeyArn, sampleObjectKey };
}

/**
 * A key id from the bucket's settings as an ARN. A bare id belongs to the bucket's owner: the given
 * owner, else the account itself. The organization's source has no account of its own, so without
 * a given owner a bare id stays unqualified (null); a log object's own key, always a full ARN, decides.
 */
function qualifiedKmsKey(keyIdOrArn: string, bucketRegion: string, request: CheckTrailBucketRequest): string | null {
  const owner = request.bucketOwnerAccountId ?? (isOrganizationSubject(request.accountId) ? undefined : request.accountId);
  if (owner === undefined && !keyIdOrArn.startsWith('arn:')) return null;
  return kmsKeyArnFor(keyIdOrArn, bucketRegion, owner ?? '');
}

function assertExpectedRegion(request: CheckTrailBucketRequest, actualRegion: string): void {
  if (request.bucketRegion !== undefined && request.bucketRegion !== actualRegion) {
    throw new OnboardingError(
      ErrorCode.BUCKET_REGION_MISMATCH,
      `Bucket ${request.bucketName} is in region ${actualRegion}, but ${request.bucketRegion} was expected. ` +
        'Fix bucketRegion in the input or the configuration.',
      { details: { bucketName: request.bucketName, expectedRegion: request.bucketRegion, actualRegion } },
    );
  }
}

/** Maps the S3 failures every bucket-level call shares; anything else keeps its name in an INTERNAL error. */
function bucketError(error: unknown, operation: string, bucketName: string, permission: string): OnboardingError {
  if (error instanceof OnboardingError) return error;
  const transient = awsUnavailable(error, `S3 ${operation} on bucket ${bucketName}`);
  if (transient) return transient;
  const status = awsHttpStatus(error);
  const details = { bucketName, operation, awsError: describeAwsError(error) };
  if (status === 404 || isAwsError(error, 'NoSuchBucket', 'NotFound')) {
    return new OnboardingError(ErrorCode.BUCKET_NOT_FOUND, `S3 bucket ${bucketName} does not exist (${operation}: ${describeAwsError(error)}).`, {
      details,
    });
  }
  if (status === 403 || isAwsError(error, 'AccessDenied', 'Forbidden', 'AllAccessDisabled')) {
    return new OnboardingError(
      ErrorCode.BUCKET_ACCESS_DENIED,
      `Access to S3 bucket ${bucketName} was denied (${operation}: ${describeAwsError(error)}). ` +
        `The onboarding role needs ${permission}, and the bucket policy must allow it.`,
      { details },
    );
  }
  return new OnboardingError(ErrorCode.INTERNAL, `S3 ${operation} on bucket ${bucketName} failed: ${describeAwsError(error)}.`, {
    details,
    cause: error,
  });
}

async function headBucket(s3: S3Client, bucketName: string): Promise<{ region?: string; redirectedTo?: string }> {
  let output: HeadBucketCommandOutput;
  try {
    output = await s3.send(new HeadBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    const status = awsHttpStatus(error);
    const regionHeader = awsErrorHeader(error, 'x-amz-bucket-region');
    // 301 PermanentRedirect (or 400 for a mis-signed region): the bucket exists in the header's region.
    if ((status === 301 || status === 400 || isAwsError(error, 'PermanentRedirect')) && regionHeader !== undefined) {
      return { redirectedTo: regionHeader };
    }
    throw bucketError(error, 'HeadBucket', bucketName, 's3:ListBucket');
  }
  return output.BucketRegion ? { region: output.BucketRegion } : {};
}

async function bucketRegionOf(s3: S3Client, bucketName: string, fallback: string | undefined): Promise<string> {
  try {
    const output = await s3.send(new GetBucketLocationCommand({ Bucket: bucketName }));
    return regionFromLocationConstraint(output.LocationConstraint);
  } catch (error) {
    // HeadBucket already named the region: a missing s3:GetBucketLocation need not stop us.
    if (fallback !== undefined && awsHttpStatus(error) === 403) return fallback;
    throw bucketError(error, 'GetBucketLocation', bucketName, 's3:GetBucketLocation');
  }
}

/**
 * The bucket's default SSE-KMS key as an ARN, or null for SSE-S3 / no default encryption. A bare
 * key id is qualified with the bucket's region and owner account. An alias is returned as an alias
 * ARN, which IAM does not accept for kms:Decrypt; that is why the key read from a log object
 * ({@link objectKmsKey}, always a key ARN) takes precedence over this one.
 */
async function bucketDefaultKmsKey(s3: S3Client, request: CheckTrailBucketRequest, bucketRegion: string): Promise<string | null> {
  let rules;
  try {
    const output = await s3.send(new GetBucketEncryptionCommand({ Bucket: request.bucketName }));
    rules = output.ServerSideEncryptionConfiguration?.Rules ?? [];
  } catch (error) {
    if (isAwsError(error, 'ServerSideEncryptionConfigurationNotFoundError')) return null;
    throw bucketError(error, 'GetBucketEncryption', request.bucketName, 's3:GetEncryptionConfiguration');
  }
  for (const rule of rules) {
    const byDefault = rule.ApplyServerSideEncryptionByDefault;
    if (byDefault?.SSEAlgorithm?.startsWith('aws:kms') && byDefault.KMSMasterKeyID) {
      return qualifiedKmsKey(byDefault.KMSMasterKeyID, bucketRegion, request);
    }
  }
  return null;
}

/** The first CloudTrail log file under the prefix, reading at most `maxPages` small pages. */
async function findLogObject(s3: S3Client, bucketName: string, prefix: string, options: BucketScanOptions): Promise<string | null> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  let continuationToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    let output;
    try {
      output = await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix, MaxKeys: pageSize, ContinuationToken: continuationToken }));
    } catch (error) {
      throw bucketError(error, 'ListObjectsV2', bucketName, `s3:ListBucket on prefix ${prefix}`);
    }
    const found = (output.Contents ?? []).find((object) => object.Key !== undefined && isCloudTrailLogKey(object.Key));
    if (found?.Key !== undefined) return found.Key;
    if (!output.IsTruncated || !output.NextContinuationToken) return null;
    continuationToken = output.NextContinuationToken;
  }
  return null;
}

/**
 * The KMS key a log object is encrypted with (S3 answers with the key ARN), or null when it is not
 * SSE-KMS or cannot be read.
 */
async function objectKmsKey(s3: S3Client, bucketName: string, key: string): Promise<string | null> {
  try {
    const output = await s3.send(new HeadObjectCommand({ Bucket: bucketName, Key: key }));
    return output.ServerSideEncryption?.startsWith('aws:kms') && output.SSEKMSKeyId ? output.SSEKMSKeyId : null;
  } catch {
    // Only a refinement over the bucket default; its absence is not a reason to fail the check.
    return null;
  }
}
