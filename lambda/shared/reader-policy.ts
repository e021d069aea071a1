import { OnboardingError } from './errors.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * The reader user's only permissions: list the trail's log prefix, read objects under it and,
 * when the logs are SSE-KMS encrypted, decrypt with that one key through S3 in the bucket's region.
 * Nothing else: no wildcard action, no resource outside the bucket, the prefix and the key.
 */

/** Name of the inline policy on the reader user; PutUserPolicy with it replaces the previous version. */
export const READER_POLICY_NAME = 'logpoint-cloudtrail-read';

type IamPolicyCondition = Record<string, Record<string, string[]>>;

interface IamPolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: IamPolicyCondition;
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamPolicyStatement[];
}

export interface ReaderPolicyInput {
  bucketName: string;
  /** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/`: must end with `/`. */
  logPrefix: string;
  /** The trail's KMS key ARN, or null when the logs are not SSE-KMS encrypted. */
  kmsKeyArn: string | null | undefined;
  bucketRegion: string;
}

/** The ARN partition a region belongs to. */
export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/**
 * Values of `kms:ViaService` for S3 in a region. The China partition's service endpoints end in
 * `.amazonaws.com.cn`; both spellings are listed there because either one still names only S3 in
 * that region, so the grant is not widened.
 */
export function s3ViaServiceValues(region: string): string[] {
  const standard = `s3.${region}.amazonaws.com`;
  return partitionForRegion(region) === 'aws-cn' ? [standard, `${standard}.cn`] : [standard];
}

// IAM treats `*` and `?` as wildcards and `${...}` as a policy variable in resources and conditions:
// any of them in a prefix would silently widen the grant beyond the trail's logs.
const POLICY_SPECIAL = /[*?]|\$\{/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;

export function buildReaderPolicy(input: ReaderPolicyInput): IamPolicyDocument {
  const { bucketName, logPrefix, kmsKeyArn, bucketRegion } = input;
  if (!logPrefix.endsWith('/') || logPrefix.startsWith('/') || POLICY_SPECIAL.test(logPrefix)) {
    throw new OnboardingError(
      ErrorCode.INVALID_INPUT,
      `Log prefix "${logPrefix}" cannot be granted: it must end with "/", must not start with "/" and must not contain "*", "?" or "\${".`,
      { details: { logPrefix } },
    );
  }
  if (POLICY_SPECIAL.test(bucketName)) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `Bucket name "${bucketName}" cannot be granted.`, { details: { bucketName } });
  }
  const partition = partitionForRegion(bucketRegion);
  const bucketArn = `arn:${partition}:s3:::${bucketName}`;
  const statements: IamPolicyStatement[] = [
    {
      Sid: 'ListTrailLogPrefix',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      Condition: { StringLike: { 's3:prefix': [`${logPrefix}*`] } },
    },
    {
      Sid: 'ReadTrailLogObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`${bucketArn}/${logPrefix}*`],
    },
  ];
  if (kmsKeyArn) {
    if (!KMS_KEY_ARN.test(kmsKeyArn)) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `"${kmsKeyArn}" is not a KMS key ARN; cannot grant kms:Decrypt on it.`, {
        details: { kmsKeyArn },
      });
    }
    statements.push({
      Sid: 'DecryptTrailLogsThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [kmsKeyArn],
      Condition: { StringEquals: { 'kms:ViaService': s3ViaServiceValues(bucketRegion) } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
