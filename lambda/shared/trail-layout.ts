import { partitionForRegion } from './reader-policy.js';
import { isOrganizationSubject } from '../contract/collection.js';

/** Where CloudTrail puts an account's logs in its bucket, and how S3 names regions and keys: pure helpers. */

export interface TrailLocation {
  /** The account, or the organization id for the organization's own source (its prefix is then the whole organization's). */
  accountId: string;
  /** Set for an organization trail: its logs sit under `AWSLogs/<o-id>/<account>/`. */
  organizationId?: string | undefined;
  /** Custom key prefix the trail was configured with (no leading or trailing `/`). */
  trailPrefix?: string | undefined;
}

/** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/`, or `[prefix/]AWSLogs/<o-id>/` for the organization's own source. */
export function cloudTrailLogPrefix(location: TrailLocation): string {
  const head = location.trailPrefix ? `${location.trailPrefix}/` : '';
  if (isOrganizationSubject(location.accountId)) return `${head}AWSLogs/${location.accountId}/`;
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

/**
 * The layouts a trail bucket can have for one account. `control-tower` is an organization trail
 * whose prefix is the organization id (an AWS Control Tower log archive: `<o-id>/AWSLogs/<o-id>/<account>/`);
 * `custom-prefix` is a layout that differs from the expected one only by the folders in front of `AWSLogs/`.
 */
export type TrailLayoutKind = 'account' | 'organization' | 'control-tower' | 'custom-prefix';

/** The settings that choose a layout: each appears as `trail.<name>` in the config and as `<name>` in the input. */
type TrailSetting = 'organizationId' | 'trailPrefix';
const TRAIL_SETTINGS: readonly TrailSetting[] = ['organizationId', 'trailPrefix'];

/**
 * Names the layout of `found` by what sets it apart from `expected`, so that an operator reads
 * the one thing their configuration got wrong: Control Tower first (it needs both settings), then
 * a prefix-only difference, then whether the trail is an organization's or one account's.
 */
export function trailLayoutOf(found: TrailLocation, expected: TrailLocation): TrailLayoutKind {
  if (found.organizationId !== undefined && found.trailPrefix === found.organizationId) return 'control-tower';
  if (found.trailPrefix !== undefined && found.trailPrefix !== expected.trailPrefix && found.organizationId === expected.organizationId) {
    return 'custom-prefix';
  }
  return found.organizationId === undefined ? 'account' : 'organization';
}

/** The settings to change to go from `expected` to `found`, in config order: the new value, or null to remove it. */
export function trailSettingChanges(expected: TrailLocation, found: TrailLocation): { setting: TrailSetting; value: string | null }[] {
  return TRAIL_SETTINGS.filter((setting) => (found[setting] || undefined) !== (expected[setting] || undefined)).map((setting) => ({
    setting,
    value: found[setting] || null,
  }));
}
