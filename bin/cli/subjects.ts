import { CollectionMode } from '../../lambda/contract/collection.js';
import { listFleetAccounts } from '../../lambda/fleet/fleet-accounts.js';
import type { Target } from './target.js';

export interface SubjectOptions {
  account?: string[] | undefined;
  all?: boolean | undefined;
}

/**
 * The subjects a command works on: the accounts named, `--all` (the organization's ACTIVE accounts
 * the fleet filters admit, the organization source first in organization mode), or what a
 * deployment onboards.
 */
export async function subjectsOf(target: Target, options: SubjectOptions): Promise<string[]> {
  if (options.account !== undefined && options.account.length > 0) return options.account;
  if (options.all !== true) return [target.defaultSubject];
  const { accountIds } = await listFleetAccounts(target.organizations, target.settings.fleet);
  const organizationId = organizationSourceOf(target);
  return organizationId === undefined ? accountIds : [organizationId, ...accountIds];
}

/** The organization whose own source collects every account (organization mode), if any. */
export function organizationSourceOf(target: Target): string | undefined {
  return target.settings.collection.mode === CollectionMode.Organization ? target.settings.trail.organizationId : undefined;
}
