import { partitionForRegion } from './reader-policy.js';

/** Where CloudTrail puts an account's logs in its bucket, and how S3 names regions and keys: pure helpers. */

export interface TrailLocation {
  accountId: string;
  /** Set for an organization trail: its logs sit under `AWSLogs/<o-id>/<account>/`. */
  organizationId?: string | undefined;
  /** Custom key prefix the trail was configured with (no leading or trailing `/`). */
  trailPrefix?: string | undefined;
}

/** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` */
export function cloudTrailLogPrefix(location: TrailLocation): string {
  const head = location.trailPrefix ? `${location.trailPrefix}/` : '';
  const org = location.organizationId ? `${location.organizationId}/` : '';
  return `${head}AWSLogs/${org}${location.accountId}/CloudTrail/`;
}

/** GetBucketLocation's answer as a region: empty means us-east-1, the legacy `EU` means eu-west-1. */
export function regionFromLocationConstraint(constraint: string | null | undefined): string {
  if (constraint === undefined || constraint === null || constraint === '') return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

/** A CloudTrail log file (not a digest, not an Insights file, not a folder marker). */
export function isCloudTrailLogKey(key: string): boolean {
  return key.endsWith('.json.gz') && !key.includes('/CloudTrail-Digest/') && !key.includes('/CloudTrail-Insight/');
}

/** Qualifies a KMS key id or alias name into an ARN; an ARN is returned unchanged. */
export function kmsKeyArnFor(keyIdOrArn: string, region: string, ownerAccountId: string): string {
  if (keyIdOrArn.startsWith('arn:')) return keyIdOrArn;
  const resource = keyIdOrArn.startsWith('alias/') ? keyIdOrArn : `key/${keyIdOrArn}`;
  return `arn:${partitionForRegion(region)}:kms:${region}:${ownerAccountId}:${resource}`;
}
