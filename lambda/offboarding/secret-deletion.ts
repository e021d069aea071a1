import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName } from '../contract/names.js';
import { describeAccountSecret, secretNotOwned } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';
import type { SecretDeletion } from './workflow-contract.js';
import { throwIfTransient } from '../shared/aws-transient.js';

/**
 * Schedules the deletion of the account's secret with a recovery window (during which
 * `aws secretsmanager restore-secret` brings it back). Only our secret; a missing or already
 * scheduled one counts as done. The value is never read.
 */
export async function scheduleSecretDeletion(sm: SecretsManagerClient, request: { accountId: string; recoveryWindowDays: number }): Promise<SecretDeletion> {
  const { accountId, recoveryWindowDays } = request;
  const secretName = accountSecretName(accountId);
  const result = (outcome: SecretDeletion['outcome'], deletionDate: Date | null = null): SecretDeletion => ({
    secretName,
    outcome,
    deletionDate: deletionDate?.toISOString() ?? null,
    recoveryWindowDays,
  });

  const secret = await describeAccountSecret(sm, accountId);
  if (secret === null) return result('ABSENT');
  if (!secret.owned) throw secretNotOwned(secret.secretName, accountId);
  if (secret.scheduledForDeletion) return result('ALREADY_SCHEDULED');
  try {
    const output = await sm.send(new DeleteSecretCommand({ SecretId: secret.secretArn, RecoveryWindowInDays: recoveryWindowDays }));
    return result('SCHEDULED', output.DeletionDate ?? null);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return result('ABSENT');
    // Scheduled by a concurrent run between our describe and delete.
    if (isAwsError(error, 'InvalidRequestException') && (await describeAccountSecret(sm, accountId))?.scheduledForDeletion === true) {
      return result('ALREADY_SCHEDULED');
    }
    throwIfTransient(error, `Scheduling the deletion of secret ${secretName}`);
    throw new OnboardingError(ErrorCode.INTERNAL, `Could not schedule the deletion of secret ${secretName}: ${describeAwsError(error)}`, {
      details: { secretName, awsError: describeAwsError(error) },
    });
  }
}
