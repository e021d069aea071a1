import {
  type Account,
  ListAccountsCommand,
  type ListAccountsCommandInput,
  ListAccountsForParentCommand,
  type ListAccountsForParentCommandInput,
  ListOrganizationalUnitsForParentCommand,
  type ListOrganizationalUnitsForParentCommandInput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandInput,
  type OrganizationsClient,
  ParentNotFoundException,
  InvalidInputException,
  TargetNotFoundException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { newRequestId, responseMetadata } from './aws-ids.js';
import { FaultPlan, rejectUnemulatedCommands, runCommand, type FaultSource } from './strict-mock.js';

type OrganizationsCommandName = 'ListAccounts' | 'ListAccountsForParent' | 'ListOrganizationalUnitsForParent' | 'ListTagsForResource';

/** An account of the fake organization, as a test or the sandbox seeds it. */
export interface FakeAccountSpec {
  id: string;
  name?: string;
  /** @default ACTIVE */
  state?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** The OU (`ou-…`) or root (`r-…`) it sits in. @default the root */
  parentId?: string;
  tags?: Record<string, string>;
}

export interface FakeOrganizationSpec {
  organizationId: string;
  managementAccountId: string;
  /** Organizational units: id → parent id (an OU or the root). */
  organizationalUnits?: Record<string, string>;
  accounts: readonly FakeAccountSpec[];
}

/** The page size AWS Organizations uses when MaxResults is not given, and its maximum. */
const DEFAULT_PAGE_SIZE = 20;
const FAKE_ROOT_ID = 'r-a1b2';

/**
 * A stateful AWS Organizations stand-in on one real `OrganizationsClient` instance: the read
 * calls a fleet listing makes (ListAccounts, ListAccountsForParent,
 * ListOrganizationalUnitsForParent, ListTagsForResource), paginated with NextToken as the service
 * does, failing with the SDK's own exceptions for an unknown parent or account. Anything else
 * fails loudly (NotEmulatedError).
 */
export class FakeOrganizations {
  private readonly faults = new FaultPlan<OrganizationsCommandName>();
  private readonly accounts = new Map<string, Required<FakeAccountSpec>>();
  private readonly units: Map<string, string>;

  constructor(
    client: OrganizationsClient,
    private readonly spec: FakeOrganizationSpec,
  ) {
    this.units = new Map(Object.entries(spec.organizationalUnits ?? {}));
    for (const account of spec.accounts) this.addAccount(account);
    const mock = mockClient(client);
    rejectUnemulatedCommands(mock, 'FakeOrganizations', 'local/aws/fake-organizations.ts');
    const run = <T extends object>(name: OrganizationsCommandName, handler: () => T) =>
      runCommand(this.faults, name, () => ({ ...handler(), $metadata: responseMetadata() }));
    mock
      .on(ListAccountsCommand)
      .callsFake((input: ListAccountsCommandInput) => run('ListAccounts', () => this.page(this.accountsUnder(null), input, 'Accounts')))
      .on(ListAccountsForParentCommand)
      .callsFake((input: ListAccountsForParentCommandInput) =>
        run('ListAccountsForParent', () => this.page(this.accountsUnder(this.parent(input.ParentId)), input, 'Accounts')),
      )
      .on(ListOrganizationalUnitsForParentCommand)
      .callsFake((input: ListOrganizationalUnitsForParentCommandInput) =>
        run('ListOrganizationalUnitsForParent', () => this.page(this.unitsUnder(this.parent(input.ParentId)), input, 'OrganizationalUnits')),
      )
      .on(ListTagsForResourceCommand)
      .callsFake((input: ListTagsForResourceCommandInput) => run('ListTagsForResource', () => this.page(this.tagsOf(input.ResourceId), input, 'Tags')));
  }

  /** A new account joins (or an existing one changes): what AWS Organizations would show from now on. */
  addAccount(account: FakeAccountSpec): void {
    this.accounts.set(account.id, {
      id: account.id,
      name: account.name ?? `account-${account.id}`,
      state: account.state ?? 'ACTIVE',
      parentId: account.parentId ?? FAKE_ROOT_ID,
      tags: account.tags ?? {},
    });
  }

  failNext(command: OrganizationsCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  private parent(parentId: string | undefined): string {
    if (parentId === FAKE_ROOT_ID || (parentId !== undefined && this.units.has(parentId))) return parentId;
    throw new ParentNotFoundException({ message: "We can't find a root or OU with the ParentId that you specified.", $metadata: metadata() });
  }

  private accountsUnder(parentId: string | null): Account[] {
    return [...this.accounts.values()]
      .filter((account) => parentId === null || account.parentId === parentId)
      .map((account) => ({
        Id: account.id,
        Arn: `arn:aws:organizations::${this.spec.managementAccountId}:account/${this.spec.organizationId}/${account.id}`,
        Email: `${account.name}@example.com`,
        Name: account.name,
        State: account.state,
        // The deprecated Status still comes back beside State; CLOSED has no Status of its own.
        Status: account.state === 'CLOSED' ? 'SUSPENDED' : account.state,
        JoinedMethod: 'CREATED',
        JoinedTimestamp: new Date('2024-01-01T00:00:00Z'),
      }));
  }

  private unitsUnder(parentId: string): { Id: string; Arn: string; Name: string }[] {
    return [...this.units.entries()]
      .filter(([, parent]) => parent === parentId)
      .map(([id]) => ({ Id: id, Arn: `arn:aws:organizations::${this.spec.managementAccountId}:ou/${this.spec.organizationId}/${id}`, Name: id }));
  }

  private tagsOf(resourceId: string | undefined): { Key: string; Value: string }[] {
    if (resourceId === undefined || !/^\d{12}$/.test(resourceId)) {
      throw new InvalidInputException({ message: 'You provided a value that does not match the required pattern.', $metadata: metadata() });
    }
    const account = this.accounts.get(resourceId);
    if (account === undefined)
      throw new TargetNotFoundException({ message: "We can't find a target with the TargetId that you specified.", $metadata: metadata() });
    return Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value }));
  }

  /** One page of `items` from `NextToken` (an offset here; opaque to callers), MaxResults at most 20. */
  private page<Item, Field extends string>(items: Item[], input: { NextToken?: string | undefined; MaxResults?: number | undefined }, field: Field) {
    const size = input.MaxResults ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > DEFAULT_PAGE_SIZE) {
      throw new InvalidInputException({ message: `MaxResults must be between 1 and ${DEFAULT_PAGE_SIZE}.`, $metadata: metadata() });
    }
    const start = input.NextToken === undefined ? 0 : Number(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new InvalidInputException({ message: 'The NextToken is not valid.', $metadata: metadata() });
    const end = start + size;
    return {
      [field]: items.slice(start, end),
      ...(end < items.length ? { NextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : {}),
    } as Record<Field, Item[]> & { NextToken?: string };
  }
}

function metadata(): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode: 400, requestId: newRequestId() };
}
