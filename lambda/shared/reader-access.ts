import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from './errors.js';
import { awsHttpStatus, describeAwsError, isAwsError } from './ownership.js';
import { DEFAULT_PAGE_SIZE } from './trail-bucket.js';
import { isCloudTrailLogKey } from './trail-layout.js';
import type { AccessCheck, BucketFacts } from './workflow-schemas.js';
import { awsUnavailable } from './aws-transient.js';

/**
 * The proof that a reader's key works: with the READER's credentials, list the log prefix and read
 * one log object completely (VerifyAccess, and the rotation's testSecret).
 */

export interface VerifyReaderAccessOptions {
  /** Keys per ListObjectsV2 page. */
  pageSize?: number;
  /** Largest decompressed size accepted, against gzip bombs. */
  maxDecompressedBytes?: number;
}

// Right after CreateAccessKey / PutUserPolicy, S3 answers with these until IAM has propagated.
const PROPAGATION_ERRORS = ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied'];

function verificationError(error: unknown, operation: string, facts: BucketFacts): OnboardingError {
  if (error instanceof OnboardingError) return error;
  const transient = awsUnavailable(error, `Reading s3://${facts.bucketName}/${facts.logPrefix} with the reader's key`);
  if (transient) return transient;
  const details = { bucketName: facts.bucketName, operation, awsError: describeAwsError(error) };
  if (isAwsError(error, ...PROPAGATION_ERRORS) || awsHttpStatus(error) === 403) {
    return new OnboardingError(
      ErrorCode.ACCESS_NOT_YET_EFFECTIVE,
      `The reader's key cannot ${operation} in s3://${facts.bucketName}/${facts.logPrefix} yet (${describeAwsError(error)}). ` +
        'New IAM keys and policies take a while to propagate; if this persists for minutes, check the bucket policy' +
        (facts.kmsKeyArn ? ` and the key policy of ${facts.kmsKeyArn}` : '') +
        '.',
      { details },
    );
  }
  return new OnboardingError(
    ErrorCode.ACCESS_VERIFICATION_FAILED,
    `Reading s3://${facts.bucketName}/${facts.logPrefix} with the reader's key failed (${operation}: ${describeAwsError(error)}).`,
    { details },
  );
}

/**
 * With the READER's credentials: lists the log prefix and reads one log file completely, checking
 * that it is a gzipped CloudTrail JSON document with a `Records` array. `s3ForReader` must sign for
 * `facts.bucketRegion`. Every 403 right after provisioning is reported as ACCESS_NOT_YET_EFFECTIVE
 * (IAM propagation); the state machine retries it, and when retries run out that code stands for
 * "the key still cannot read" (bucket policy or KMS key policy), as its message says.
 */
export async function verifyReaderAccess(s3ForReader: S3Client, facts: BucketFacts, options: VerifyReaderAccessOptions = {}): Promise<AccessCheck> {
  let listedKey: string | undefined;
  try {
    const listing = await s3ForReader.send(
      new ListObjectsV2Command({ Bucket: facts.bucketName, Prefix: facts.logPrefix, MaxKeys: options.pageSize ?? DEFAULT_PAGE_SIZE }),
    );
    listedKey = (listing.Contents ?? []).map((object) => object.Key ?? '').find(isCloudTrailLogKey);
  } catch (error) {
    throw verificationError(error, 'list objects', facts);
  }
  const objectKey = listedKey ?? facts.sampleObjectKey;

  let body: Uint8Array;
  try {
    const output = await s3ForReader.send(new GetObjectCommand({ Bucket: facts.bucketName, Key: objectKey }));
    if (output.Body === undefined) throw new OnboardingError(ErrorCode.ACCESS_VERIFICATION_FAILED, `s3://${facts.bucketName}/${objectKey} returned no body.`);
    body = await output.Body.transformToByteArray();
  } catch (error) {
    throw verificationError(error, 'read objects', facts);
  }
  assertCloudTrailDocument(body, facts.bucketName, objectKey, options.maxDecompressedBytes ?? 512 * 1024 * 1024);
  return { objectKey, bytesRead: body.byteLength };
}

function assertCloudTrailDocument(body: Uint8Array, bucketName: string, objectKey: string, maxBytes: number): void {
  const fail = (why: string): OnboardingError =>
    new OnboardingError(ErrorCode.ACCESS_VERIFICATION_FAILED, `s3://${bucketName}/${objectKey} is not a CloudTrail log file: ${why}.`, {
      details: { bucketName, objectKey },
    });
  let text: string;
  try {
    text = gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    throw fail(`it does not gunzip (${error instanceof Error ? error.message : 'unknown error'})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw fail('its content is not JSON');
  }
  const records = typeof document === 'object' && document !== null ? (document as { Records?: unknown }).Records : undefined;
  if (!Array.isArray(records)) throw fail('it has no "Records" array');
}
