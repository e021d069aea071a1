import * as z from 'zod';
import { CollectionMode, type CollectionSettings } from '../../lambda/contract/collection.js';

/**
 * `collection`: one log source for the organization, or one per account (see
 * lambda/contract/collection.ts and the README's decision table).
 */
export const collectionConfigSchema = z.strictObject({
  /** @default `organization` when `trail.organizationId` is set, else `per-account` */
  mode: z.enum([CollectionMode.Organization, CollectionMode.PerAccount]).optional(),
  /**
   * Per-account mode on an organization trail: required to choose it there, because it has costs
   * an operator must accept knowingly (see {@link PER_ACCOUNT_ON_ORGANIZATION_TRAIL}).
   */
  perAccountOnOrganizationTrail: z.boolean().default(false),
});
export type CollectionConfig = z.infer<typeof collectionConfigSchema>;
export const DEFAULT_COLLECTION_CONFIG: CollectionConfig = { perAccountOnOrganizationTrail: false };

/** Why per-account collection on an organization trail needs the explicit flag: printed whenever it is chosen. */
export const PER_ACCOUNT_ON_ORGANIZATION_TRAIL =
  'per-account collection on an organization trail: every account gets its own log source and reader, and each reader may list only ' +
  "its own account's folder, one level at a time above it. A Logpoint fetcher that lists from the bucket root or walks down from " +
  'AWSLogs/ is refused at the first sibling account (the onboarding then ends FETCH_FAILED), and N sources poll the same bucket. ' +
  'Organization mode (one source for AWSLogs/<o-id>/) avoids both.';

/** The parts of the app config the collection settings depend on. */
interface CollectionInputs {
  collection: CollectionConfig;
  trail: { organizationId?: string | undefined };
}

/** The mode in force: the configured one, or the default for the trail. */
export function collectionSettingsOf(config: CollectionInputs): CollectionSettings {
  return { mode: config.collection.mode ?? (config.trail.organizationId === undefined ? CollectionMode.PerAccount : CollectionMode.Organization) };
}

/** The checks across fields: organization mode needs the organization; per-account on an organization trail needs the flag. */
export function checkCollection(config: CollectionInputs, context: z.RefinementCtx): void {
  const { mode, perAccountOnOrganizationTrail } = config.collection;
  const organizationTrail = config.trail.organizationId !== undefined;
  if (mode === CollectionMode.Organization && !organizationTrail) {
    context.addIssue({
      code: 'custom',
      path: ['collection', 'mode'],
      message: 'organization needs trail.organizationId: the organization source reads [prefix/]AWSLogs/<o-id>/ of an organization trail',
    });
  }
  if (mode === CollectionMode.PerAccount && organizationTrail && !perAccountOnOrganizationTrail) {
    context.addIssue({
      code: 'custom',
      path: ['collection', 'perAccountOnOrganizationTrail'],
      message: `must be true to choose ${PER_ACCOUNT_ON_ORGANIZATION_TRAIL}`,
    });
  }
  if (perAccountOnOrganizationTrail && (mode !== CollectionMode.PerAccount || !organizationTrail)) {
    context.addIssue({
      code: 'custom',
      path: ['collection', 'perAccountOnOrganizationTrail'],
      message: 'applies only with collection.mode "per-account" and trail.organizationId set; remove it',
    });
  }
}

/** What synth and the sandbox print about the chosen mode: why an explicit per-account choice on an organization trail costs what it does. */
export function collectionNotices(config: CollectionInputs): string[] {
  return config.collection.perAccountOnOrganizationTrail ? [PER_ACCOUNT_ON_ORGANIZATION_TRAIL] : [];
}

/**
 * The subject `cdk deploy` onboards: the organization's source in organization mode, otherwise
 * `onboardAccountId` (or nothing). In organization mode accounts are covered, not onboarded, so
 * `onboardAccountId` starts nothing there.
 */
export function deploySubjectOf(config: CollectionInputs & { onboardAccountId?: string | undefined }): string | undefined {
  return collectionSettingsOf(config).mode === CollectionMode.Organization ? config.trail.organizationId : config.onboardAccountId;
}
