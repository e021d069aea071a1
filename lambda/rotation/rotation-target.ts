import { VersionStage, describeAccountSecret, secretNotOwned } from '../shared/account-secret.js';
import type { AccountSecretDescription } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { findOwnedReaderUser } from '../shared/reader-user.js';
import { ErrorCode } from '../contract/error-codes.js';
import { ACCOUNT_SECRET_PREFIX } from '../contract/names.js';
import type { KeyRotationContext, RotationRequest } from './rotation-types.js';

/** What one step invocation rotates: the account secret, the version being rotated to, and the reader user. */
export interface RotationTarget {
  accountId: string;
  secretName: string;
  secretArn: string;
  userName: string;
  versionId: string;
  isCurrent: boolean;
  isPending: boolean;
  /**
   * The one DescribeSecret of this invocation, handed to every shared function that takes `known`.
   * Its staging labels are as they were when the step started: only finishSecret moves one.
   */
  description: AccountSecretDescription;
}

/**
 * The target of a request, after checking that it names an account secret of this product that
 * has an AWSCURRENT version to rotate from, and that the account's reader user still exists.
 */
export async function resolveRotationTarget(context: KeyRotationContext, request: RotationRequest): Promise<RotationTarget> {
  const { secretId, clientRequestToken } = request;
  const accountId = accountIdOfSecretId(secretId);
  if (accountId === null) {
    throw new OnboardingError(
      ErrorCode.INVALID_INPUT,
      `${secretId} is not an account secret of this product (${ACCOUNT_SECRET_PREFIX}<12-digit account id or organization id>).`,
      {
        details: { secretId },
      },
    );
  }
  const description = await describeAccountSecret(context.secretsManager, accountId);
  if (description === null || description.scheduledForDeletion) {
    throw new OnboardingError(ErrorCode.SECRET_NOT_FOUND, `Secret ${secretId} does not exist or is scheduled for deletion.`, { details: { secretId } });
  }
  if (!description.owned) throw secretNotOwned(description.secretName, accountId);
  if (secretId.startsWith('arn:') && !sameSecretArn(secretId, description.secretArn)) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `${secretId} does not name secret ${description.secretArn}.`, { details: { secretId } });
  }
  if (description.currentVersionId === null) {
    throw new OnboardingError(ErrorCode.SECRET_INVALID, `Secret ${description.secretName} has no AWSCURRENT version to rotate from.`, {
      details: { secretName: description.secretName },
    });
  }
  const user = await findOwnedReaderUser(context.iam, accountId);
  if (user === null) {
    throw new OnboardingError(
      ErrorCode.ROTATION_FAILED,
      `The reader user of account ${accountId} does not exist, so its key cannot be rotated; onboard the account again.`,
      { details: { accountId } },
    );
  }
  const labels = description.versionStages[clientRequestToken] ?? [];
  return {
    accountId,
    secretName: description.secretName,
    secretArn: description.secretArn,
    userName: user.userName,
    versionId: clientRequestToken,
    isCurrent: labels.includes(VersionStage.CURRENT),
    isPending: labels.includes(VersionStage.PENDING),
    description,
  };
}

// The subject is an account id, or the organization id of the organization's own source (collection mode organization).
const ACCOUNT_SECRET_NAME = /^logpoint\/cloudtrail\/(\d{12}|o-[a-z0-9]{10,32})(?:-[A-Za-z0-9]{6})?$/;

/** The subject of `logpoint/cloudtrail/<account or o-id>` given by name or (partial or full) ARN, else null. */
export function accountIdOfSecretId(secretId: string): string | null {
  const name = secretId.startsWith('arn:') ? (secretId.split(':secret:')[1] ?? '') : secretId;
  return ACCOUNT_SECRET_NAME.exec(name)?.[1] ?? null;
}

/** A full ARN, or one without the random six-character suffix, names the secret. */
function sameSecretArn(given: string, actual: string): boolean {
  return given === actual || given === actual.slice(0, -7);
}
