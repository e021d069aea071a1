import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName, readerUserName } from '../contract/names.js';
import type { DirectorClient } from '../director/index.js';
import { enableAccountSecretRotation } from '../rotation/enable-rotation.js';
import type { EnableRotationOptions } from '../rotation/rotation-settings.js';
import { describeAccountSecret, readAccessKeyId } from '../shared/account-secret.js';
import { tagAccountSecret } from '../shared/account-secret-tags.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { describeError, OnboardingError } from '../shared/errors.js';
import { assertOwnedReaderUser, deleteReaderAccessKey, getReaderUser, listAccessKeys } from '../shared/reader-user.js';
import type { OnboardingRequest, OnboardingResult, OrderPoll, ReaderIdentity, Registration } from './workflow-contract.js';

export interface FinalizeInput {
  request: OnboardingRequest;
  reader: ReaderIdentity;
  registration: Registration;
  order: OrderPoll;
}

/**
 * After Director accepted the registration: learn the log source id (a create's order usually
 * does not carry it), record it on the account secret, delete the keys the new one replaced, and
 * switch on scheduled rotation of the secret (only now: a half-onboarded account is never rotated).
 */
export async function finalizeOnboarding(
  clients: { iam: IAMClient; secretsManager: SecretsManagerClient; director: DirectorClient },
  input: FinalizeInput,
  rotation: EnableRotationOptions | null = null,
): Promise<OnboardingResult> {
  const { request, reader, registration, order } = input;
  const logSourceId =
    order.logSourceId ?? registration.logSourceId ?? (await clients.director.findLogSourceByName(registration.logSourceName, { afterWrite: true }))?.id;
  if (!logSourceId) {
    throw new OnboardingError(
      ErrorCode.DIRECTOR_BAD_RESPONSE,
      `Director reported order ${registration.requestId ?? '(answer lost)'} as successful, but lists no log source named "${registration.logSourceName}".`,
      { details: { requestId: registration.requestId, logSourceName: registration.logSourceName } },
    );
  }
  // Director already uses the new key: from here on a problem is a warning, never a reason to
  // compensate a working onboarding. Transient faults still go to the step's Retry first.
  const warnings: string[] = [];
  const unlessTransient = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const transient =
        error instanceof OnboardingError ? (error.code === ErrorCode.AWS_UNAVAILABLE ? error : null) : awsUnavailable(error, 'Finalizing the onboarding');
      if (transient) throw transient;
      const { code, message } = describeError(error);
      warnings.push(`${what}: [${code}] ${message}`);
      return fallback;
    }
  };
  const retired = await unlessTransient(
    'The keys the new one replaced were not retired: delete them by hand (aws iam delete-access-key), the next run needs their slot',
    () => retireStaleAccessKeys(clients, { accountId: request.accountId, currentAccessKeyId: reader.accessKeyId }),
    { deletedAccessKeys: [], kept: [] },
  );
  // Described once for both: tagging changes neither ownership nor the rotation settings.
  const secret = await describeAccountSecret(clients.secretsManager, request.accountId);
  // One TagResource: the source's id and the key Director now holds, the write record emptied.
  const record = {
    logSourceId,
    directorKey: reader.accessKeyId,
    directorWrite: '',
    ...(registration.requestId === null ? {} : { lastOrder: registration.requestId }),
  };
  await unlessTransient(
    'The log source id and the key Director holds were not recorded on the account secret: later runs find the source by name, ' +
      'but until a run succeeds with them recorded, a failed run keeps every key the secret holds',
    () => tagAccountSecret(clients.secretsManager, request.accountId, record, secret),
    undefined,
  );
  const keyRotation =
    rotation === null
      ? 'off'
      : await unlessTransient(
          'Scheduled key rotation was not switched on (re-run the onboarding once the cause is fixed)',
          async () => (await enableAccountSecretRotation(clients.secretsManager, request.accountId, rotation, secret)).status,
          'failed' as const,
        );
  return {
    accountId: request.accountId,
    logSourceName: registration.logSourceName,
    logSourceId,
    operation: registration.operation,
    readerUserName: reader.userName,
    accessKeyId: reader.accessKeyId,
    secretName: reader.secretName,
    retiredAccessKeys: retired.deletedAccessKeys,
    keyRotation,
    warnings,
  };
}

export interface RetireStaleAccessKeysRequest {
  accountId: string;
  /** The key Director now uses (ReaderIdentity.accessKeyId). */
  currentAccessKeyId: string;
}

export interface RetireResult {
  deletedAccessKeys: string[];
  kept: string[];
}

/**
 * Deletes every access key of the reader user except the one Director now uses. The key held by
 * the account's secret is kept too even if it differs (a concurrent run may have written it), so
 * the secret never points at a deleted key.
 */
export async function retireStaleAccessKeys(
  clients: { iam: IAMClient; secretsManager: SecretsManagerClient },
  request: RetireStaleAccessKeysRequest,
): Promise<RetireResult> {
  const { iam, secretsManager } = clients;
  const { accountId, currentAccessKeyId } = request;
  const userName = readerUserName(accountId);
  const user = await getReaderUser(iam, userName);
  if (user === null) {
    throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `IAM user ${userName} does not exist; nothing to retire.`, {
      details: { userName },
    });
  }
  await assertOwnedReaderUser(iam, user, accountId);
  const secretKeyId = await readAccessKeyId(secretsManager, accountId);
  const result: RetireResult = { deletedAccessKeys: [], kept: [] };
  for (const key of await listAccessKeys(iam, userName)) {
    const accessKeyId = key.AccessKeyId ?? '';
    if (accessKeyId === currentAccessKeyId) {
      result.kept.push(`access key ${accessKeyId}: the key Director uses`);
    } else if (accessKeyId === secretKeyId) {
      result.kept.push(`access key ${accessKeyId}: held by secret ${accountSecretName(accountId)}`);
    } else {
      await deleteReaderAccessKey(iam, userName, accessKeyId);
      result.deletedAccessKeys.push(accessKeyId);
    }
  }
  return result;
}
