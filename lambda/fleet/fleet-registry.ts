import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RegistryState } from '../contract/account-registry.js';
import type { CollectionMode } from '../contract/collection.js';
import { recordAccounts } from '../registry/account-registry.js';

/**
 * Records the accounts the fleet's filters leave out as EXCLUDED, with the reason. An account the
 * product collects, or whose last run failed (it may hold leftovers), keeps its state: only an
 * absent, EXCLUDED or OFFBOARDED item becomes EXCLUDED.
 */
export async function recordExcluded(
  registry: { dynamo: DynamoDBClient; tableName: string; mode: CollectionMode; now: Date },
  excluded: readonly { accountId: string; reason: string }[],
  runId: string,
): Promise<void> {
  const updates = excluded.map(({ accountId, reason }) => ({
    accountId,
    workflow: 'fleet' as const,
    runId,
    fields: { mode: registry.mode, state: RegistryState.EXCLUDED, excludedBecause: reason },
    onlyFromStates: [RegistryState.EXCLUDED, RegistryState.OFFBOARDED],
  }));
  await recordAccounts(registry.dynamo, registry.tableName, updates, registry.now);
}
