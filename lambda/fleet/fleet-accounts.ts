import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListTagsForResourceCommand,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ErrorCode } from '../contract/error-codes.js';
import type { AccountSelection, FleetFilters } from '../contract/fleet.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';

/** An account the filters left out, and why (for the fleet's report). */
interface ExcludedAccount {
  accountId: string;
  reason: string;
}

export interface FleetListing {
  /** The accounts to onboard, in the order AWS Organizations listed them. */
  accountIds: string[];
  excluded: ExcludedAccount[];
}

/**
 * The organization's accounts a fleet run onboards: ListAccounts (or, with `include.organizationalUnits`,
 * the accounts below those OUs), ACTIVE ones only, then the filters. Tags are read only when a
 * filter needs them (one ListTagsForResource per remaining account). Organizations answers only
 * in the management account or a delegated administrator: elsewhere the run fails CONFIG_INVALID.
 */
export async function listFleetAccounts(organizations: OrganizationsClient, filters: FleetFilters): Promise<FleetListing> {
  const { include, exclude } = filters;
  const listed = include.organizationalUnits ? await accountsBelow(organizations, include.organizationalUnits) : await allAccounts(organizations);
  const excludedUnits = exclude.organizationalUnits ? new Set((await accountsBelow(organizations, exclude.organizationalUnits)).map(idOf)) : new Set();
  const excluded: ExcludedAccount[] = [];
  const candidates: string[] = [];
  for (const account of listed) {
    const accountId = idOf(account);
    const reason = exclusionReason(account, include, exclude, excludedUnits.has(accountId));
    if (reason === null) candidates.push(accountId);
    else excluded.push({ accountId, reason });
  }
  if (include.tags === undefined && exclude.tags === undefined) return { accountIds: candidates, excluded };
  const accountIds: string[] = [];
  for (const accountId of candidates) {
    const tags = await tagsOf(organizations, accountId);
    const reason = tagExclusion(tags, include.tags, exclude.tags);
    if (reason === null) accountIds.push(accountId);
    else excluded.push({ accountId, reason });
  }
  return { accountIds, excluded };
}

/** Every account of the organization with its state (ACTIVE or not), as ListAccounts shows them: what reconciliation compares with. */
export async function listOrganizationAccounts(organizations: OrganizationsClient): Promise<{ accountId: string; state: string }[]> {
  return (await allAccounts(organizations)).map((account) => ({ accountId: idOf(account), state: account.State ?? account.Status ?? 'UNKNOWN' }));
}

function exclusionReason(account: Account, include: AccountSelection, exclude: AccountSelection, inExcludedUnit: boolean): string | null {
  const accountId = idOf(account);
  // State replaces the deprecated Status; either says whether the account is usable.
  const state = account.State ?? account.Status;
  if (state !== 'ACTIVE') return `not ACTIVE (${state ?? 'no state'})`;
  if (include.accountIds && !include.accountIds.includes(accountId)) return 'not in include.accountIds';
  if (exclude.accountIds?.includes(accountId)) return 'in exclude.accountIds';
  if (inExcludedUnit) return 'below an OU of exclude.organizationalUnits';
  return null;
}

function tagExclusion(tags: Record<string, string>, include: Record<string, string> | undefined, exclude: Record<string, string> | undefined): string | null {
  const missing = Object.entries(include ?? {}).find(([key, value]) => tags[key] !== value);
  if (missing) return `tag ${missing[0]} is not "${missing[1]}" (include.tags)`;
  const matching = Object.entries(exclude ?? {}).find(([key, value]) => tags[key] === value);
  if (matching) return `tag ${matching[0]} is "${matching[1]}" (exclude.tags)`;
  return null;
}

async function allAccounts(organizations: OrganizationsClient): Promise<Account[]> {
  return paginate((NextToken) => call(organizations.send(new ListAccountsCommand({ NextToken })), 'ListAccounts')).then((pages) =>
    pages.flatMap((page) => page.Accounts ?? []),
  );
}

/** Every account below the given OUs (or root), depth first, each once. */
async function accountsBelow(organizations: OrganizationsClient, parents: readonly string[]): Promise<Account[]> {
  const seen = new Set<string>();
  const found: Account[] = [];
  const queue = [...parents];
  for (let parentId = queue.shift(); parentId !== undefined; parentId = queue.shift()) {
    const id = parentId;
    const accounts = await paginate((NextToken) =>
      call(organizations.send(new ListAccountsForParentCommand({ ParentId: id, NextToken })), 'ListAccountsForParent'),
    );
    for (const account of accounts.flatMap((page) => page.Accounts ?? [])) {
      if (seen.has(idOf(account))) continue;
      seen.add(idOf(account));
      found.push(account);
    }
    const units = await paginate((NextToken) =>
      call(organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: id, NextToken })), 'ListOrganizationalUnitsForParent'),
    );
    queue.push(...units.flatMap((page) => page.OrganizationalUnits ?? []).flatMap((unit) => (unit.Id === undefined ? [] : [unit.Id])));
  }
  return found;
}

async function tagsOf(organizations: OrganizationsClient, accountId: string): Promise<Record<string, string>> {
  const pages = await paginate((NextToken) =>
    call(organizations.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken })), 'ListTagsForResource'),
  );
  return Object.fromEntries(pages.flatMap((page) => page.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

async function paginate<Page extends { NextToken?: string | undefined }>(fetchPage: (token: string | undefined) => Promise<Page>): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    pages.push(page);
    token = page.NextToken;
  } while (token !== undefined);
  return pages;
}

function idOf(account: Account): string {
  return account.Id ?? '';
}

/** Throttling → AWS_UNAVAILABLE (retried); not the management account or a delegated administrator → CONFIG_INVALID. */
async function call<T>(request: Promise<T>, operation: string): Promise<T> {
  try {
    return await request;
  } catch (error) {
    const transient = awsUnavailable(error, `Organizations ${operation}`);
    if (transient) throw transient;
    if (isAwsError(error, 'AccessDeniedException', 'AWSOrganizationsNotInUseException')) {
      throw new OnboardingError(
        ErrorCode.CONFIG_INVALID,
        `AWS Organizations refused ${operation} (${describeAwsError(error)}): a fleet run lists the organization's accounts, which works only in the ` +
          'management account or in a delegated administrator account whose delegation policy allows organizations:List*.',
        { details: { operation, awsError: describeAwsError(error) } },
      );
    }
    throw new OnboardingError(ErrorCode.INTERNAL, `AWS Organizations ${operation} failed: ${describeAwsError(error)}`, { details: { operation } });
  }
}
