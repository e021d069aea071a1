import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { FleetFilters } from '../contract/fleet.js';
import type { DirectorClient } from '../director/index.js';
import { listFleetAccounts, listOrganizationAccounts } from '../fleet/fleet-accounts.js';
import { readRegistry, type RegistryItem } from '../registry/registry-items.js';
import { fetchSignalsOf } from '../shared/fetch-signals.js';
import { ownedSubjectsOf } from '../shared/log-source-body.js';
import type { OrganizationAccount, ProductSource } from './drift.js';

export interface Inventory {
  accounts: OrganizationAccount[];
  admitted: string[];
  registry: RegistryItem[];
  sources: ProductSource[];
}

/**
 * Everything reconciliation compares, read once: the organization's accounts (all of them, with
 * their state, and those the fleet's filters admit), every registry item, and the product's own
 * sources in Director with their last log. A source without this product's ownership marker is
 * left out here, so nothing downstream can report or touch it.
 */
export async function takeInventory(clients: {
  organizations: OrganizationsClient;
  dynamo: DynamoDBClient;
  registryTable: string;
  director: DirectorClient;
  filters: FleetFilters;
}): Promise<Inventory> {
  const [accounts, listing, registry, listed] = await Promise.all([
    listOrganizationAccounts(clients.organizations),
    listFleetAccounts(clients.organizations, clients.filters),
    readRegistry(clients.dynamo, clients.registryTable),
    clients.director.listLogSources(),
  ]);
  // A Director whose list leaves the markers out still lists the ids the registry recorded for the product's sources.
  const recordedOwner = new Map(
    registry.flatMap((item) => (item.logSourceId !== undefined && item.coverage !== 'organization-source' ? [[item.logSourceId, item.accountId]] : [])),
  );
  const sources: ProductSource[] = [];
  for (const record of listed) {
    const subjects = ownedSubjectsOf(record);
    // A source claimed for several subjects is not one this product wrote (it writes one marker): left alone.
    const subject = subjects.length === 1 ? subjects[0] : subjects.length === 0 ? recordedOwner.get(record.id) : undefined;
    if (subject === undefined) continue;
    sources.push({ subject, logSourceId: record.id, name: record.name, lastLogReceived: fetchSignalsOf(record).lastLogReceived });
  }
  return { accounts, admitted: listing.accountIds, registry, sources };
}
