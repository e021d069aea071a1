import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { recordAccount, requireRegistryTable } from '../registry/account-registry.js';
import { OnboardingError } from '../shared/errors.js';
import { RotationStep, type RotationStepResult } from './rotation-types.js';

export interface RotationRegistry {
  dynamo: DynamoDBClient;
  accountRegistryTable: string | null;
  now: () => Date;
}

/**
 * Runs one rotation step and records in the account registry what it changed: the access key
 * Director now holds once finishSecret promoted it, or the code and message of a step that
 * failed (the state stays: a failed rotation leaves the previous key working). The rotation's
 * token stands for the run id: it names the secret version all four steps work on.
 */
export async function recordingRotation(
  registry: RotationRegistry,
  rotation: { accountId: string; step: RotationStep; clientRequestToken: string },
  run: () => Promise<RotationStepResult>,
): Promise<RotationStepResult> {
  const tableName = requireRegistryTable(registry.accountRegistryTable, 'The rotation function');
  const record = (fields: Parameters<typeof recordAccount>[2]['fields']) =>
    recordAccount(
      registry.dynamo,
      tableName,
      { accountId: rotation.accountId, workflow: 'rotate', runId: rotation.clientRequestToken, fields },
      registry.now(),
    );
  let result: RotationStepResult;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof OnboardingError) {
      // The step's own error is what Secrets Manager, the event and the alarm report: a registry fault must not replace it.
      await record({ lastErrorCode: error.code, lastErrorMessage: error.message, lastErrorAt: registry.now().toISOString() }).catch(() => undefined);
    }
    throw error;
  }
  // already-current: a retry of a finishSecret whose promotion happened, its record perhaps not.
  const promoted = result.action === 'promoted' || result.action === 'already-current';
  if (rotation.step === RotationStep.FinishSecret && promoted && result.accessKeyId !== undefined) {
    await record({ accessKeyId: result.accessKeyId, keyRotatedAt: registry.now().toISOString() });
  }
  return result;
}
