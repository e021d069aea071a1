import { ArnFormat, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { ACCOUNT_SECRET_PREFIX, OWNER_MARKER, READER_USER_PATH, READER_USER_PREFIX, TagKey } from '../../lambda/contract/names.js';

/*
 * What the product's IAM grants point at, and the grants the workflows and the key rotation share,
 * so every function's policy names the same reader users, account secrets and Director secret.
 */

/** Twelve `?`: an account id, exactly, so that no pattern can match a longer name or a deeper path. */
const ACCOUNT_ID_PATTERN = '?'.repeat(12);

/**
 * The subjects' names a grant covers: every account id (twelve `?`), and the organization's own
 * source when the stack collects by organization. An organization id of twelve characters
 * (`o-` and ten, as AWS assigns them today) already fits the pattern; a longer one is named exactly.
 */
function subjectPatterns(organizationId: string | undefined): string[] {
  return organizationId === undefined || organizationId.length === ACCOUNT_ID_PATTERN.length ? [ACCOUNT_ID_PATTERN] : [ACCOUNT_ID_PATTERN, organizationId];
}

/** Every reader user of the product, `user/logpoint/cloudtrail-reader-<12 characters>` (and the organization's, see {@link subjectPatterns}). */
export function readerUsersArn(stack: Stack, organizationId?: string): string[] {
  return subjectPatterns(organizationId).map((subject) =>
    stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `${READER_USER_PATH.slice(1)}${READER_USER_PREFIX}${subject}` }),
  );
}

/**
 * The same reader users without their path. IAM authorizes a request about a user that does not
 * exist (yet) against `user/<name>`: there is no path to match. Only read-only look-ups (GetUser,
 * which answers NoSuchEntity) are ever granted on it.
 */
export function absentReaderUsersArn(stack: Stack, organizationId?: string): string[] {
  return subjectPatterns(organizationId).map((subject) =>
    stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `${READER_USER_PREFIX}${subject}` }),
  );
}

/** Every reader secret, `logpoint/cloudtrail/<12 characters>-<Secrets Manager's 6-character suffix>` (and the organization's). */
export function accountSecretsArn(stack: Stack, organizationId?: string): string[] {
  return subjectPatterns(organizationId).map((subject) =>
    stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${ACCOUNT_SECRET_PREFIX}${subject}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
}

/** Limits a grant on reader users to those that carry this product's ownership tag. */
export const OWNED_READER_USER = { StringEquals: { [`iam:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } };

/** Limits a grant on account secrets to those that carry this product's ownership tag. */
export const OWNED_ACCOUNT_SECRET = { StringEquals: { [`secretsmanager:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } };

/** The configured CloudTrail bucket (not its objects). */
export function trailBucketArn(stack: Stack, bucketName: string): string {
  return `arn:${stack.partition}:s3:::${bucketName}`;
}

/** The trail's log objects, `[prefix/]AWSLogs/*` of the configured bucket: nothing else in the bucket. */
export function trailLogObjectsArn(stack: Stack, trail: { bucketName: string; trailPrefix?: string | undefined }): string {
  return `${trailBucketArn(stack, trail.bucketName)}/${trail.trailPrefix ? `${trail.trailPrefix}/` : ''}AWSLogs/*`;
}

/**
 * The ARN to put in a policy for `secret`. A secret imported by name has a partial ARN; IAM matches
 * the real one only with the random 6-character suffix Secrets Manager appends (what grantRead uses too).
 */
function secretArnForPolicies(secret: ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/**
 * Lets each function read the operator's Director secret and write it back: a token refresh
 * stores the new token (and a rotated secretKey) in it.
 */
export function grantDirectorSecret(directorSecret: ISecret, functions: Iterable<IFunction>): void {
  const directorSecretArn = secretArnForPolicies(directorSecret);
  for (const director of functions) {
    directorSecret.grantRead(director);
    director.addToRolePolicy(
      new PolicyStatement({ sid: 'StoreRefreshedDirectorToken', actions: ['secretsmanager:PutSecretValue'], resources: [directorSecretArn] }),
    );
  }
}

/** The policy cdk-nag reports a function's grants on (its role's DefaultPolicy). */
export function defaultPolicyOf(fn: IFunction): IConstruct {
  if (fn.role === undefined) throw new Error(`${fn.node.path} has no role.`);
  return fn.role.node.findChild('DefaultPolicy');
}
