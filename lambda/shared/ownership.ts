import { OWNER_MARKER, RESERVED_TAG_PREFIX, TagKey } from '../contract/names.js';

/**
 * What proves that an AWS resource (IAM user, Secrets Manager secret) belongs to this product and
 * to one onboarded account, and the small narrowing helpers the core modules share to read the
 * SDK's errors. A resource without these tags is never modified or deleted: it fails with NOT_OWNED.
 */

export interface ResourceTag {
  Key: string;
  Value: string;
}

/** The two tags every resource this product creates carries. */
export function ownershipTags(accountId: string): ResourceTag[] {
  return [
    { Key: TagKey.managedBy, Value: OWNER_MARKER },
    { Key: TagKey.accountId, Value: accountId },
  ];
}

/** Tags as a plain record; the SDK's tag lists have optional members. */
export function tagsToRecord(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  }
  return record;
}

/** Both tags must match: a resource of this product for another account is not ours either. */
export function isOwnedBy(tags: Record<string, string>, accountId: string): boolean {
  return tags[TagKey.managedBy] === OWNER_MARKER && tags[TagKey.accountId] === accountId;
}

/**
 * Caller tags followed by the ownership tags, so that ownership can never be overridden and no
 * caller tag can impersonate one of ours.
 */
export function mergeTags(accountId: string, extra: Record<string, string> | undefined, own: ResourceTag[] = []): ResourceTag[] {
  const callerTags = Object.entries(extra ?? {})
    .filter(([key]) => !key.startsWith(RESERVED_TAG_PREFIX))
    .map(([Key, Value]) => ({ Key, Value }));
  return [...callerTags, ...ownershipTags(accountId), ...own];
}

// ---- Narrowing the SDK's errors -------------------------------------------------------------

interface AwsErrorShape {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, unknown> };
}

function asAwsError(error: unknown): AwsErrorShape | undefined {
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** The service's error code: the SDK's exception name, or the raw `Code` of a query-protocol error. */
export function awsErrorName(error: unknown): string | undefined {
  const shape = asAwsError(error);
  if (typeof shape?.name === 'string' && shape.name !== 'Error') return shape.name;
  return typeof shape?.Code === 'string' ? shape.Code : undefined;
}

export function awsHttpStatus(error: unknown): number | undefined {
  const status = asAwsError(error)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A response header of a failed call (the SDK keeps the raw response on its exceptions). */
export function awsErrorHeader(error: unknown, header: string): string | undefined {
  const value = asAwsError(error)?.$response?.headers?.[header.toLowerCase()];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Whether the error's code is one of `names` (an exception name or its query-protocol code). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  if (name === undefined) return false;
  return names.some((candidate) => name === candidate || name === `${candidate}Exception` || `${name}Exception` === candidate);
}

/** A short, secret-free description of an SDK failure for messages: `Name (HTTP 403)`. */
export function describeAwsError(error: unknown): string {
  const name = awsErrorName(error) ?? 'UnknownError';
  const status = awsHttpStatus(error);
  return status === undefined ? name : `${name} (HTTP ${status})`;
}

/** Replaces each secret that occurs in `text`; used on messages that might echo a request value. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('[REDACTED]');
  }
  return result;
}
