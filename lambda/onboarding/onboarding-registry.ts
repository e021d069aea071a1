import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { RegistryState } from '../contract/account-registry.js';
import { collectionSubjectSchema, type CollectionMode } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import { recordAccount } from '../registry/account-registry.js';
import { rawAccountIdOf } from '../shared/records.js';
import type { DataPlane, Failure, OnboardingRequest, WorkflowState } from './workflow-contract.js';

/** What an onboarding records in the account registry at its two ends: the data plane's verdict, or the failure. */

export interface OnboardingRegistry {
  dynamo: DynamoDBClient;
  tableName: string;
  mode: CollectionMode;
  now: Date;
}

/** What CheckDataFlow is handed so that it can record the source it watches. */
export const registryRecordSchema = z.strictObject({
  runId: z.string().min(1),
  logSourceName: z.string().min(1),
  readerUserName: z.string().min(1),
  accessKeyId: z.string().min(16),
  logPrefix: z.string().min(1),
});
export type RegistryRecord = z.infer<typeof registryRecordSchema>;

/**
 * The source as the data-plane watch sees it: REGISTERED_NO_DATA_YET from its first look until
 * Director reports a fetch (then ONBOARDED); looks in between change nothing and write nothing.
 */
export async function recordDataPlane(
  registry: OnboardingRegistry,
  source: { request: OnboardingRequest; logSourceId: string; record: RegistryRecord },
  dataPlane: DataPlane,
): Promise<void> {
  const firstLook = dataPlane.watch.attempt === 1;
  if (dataPlane.outcome === 'WAITING' && !firstLook) return;
  const { request, logSourceId, record } = source;
  await recordAccount(
    registry.dynamo,
    registry.tableName,
    {
      accountId: request.accountId,
      workflow: 'onboard',
      runId: record.runId,
      fields: {
        mode: registry.mode,
        state: dataPlane.outcome === 'ONBOARDED' ? RegistryState.ONBOARDED : RegistryState.REGISTERED_NO_DATA_YET,
        coverage: request.coverage,
        logSourceId,
        logSourceName: record.logSourceName,
        logPrefix: record.logPrefix,
        readerUserName: record.readerUserName,
        accessKeyId: record.accessKeyId,
        lastLogReceived: dataPlane.lastLogReceived,
        excludedBecause: null,
        // Collected and fetched: whatever drift a reconciliation saw before is repaired.
        ...(dataPlane.outcome === 'ONBOARDED' ? { drift: null, driftDetectedAt: null } : {}),
      },
    },
    registry.now,
  );
}

/**
 * A failed onboarding as FAILED, with its code and message; what the source, reader and key were
 * stays unless compensation removed the reader. Nothing is written for a run that another run's
 * lock turned away (ACCOUNT_BUSY: the item is that run's), nor for a subject that is no account.
 */
export async function recordFailure(registry: OnboardingRegistry, state: WorkflowState & { runId?: unknown }, failure: Failure): Promise<void> {
  const accountId = state.request?.accountId ?? rawAccountIdOf(state);
  const runId = typeof state.runId === 'string' ? state.runId : null;
  if (runId === null || accountId === null || !collectionSubjectSchema.safeParse(accountId).success || failure.code === ErrorCode.ACCOUNT_BUSY) return;
  const readerRemoved = failure.cleanup.deletedUser;
  await recordAccount(
    registry.dynamo,
    registry.tableName,
    {
      accountId,
      workflow: 'onboard',
      runId,
      fields: {
        mode: registry.mode,
        state: RegistryState.FAILED,
        ...(state.request ? { coverage: state.request.coverage } : {}),
        ...(readerRemoved ? { readerUserName: null, accessKeyId: null } : {}),
        lastErrorCode: failure.code,
        lastErrorMessage: failure.message,
        lastErrorAt: registry.now.toISOString(),
      },
    },
    registry.now,
  );
}
