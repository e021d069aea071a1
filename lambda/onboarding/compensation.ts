import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { ACCOUNT_SECRET_PREFIX, OWNER_MARKER, readerUserName } from '../contract/names.js';
import { deleteAccountSecret, readAccessKeyId, type DeleteAccountSecretOptions } from '../shared/account-secret.js';
import { restorePreviousAccessKey } from '../shared/account-secret-versions.js';
import { caughtError } from '../shared/caught-error.js';
import { OnboardingError } from '../shared/errors.js';
import { isAwsError } from '../shared/ownership.js';
import { deleteReaderAccessKey, deleteUserIfKeyless, getReaderUser, isOwnedReaderUser, listAccessKeys } from '../shared/reader-user.js';
import type { Failure, ReaderIdentity, WorkflowState } from './workflow-contract.js';

/**
 * Compensation after any failure: removes what this execution created and is not in use, and
 * describes the failure for the event and the Fail state.
 *
 * The new key is kept whenever Director may be using it: when its order succeeded (only the last
 * bookkeeping failed), and when an edit's order was accepted but its outcome is unknown (deadline
 * passed, Director unreachable): that order can still apply later, and deleting the key would then
 * break a log source that works today. A create whose outcome is unknown is cleaned up — nothing
 * worked before it — and the summary says that a late order would need a re-run to repair.
 */
export async function compensateOnboarding(clients: { iam: IAMClient; secretsManager: SecretsManagerClient }, state: WorkflowState): Promise<Failure> {
  const { code, message } = caughtError(state.error);
  const request = state.request;
  const accountId = request?.accountId ?? rawAccountId(state);
  const registration = state.registration;
  const orderSucceeded = state.order !== undefined && 'status' in state.order && state.order.status === 'SUCCEEDED';
  const orderOutcomeUnknown = registration !== undefined && !orderSucceeded && code !== ErrorCode.DIRECTOR_ORDER_FAILED;

  let cleanup: Failure['cleanup'] = { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] };
  if (state.reader && orderSucceeded) {
    cleanup.kept.push(`access key ${state.reader.accessKeyId}: Director already uses it`);
  } else if (state.reader && orderOutcomeUnknown && registration.operation === 'EDIT') {
    cleanup.kept.push(
      `access key ${state.reader.accessKeyId}: Director order ${registration.requestId} may still apply it; ` +
        'the earlier key is kept too, and the next run retires whichever is not in use',
    );
  } else if (state.reader) {
    cleanup = await removeReaderResources(clients, state.reader);
    if (orderOutcomeUnknown) {
      cleanup.kept.push(
        `log source ${registration.logSourceName}: Director order ${registration.requestId} may still create it; run the onboarding again to repair it`,
      );
    }
  }
  return {
    code,
    message,
    accountId,
    logSourceName: request?.logSourceName ?? null,
    orderRequestId: registration?.requestId ?? null,
    cleanup,
  };
}

export interface CleanupSummary {
  /** Access keys deleted by this call, or already gone. */
  deletedAccessKeys: string[];
  /** The user was deleted by this call, or was already gone. */
  deletedUser: boolean;
  /** The secret was deleted by this call, or was already gone. */
  deletedSecret: boolean;
  /** What was left in place, each with the reason. */
  kept: string[];
}

function accountIdOf(reader: ReaderIdentity): string {
  const accountId = reader.secretName.startsWith(ACCOUNT_SECRET_PREFIX) ? reader.secretName.slice(ACCOUNT_SECRET_PREFIX.length) : '';
  if (!/^\d{12}$/.test(accountId) || reader.userName !== readerUserName(accountId)) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `Reader identity ${reader.userName} / ${reader.secretName} does not belong to one account.`, {
      details: { userName: reader.userName, secretName: reader.secretName },
    });
  }
  return accountId;
}

export interface RemoveReaderOptions {
  /** Recovery window for a secret this execution created; omitted = delete without recovery. */
  secretRecoveryWindowDays?: number;
}

/**
 * Compensation: removes exactly what the execution that returned `reader` created and nothing
 * that is still in use. The new access key is deleted; a secret that existed before is rolled back
 * to its previous key (when that key still exists); the user and secret are deleted only when this
 * execution created them and nothing else uses them. Idempotent: running it twice is harmless.
 */
export async function removeReaderResources(
  clients: { iam: IAMClient; secretsManager: SecretsManagerClient },
  reader: ReaderIdentity,
  options: RemoveReaderOptions = {},
): Promise<CleanupSummary> {
  const { iam, secretsManager } = clients;
  const accountId = accountIdOf(reader);
  const { userName, accessKeyId, secretName } = reader;
  const summary: CleanupSummary = { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] };

  if (reader.created.accessKey) {
    if (!reader.created.secret) {
      const outcome = await restorePreviousAccessKey(
        secretsManager,
        accountId,
        accessKeyId,
        async (previous) => previous !== accessKeyId && (await userHasKey(iam, userName, previous)),
      );
      if (outcome.restored) {
        summary.kept.push(`secret ${secretName}: existed before this execution; rolled back to access key ${outcome.accessKeyId}`);
      } else if (outcome.reason === 'current-is-other-key' || outcome.reason === 'no-secret') {
        summary.kept.push(`secret ${secretName}: existed before this execution; it does not hold access key ${accessKeyId}`);
      } else {
        summary.kept.push(`secret ${secretName}: existed before this execution; no earlier key to roll back to (${outcome.reason})`);
      }
    }
    await deleteReaderAccessKey(iam, userName, accessKeyId);
    summary.deletedAccessKeys.push(accessKeyId);
  } else {
    summary.kept.push(`access key ${accessKeyId}: existed before this execution`);
    if (!reader.created.secret) summary.kept.push(`secret ${secretName}: existed before this execution`);
  }

  if (reader.created.user) {
    const user = await getReaderUser(iam, userName);
    if (user === null) {
      summary.deletedUser = true;
    } else if (!(await isOwnedReaderUser(iam, user, accountId))) {
      // Created by this execution, yet its path or tags were changed since: someone else claims it now.
      summary.kept.push(`user ${userName}: no longer carries this product's path and tags`);
    } else {
      const remaining = (await listAccessKeys(iam, userName)).map((key) => key.AccessKeyId ?? '');
      if (remaining.length > 0) {
        summary.kept.push(`user ${userName}: still has access key(s) ${remaining.join(', ')}`);
      } else {
        summary.deletedUser = await deleteUserIfKeyless(iam, userName);
      }
    }
  } else {
    summary.kept.push(`user ${userName}: existed before this execution`);
  }

  if (reader.created.secret) {
    const heldKeyId = await readAccessKeyId(secretsManager, accountId);
    if (heldKeyId !== null && heldKeyId !== accessKeyId) {
      summary.kept.push(`secret ${secretName}: now holds access key ${heldKeyId}, written by someone else`);
    } else {
      const outcome = await deleteAccountSecret(secretsManager, accountId, secretDeleteOptions(options));
      if (outcome === 'not-owned') summary.kept.push(`secret ${secretName}: no longer tagged as owned by ${OWNER_MARKER}`);
      else summary.deletedSecret = true;
    }
  }
  return summary;
}

function secretDeleteOptions(options: RemoveReaderOptions): DeleteAccountSecretOptions {
  return options.secretRecoveryWindowDays === undefined ? {} : { recoveryWindowDays: options.secretRecoveryWindowDays };
}

async function userHasKey(iam: IAMClient, userName: string, accessKeyId: string): Promise<boolean> {
  try {
    return (await listAccessKeys(iam, userName)).some((key) => key.AccessKeyId === accessKeyId);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return false;
    throw error;
  }
}

function rawAccountId(state: WorkflowState): string | null {
  const input = state.input as { accountId?: unknown } | undefined;
  const candidate = input?.accountId ?? (state as { accountId?: unknown }).accountId;
  return typeof candidate === 'string' ? candidate : null;
}
