import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { recordAccounts } from '../registry/account-registry.js';
import type { DriftReport } from './drift.js';

/**
 * Records each finding's drift kinds on its account's registry item, and clears the drift of items
 * whose recorded drift is gone. The state stays what the last run left: drift is an observation
 * beside it, not a run's outcome.
 */
export async function recordDrift(registry: { dynamo: DynamoDBClient; tableName: string; now: Date }, report: DriftReport, runId: string): Promise<void> {
  const detectedAt = registry.now.toISOString();
  const updates = [
    ...report.findings.map((finding) => ({ accountId: finding.accountId, fields: { drift: finding.kinds, driftDetectedAt: detectedAt } })),
    ...report.cleared.map((accountId) => ({ accountId, fields: { drift: null, driftDetectedAt: null } })),
  ].map((update) => ({ ...update, workflow: 'reconcile' as const, runId }));
  await recordAccounts(registry.dynamo, registry.tableName, updates, registry.now);
}
