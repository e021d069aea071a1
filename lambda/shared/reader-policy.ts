import { OnboardingError } from './errors.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * The reader user's only permissions, for one scope (`[prefix/]AWSLogs/[o-id/]<account>/` for one
 * account — its `CloudTrail/` logs and what the trail writes beside them, `CloudTrail-Digest/` and
 * `CloudTrail-Insight/`, because a fetcher that lists from the root or walks the folders reaches
 * those too and a refusal there would stop it — or `[prefix/]AWSLogs/<o-id>/` for a whole
 * organization trail):
 * - list each folder on the path from the bucket root down to the scope (`""`, `AWSLogs/`, …),
 *   because Logpoint's S3Fetcher is given no prefix and may start listing at the root;
 * - list anything under the scope, read objects only under the scope;
 * - when the logs are SSE-KMS encrypted, decrypt with that one key, only through S3 in the bucket's
 *   region.
 * Nothing else: no wildcard action, no resource outside the bucket, the scope and the key.
 *
 * Listing a folder above the scope must not enumerate what lies under a sibling. When the scope is
 * one account's slice of an organization trail (or a shape not recognised), those listings require
 * `s3:delimiter` = `/`: S3 then returns only the next level of names (the member accounts' ids),
 * never the keys under them, whereas a listing without a delimiter from the root or from `AWSLogs/`
 * would enumerate every member account's log files, and a fetcher that lists recursively from the
 * root gets a refusal it reports instead. When the scope is all a trail writes (an account trail,
 * or an organization trail as a whole), a recursive listing from the root stays allowed, because
 * it is the only way such a fetcher works: it lists key names, never contents, and on a bucket
 * that holds one trail those are the reader's own logs' names. Where such a bucket also holds
 * other accounts' logs (several account trails delivering to one bucket) their key names are
 * listable too, and their objects still are not readable.
 *
 * A ListObjects request without a `Prefix` has no `s3:prefix` key at all (one with `Prefix=""` has
 * it, empty): the folder statement matches the key with `StringEqualsIfExists`, so "no prefix" and
 * `""` both mean the root, and any other prefix must be one of the folders exactly.
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
  /**
   * The reader's scope: `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` for one account,
   * `[prefix/]AWSLogs/<o-id>/` for a whole organization trail. Must end with `/`.
   */
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

/**
 * IAM's limit for a user's inline policies together, in characters excluding whitespace; the reader
 * has only this one. The size is counted here with whitespace inside values too, so a document that
 * passes here is never refused by IAM.
 */
export const USER_INLINE_POLICY_LIMIT = 2048;

/** The folders above a scope, from the bucket root down: `a/b/c/` → `""`, `a/`, `a/b/`. */
export function scopeAncestors(scope: string): string[] {
  const folders = [''];
  for (let end = scope.indexOf('/'); end !== -1 && end < scope.length - 1; end = scope.indexOf('/', end + 1)) {
    folders.push(scope.slice(0, end + 1));
  }
  return folders;
}

// The scopes that hold everything a trail writes: an account trail's `AWSLogs/<account>/` and an
// organization trail's `AWSLogs/<o-id>/`, each with or without a custom prefix in front (Control
// Tower's `<o-id>/` is such a prefix). Anything else, notably one account's slice
// `AWSLogs/<o-id>/<account>/` of an organization trail, has siblings to hide.
const WHOLE_ACCOUNT_TRAIL = /^(?:.+\/)?AWSLogs\/\d{12}\/$/;

/**
 * The reader's scope for a log prefix: one account's `…/<account>/CloudTrail/` widens to the
 * account's folder `…/<account>/` (its logs, digests and insights: nothing of another account);
 * any other prefix (an organization trail's `…/AWSLogs/<o-id>/`) is the scope itself.
 */
export function readerScopeOf(logPrefix: string): string {
  return logPrefix.replace(/(^|\/)(\d{12}\/)CloudTrail\/$/, '$1$2');
}
const WHOLE_ORGANIZATION_TRAIL = /^(?:.+\/)?AWSLogs\/o-[a-z0-9]+\/$/;

/**
 * Whether listing the folders above a scope must be one level at a time (`s3:delimiter` = `/`):
 * true unless the scope is all a trail writes, whose siblings are not other members of the same
 * trail (see the comment at the top of this file).
 */
export function ancestorListingNeedsDelimiter(scope: string): boolean {
  return !WHOLE_ACCOUNT_TRAIL.test(scope) && !WHOLE_ORGANIZATION_TRAIL.test(scope);
}

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
  const scope = readerScopeOf(logPrefix);
  const folderCondition: IamPolicyCondition = { StringEqualsIfExists: { 's3:prefix': scopeAncestors(scope) } };
  if (ancestorListingNeedsDelimiter(scope)) folderCondition.StringEquals = { 's3:delimiter': ['/'] };
  const statements: IamPolicyStatement[] = [
    {
      Sid: 'ListTrailLogPrefix',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      Condition: { StringLike: { 's3:prefix': [`${scope}*`] } },
    },
    {
      Sid: 'ListFoldersDownToTrailLogs',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      Condition: folderCondition,
    },
    {
      Sid: 'ReadTrailLogObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`${bucketArn}/${scope}*`],
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
  const policy: IamPolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(policy).length;
  if (size > USER_INLINE_POLICY_LIMIT) {
    // Each folder above the scope is spelled out, so a long custom prefix of many folders adds up.
    throw new OnboardingError(
      ErrorCode.INVALID_INPUT,
      `The reader policy for "${logPrefix}" in bucket "${bucketName}" would be ${size} characters, more than the ${USER_INLINE_POLICY_LIMIT} IAM allows a user's inline policies; use a shorter trail prefix with fewer folders.`,
      { details: { logPrefix, bucketName, size } },
    );
  }
  return policy;
}
