import { UpdateSecretVersionStageCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName } from '../contract/names.js';
import { describeAwsError, redactSecrets } from './ownership.js';
import { OnboardingError } from './errors.js';
import { VersionStage, describeAccountSecret, readAccessKeyId, type AccessKeyPair, type AccountSecretDescription } from './account-secret.js';

/**
 * The versions of an account secret and their staging labels: the AWSPENDING version a rotation
 * writes and promotes, and the roll-back to AWSPREVIOUS that compensation performs. Functions that
 * take `known` use what the caller's invocation already described instead of describing again.
 */

export interface WritePendingAccessKeyRequest extends AccessKeyPair {
  accountId: string;
  /** The rotation's ClientRequestToken: it becomes the new version's id. */
  clientRequestToken: string;
  /** Passed through when Secrets Manager sent one (required for rotation with an assumed role). */
  rotationToken?: string;
}

/**
 * Stores a key pair as the AWSPENDING version `clientRequestToken` of the account's secret, leaving
 * AWSCURRENT where it is. Idempotent: the same token with the same value is accepted again.
 */
export async function writePendingAccessKey(sm: SecretsManagerClient, request: WritePendingAccessKeyRequest): Promise<{ versionId: string }> {
  const { accountId, accessKeyId, secretAccessKey } = request;
  const secretName = accountSecretName(accountId);
  const secretString = JSON.stringify({ accessKeyId, secretAccessKey });
  try {
    const output = await sm.send(
      new PutSecretValueCommand({
        SecretId: secretName,
        SecretString: secretString,
        ClientRequestToken: request.clientRequestToken,
        VersionStages: [VersionStage.PENDING],
        ...(request.rotationToken === undefined ? {} : { RotationToken: request.rotationToken }),
      }),
    );
    return { versionId: output.VersionId ?? request.clientRequestToken };
  } catch (error) {
    const message = error instanceof Error ? redactSecrets(error.message, [secretAccessKey, secretString]) : '';
    throw new OnboardingError(
      ErrorCode.ROTATION_FAILED,
      `Could not store the pending access key ${accessKeyId} in secret ${secretName}: ${describeAwsError(error)}${message ? ` — ${message}` : ''}`,
      { details: { secretName, accessKeyId, awsError: describeAwsError(error) } },
    );
  }
}

/**
 * Moves AWSCURRENT to `versionId` (Secrets Manager moves AWSPREVIOUS to the version that held it).
 * Nothing to do when `versionId` is already current.
 */
export async function promoteSecretVersion(
  sm: SecretsManagerClient,
  accountId: string,
  versionId: string,
  known?: AccountSecretDescription | null,
): Promise<'promoted' | 'already-current'> {
  const description = known === undefined ? await describeAccountSecret(sm, accountId) : known;
  if (description === null || description.scheduledForDeletion) {
    throw new OnboardingError(ErrorCode.SECRET_NOT_FOUND, `Secret ${accountSecretName(accountId)} does not exist or is scheduled for deletion.`, {
      details: { secretName: accountSecretName(accountId) },
    });
  }
  if (description.currentVersionId === versionId) return 'already-current';
  await sm.send(
    new UpdateSecretVersionStageCommand({
      SecretId: description.secretArn,
      VersionStage: VersionStage.CURRENT,
      MoveToVersionId: versionId,
      ...(description.currentVersionId === null ? {} : { RemoveFromVersionId: description.currentVersionId }),
    }),
  );
  return 'promoted';
}

/**
 * Takes AWSPENDING off `versionId`: that ends an abandoned rotation (Secrets Manager refuses a new
 * rotation while AWSPENDING sits on a version that is not current) or tidies a finished one.
 * Returns false when the label was not there. A current version keeps the label unless
 * `evenIfCurrent` is set (a rollback must never touch the version in use).
 */
export async function removePendingLabel(
  sm: SecretsManagerClient,
  accountId: string,
  versionId: string,
  options: { evenIfCurrent?: boolean } = {},
  known?: AccountSecretDescription | null,
): Promise<boolean> {
  const description = known === undefined ? await describeAccountSecret(sm, accountId) : known;
  if (description === null) return false;
  const labels = description.versionStages[versionId] ?? [];
  if (!labels.includes(VersionStage.PENDING) || (labels.includes(VersionStage.CURRENT) && options.evenIfCurrent !== true)) return false;
  await sm.send(new UpdateSecretVersionStageCommand({ SecretId: description.secretArn, VersionStage: VersionStage.PENDING, RemoveFromVersionId: versionId }));
  return true;
}

export type RestorePreviousOutcome =
  | { restored: true; accessKeyId: string }
  | { restored: false; reason: 'no-secret' | 'not-owned' | 'current-is-other-key' | 'no-previous-version' | 'previous-key-rejected' };

/**
 * Rolls AWSCURRENT back to the previous version, but only while AWSCURRENT still holds
 * `replacedAccessKeyId` (so a later writer is never undone) and only when `acceptPrevious` agrees
 * that the previous key is still worth restoring (e.g. it still exists on the user).
 */
export async function restorePreviousAccessKey(
  sm: SecretsManagerClient,
  accountId: string,
  replacedAccessKeyId: string,
  acceptPrevious: (previousAccessKeyId: string) => Promise<boolean>,
): Promise<RestorePreviousOutcome> {
  const description = await describeAccountSecret(sm, accountId);
  if (description === null || description.scheduledForDeletion) return { restored: false, reason: 'no-secret' };
  if (!description.owned) return { restored: false, reason: 'not-owned' };
  const currentKeyId = await readAccessKeyId(sm, accountId);
  if (currentKeyId !== replacedAccessKeyId) return { restored: false, reason: 'current-is-other-key' };
  if (description.previousVersionId === null || description.currentVersionId === null) {
    return { restored: false, reason: 'no-previous-version' };
  }
  const previousKeyId = await readAccessKeyId(sm, accountId, { versionId: description.previousVersionId });
  if (previousKeyId === null || !(await acceptPrevious(previousKeyId))) return { restored: false, reason: 'previous-key-rejected' };
  await sm.send(
    new UpdateSecretVersionStageCommand({
      SecretId: description.secretArn,
      VersionStage: VersionStage.CURRENT,
      MoveToVersionId: description.previousVersionId,
      RemoveFromVersionId: description.currentVersionId,
    }),
  );
  return { restored: true, accessKeyId: previousKeyId };
}
