import { OrganizationsClient, TooManyRequestsException, AccessDeniedException } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { DEFAULT_FLEET_FILTERS, type FleetFilters } from '../../../lambda/contract/fleet.js';
import { listFleetAccounts } from '../../../lambda/fleet/fleet-accounts.js';
import { FakeOrganizations, type FakeOrganizationSpec } from '../../../local/aws/fake-organizations.js';
import { onboardingErrorOf } from '../../support/rejections.js';

/** An organization: root → ou-prod (→ ou-prod-eu) and ou-sandbox, with accounts in each and one closed. */
const ORGANIZATION: FakeOrganizationSpec = {
  organizationId: 'o-a1b2c3d4e5',
  managementAccountId: '111122223333',
  organizationalUnits: { 'ou-ab12-prod0001': 'r-a1b2', 'ou-ab12-prodeu01': 'ou-ab12-prod0001', 'ou-ab12-sandbox1': 'r-a1b2' },
  accounts: [
    { id: '111122223333' },
    { id: '200000000001', parentId: 'ou-ab12-prod0001', tags: { env: 'prod' } },
    { id: '200000000002', parentId: 'ou-ab12-prodeu01', tags: { env: 'prod', siem: 'skip' } },
    { id: '300000000001', parentId: 'ou-ab12-sandbox1', tags: { env: 'sandbox' } },
    { id: '400000000001', state: 'CLOSED' },
    { id: '400000000002', state: 'SUSPENDED', parentId: 'ou-ab12-prod0001' },
  ],
};

function organization(spec: FakeOrganizationSpec = ORGANIZATION): { client: OrganizationsClient; fake: FakeOrganizations } {
  const client = new OrganizationsClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIAUNUSED0000000000', secretAccessKey: 'unused' } });
  return { client, fake: new FakeOrganizations(client, spec) };
}
const filters = (overrides: Partial<FleetFilters>): FleetFilters => ({ ...DEFAULT_FLEET_FILTERS, ...overrides });

describe('listFleetAccounts', () => {
  it('lists every ACTIVE account of the organization and says why the others are left out', async () => {
    const { client } = organization();

    const listing = await listFleetAccounts(client, DEFAULT_FLEET_FILTERS);

    expect(listing.accountIds).toEqual(['111122223333', '200000000001', '200000000002', '300000000001']);
    expect(listing.excluded).toEqual([
      { accountId: '400000000001', reason: 'not ACTIVE (CLOSED)' },
      { accountId: '400000000002', reason: 'not ACTIVE (SUSPENDED)' },
    ]);
  });

  it('follows NextToken through every page (20 accounts per page, as AWS answers)', async () => {
    const accounts = Array.from({ length: 45 }, (_, index) => ({ id: String(500_000_000_000 + index) }));
    const { client } = organization({ ...ORGANIZATION, organizationalUnits: {}, accounts });

    const listing = await listFleetAccounts(client, DEFAULT_FLEET_FILTERS);

    expect(listing.accountIds).toHaveLength(45);
  });

  it('takes the accounts below the included OUs, nested OUs too, minus excluded ids, OUs and tags', async () => {
    const { client } = organization();

    const byUnit = await listFleetAccounts(client, filters({ include: { organizationalUnits: ['ou-ab12-prod0001'] } }));
    const narrowed = await listFleetAccounts(
      client,
      filters({
        include: { tags: { env: 'prod' } },
        exclude: { tags: { siem: 'skip' }, organizationalUnits: ['ou-ab12-sandbox1'], accountIds: ['111122223333'] },
      }),
    );

    expect(byUnit.accountIds).toEqual(['200000000001', '200000000002']);
    expect(byUnit.excluded).toEqual([{ accountId: '400000000002', reason: 'not ACTIVE (SUSPENDED)' }]);
    expect(narrowed.accountIds).toEqual(['200000000001']);
    expect(narrowed.excluded).toEqual(
      expect.arrayContaining([
        { accountId: '111122223333', reason: 'in exclude.accountIds' },
        { accountId: '300000000001', reason: 'below an OU of exclude.organizationalUnits' },
        { accountId: '200000000002', reason: 'tag siem is "skip" (exclude.tags)' },
      ]),
    );
  });

  it('turns throttling into AWS_UNAVAILABLE (retried) and a refusal into CONFIG_INVALID naming where a fleet run must live', async () => {
    const { client, fake } = organization();
    fake.failNext('ListAccounts', new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    fake.failNext('ListAccounts', new AccessDeniedException({ message: 'not the management account', $metadata: {} }));

    const throttled = await onboardingErrorOf(listFleetAccounts(client, DEFAULT_FLEET_FILTERS));
    const refused = await onboardingErrorOf(listFleetAccounts(client, DEFAULT_FLEET_FILTERS));

    expect(throttled.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(refused.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(refused.message).toContain('delegated administrator');
  });
});
