import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Failure, OnboardingRequest, OnboardingResult, OrderPoll, ReaderIdentity, Registration, WorkflowState } from './workflow-contract.js';
import { tagAccountSecret } from '../shared/account-secret.js';
import type { DirectorClient } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { removeReaderResources, retireStaleAccessKeys } from '../shared/reader-user.js';
import { ErrorCode } from '../contract/error-codes.js';
import { enableAccountSecretRotation, type EnableRotationOptions } from '../rotation/enable-rotation.js';

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
  const logSourceId = order.logSourceId ?? registration.logSourceId ?? (await clients.director.findLogSourceByName(registration.logSourceName))?.id;
  if (!logSourceId) {
    throw new OnboardingError(
      ErrorCode.DIRECTOR_BAD_RESPONSE,
      `Director reported order ${registration.requestId} as successful, but lists no log source named "${registration.logSourceName}".`,
      { details: { requestId: registration.requestId, logSourceName: registration.logSourceName } },
    );
  }
  const retired = await retireStaleAccessKeys(clients, { accountId: request.accountId, currentAccessKeyId: reader.accessKeyId });
  await tagAccountSecret(clients.secretsManager, request.accountId, { logSourceId, lastOrder: registration.requestId });
  const keyRotation = rotation === null ? 'off' : (await enableAccountSecretRotation(clients.secretsManager, request.accountId, rotation)).status;
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
  };
}

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
export async function compensateOnboarding(
  clients: { iam: IAMClient; secretsManager: SecretsManagerClient },
  state: WorkflowState,
): Promise<Failure> {
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

/**
 * Step Functions hands a Lambda error over as `{Error, Cause}`; on AWS the Cause is the runtime's
 * JSON (`{"errorType","errorMessage",...}`), locally it may be the plain message.
 */
export function caughtError(error: WorkflowState['error']): { code: string; message: string } {
  if (!error) return { code: ErrorCode.INTERNAL, message: 'The workflow failed without an error record.' };
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return { code: error.Error, message: parsed.errorMessage };
  } catch {
    // A plain-text cause: use it as it is.
  }
  return { code: error.Error, message: cause || error.Error };
}

function rawAccountId(state: WorkflowState): string | null {
  const input = state.input as { accountId?: unknown } | undefined;
  const candidate = input?.accountId ?? (state as { accountId?: unknown }).accountId;
  return typeof candidate === 'string' ? candidate : null;
}
