import * as z from 'zod';
import { accountIdSchema, organizationIdSchema } from './settings.js';

/**
 * How the organization's CloudTrail logs reach Logpoint (config `collection.mode`):
 *
 * - `organization`: one Director log source and one reader for the whole organization trail
 *   (`[prefix/]AWSLogs/<o-id>/`). It is onboarded once, as the subject `<o-id>`; each account is
 *   then only *covered*: its logs appear under the organization prefix and the organization source
 *   fetches them, which the account's coverage run proves and records.
 * - `per-account`: one log source and one reader per account, each reading only its account's
 *   folder: for account trails, or buckets that hold one account.
 *
 * The subject of an onboarding, offboarding, rotation or lock is therefore either a 12-digit
 * account id or, for the organization's own source, the organization id. Names, tags and locks are
 * keyed by the subject as a string (`logpoint/cloudtrail/o-a1b2c3d4e5`, `cloudtrail-reader-o-…`).
 */
export const CollectionMode = { Organization: 'organization', PerAccount: 'per-account' } as const;
export type CollectionMode = (typeof CollectionMode)[keyof typeof CollectionMode];

/** An account id, or the organization id of the organization's one log source. */
export const collectionSubjectSchema = z.union([accountIdSchema, organizationIdSchema], {
  error: 'must be a 12-digit AWS account id, or the organization id (o-…) of the organization source',
});

export function isOrganizationSubject(subject: string): boolean {
  return subject.startsWith('o-');
}

/**
 * What a run is about: an account with its own source (`account-source`, per-account mode), an
 * account covered by the organization's source (`organization-source`, organization mode: the run
 * only proves and records the coverage), or the organization's own source (`organization`).
 */
export const coverageSchema = z.enum(['account-source', 'organization-source', 'organization']);
export type Coverage = z.infer<typeof coverageSchema>;

/** The resolved collection settings every function receives (see lib/product/app-config.ts). */
export const collectionSettingsSchema = z.strictObject({
  mode: z.enum([CollectionMode.Organization, CollectionMode.PerAccount]),
});
export type CollectionSettings = z.infer<typeof collectionSettingsSchema>;

export function coverageOf(mode: CollectionMode, subject: string): Coverage {
  if (isOrganizationSubject(subject)) return 'organization';
  return mode === CollectionMode.Organization ? 'organization-source' : 'account-source';
}

/** `account 111122223333` or `organization o-a1b2c3d4e5`, for messages. */
export function describeSubject(subject: string): string {
  return `${isOrganizationSubject(subject) ? 'organization' : 'account'} ${subject}`;
}
