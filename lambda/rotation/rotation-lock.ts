import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { workflowMaxRunSeconds } from '../contract/account-lock.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import { acquireAccountLock, releaseAccountLock, requireLockTable } from '../locking/account-lock.js';
import { describeError } from '../shared/errors.js';
import type { DirectorLogger } from '../director/index.js';

export interface RotationLockDependencies {
  dynamo: DynamoDBClient;
  accountLockTable: string | null;
  settings: RuntimeSettings;
  now: () => Date;
  logger?: DirectorLogger;
}

export interface RotationLock {
  accountId: string;
  /** The rotation's own id (its ClientRequestToken): the same for every step of one rotation. */
  clientRequestToken: string;
  /** The last step (finishSecret): the lock is released once it succeeded. */
  lastStep: boolean;
}

/**
 * Runs one rotation step while the rotation holds its account's lock, the lock an onboarding or
 * offboarding run holds too: an onboarding that made a key of its own in the middle of a rotation
 * could delete the pending key Director is being switched to. Every step takes the lock (taking it
 * again is harmless for the same rotation), so a step that finds another run at work fails with
 * ACCOUNT_BUSY and Secrets Manager tries the rotation again later. The lock is given back after
 * finishSecret, and after any failure: a failed step is rolled back (or says what it left), and
 * the next attempt takes the lock again.
 */
export async function underRotationLock<T>(deps: RotationLockDependencies, lock: RotationLock, step: () => Promise<T>): Promise<T> {
  const tableName = requireLockTable(deps.accountLockTable);
  const owner = `rotation:${lock.clientRequestToken}`;
  const held = { tableName, accountId: lock.accountId, owner };
  await acquireAccountLock(deps.dynamo, {
    ...held,
    workflow: 'rotate',
    ttlSeconds: workflowMaxRunSeconds(deps.settings.orderPolling.deadlineSeconds),
    now: deps.now(),
  });
  const release = async (): Promise<void> => {
    try {
      await releaseAccountLock(deps.dynamo, held);
    } catch (error) {
      // It expires by itself; until then other runs of the account wait.
      deps.logger?.warn('The account lock could not be released', { accountId: lock.accountId, error: describeError(error).code });
    }
  };
  let result: T;
  try {
    result = await step();
  } catch (error) {
    await release();
    throw error;
  }
  if (lock.lastStep) await release();
  return result;
}
