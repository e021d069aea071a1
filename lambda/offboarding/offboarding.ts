import {
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient, User } from '@aws-sdk/client-iam';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  DeletionOrderPoll,
  LogSourceDeletion,
  OffboardedPart,
  OffboardingExecutionState,
  OffboardingFailure,
  OffboardingInput,
  OffboardingInventory,
  OffboardingRequest,
  OffboardingSummary,
  ReaderRemoval,
  SecretDeletion,
} from './workflow-contract.js';
import { describeAccountSecret, secretNotOwned } from '../shared/account-secret.js';
import {
  DirectorNotFoundError,
  DirectorOrderFailedError,
  DirectorOrderTimeoutError,
  sameLogSourceId,
  type DirectorClient,
  type LogSourceRecord,
} from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { isOwnedLogSource } from '../shared/log-source-body.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import { caughtError } from '../onboarding/outcome.js';
import { resolveOnboardingRequest } from '../onboarding/request.js';
import { nextWaitSeconds } from '../shared/order-check.js';
import { describeAwsError, isAwsError, isOwnedBy } from '../shared/ownership.js';
import { listInlinePolicyNames, listReaderAccessKeyIds, userTags } from '../shared/reader-user.js';
import type { OrderPolling, RuntimeSettings } from '../contract/runtime-settings.js';
import { ErrorCode } from '../contract/error-codes.js';
import { TagKey, OWNER_MARKER, accountSecretName, READER_USER_PATH, readerUserName } from '../contract/names.js';

/**
 * Offboarding of one account: delete its Director log source, wait for the DELETE order, then
 * remove the reader user (keys, inline policies, user) and schedule the account secret's deletion.
 *
 * Order matters: the reader key may only go once Director no longer holds a log source that uses
 * it, so every function that deletes checks ownership itself (it may be invoked on its own), and
 * the key is never touched unless the DELETE order is known to have succeeded or the source is
 * provably gone. Every step is idempotent: a part that is already gone counts as done and is
 * reported as such, so offboarding an account twice, or one that was never onboarded, succeeds.
 */

// ---- ValidateOffboardInput ---------------------------------------------------------------------

/** Fills the defaults: reason `manual`, and the log source name from the stack's name pattern. */
export function resolveOffboardingRequest(input: OffboardingInput, settings: RuntimeSettings): OffboardingRequest {
  return {
    accountId: input.accountId,
    reason: input.reason ?? 'manual',
    // The same expansion onboarding uses, so both agree on the name for the same account.
    logSourceName: input.logSourceName ?? resolveOnboardingRequest({ accountId: input.accountId }, settings).logSourceName,
    trigger: input.trigger ?? null,
  };
}

// ---- FindLogSource -----------------------------------------------------------------------------

export interface InventoryClients {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  director: DirectorClient;
}

/**
 * What of the account exists, read-only. Anything that carries the account's name but not this
 * product's ownership markers (the reader user, the secret, a log source of the expected name)
 * fails with NOT_OWNED naming it, before anything has been deleted.
 */
export async function takeInventory(clients: InventoryClients, request: OffboardingRequest): Promise<OffboardingInventory> {
  const { iam, secretsManager, director } = clients;
  const { accountId } = request;

  const user = await getUser(iam, readerUserName(accountId));
  if (user !== null) await assertOwnedUser(iam, user, accountId);

  const secret = await describeAccountSecret(secretsManager, accountId);
  if (secret !== null && !secret.owned) throw secretNotOwned(secret.secretName, accountId);

  const logSource = (await findOwnedLogSource({ director, secretsManager }, request)) ?? (await findOwnedByMarker(director, accountId));
  return {
    logSourceName: logSource?.name ?? request.logSourceName,
    logSourceFound: logSource !== null,
    logSourceId: logSource?.id ?? null,
    readerUser: user === null ? 'absent' : 'present',
    secret: secret === null ? 'absent' : secret.scheduledForDeletion ? 'scheduled-for-deletion' : 'present',
  };
}

/**
 * A log source marked as this product's for the account under another name (the name pattern
 * changed since onboarding, and the id was never recorded): it still holds the reader key.
 */
async function findOwnedByMarker(director: DirectorClient, accountId: string): Promise<(LogSourceRecord & { id: string; name: string }) | null> {
  const owned = (await director.listLogSources()).filter((record) => isOwnedLogSource(record, accountId));
  if (owned.length > 1) {
    throw new OnboardingError(
      ErrorCode.DIRECTOR_BAD_RESPONSE,
      `Director lists ${owned.length} log sources marked as ${OWNER_MARKER}'s for account ${accountId} ` +
        `(${owned.map((record) => `"${record.name}" ${record.id ?? 'no id'}`).join(', ')}); this product creates one. ` +
        'Delete the extra ones by hand, then re-run the offboarding.',
      { details: { accountId, logSourceIds: owned.map((record) => record.id ?? null) } },
    );
  }
  const [match] = owned;
  if (match === undefined) return null;
  if (!match.id) throw new OnboardingError(ErrorCode.DIRECTOR_BAD_RESPONSE, `Director lists log source "${match.name}" without an id.`);
  return { ...match, id: match.id, name: match.name };
}

// ---- DeleteLogSource ---------------------------------------------------------------------------

export interface DirectorStepContext {
  director: DirectorClient;
  polling: OrderPolling;
  now: () => Date;
}

/**
 * `DELETE .../LogSources/{id}` of the account's own log source. Ownership is checked again right
 * before the call, so a stale or hand-made input can never delete a foreign source. A source that
 * is no longer listed is ALREADY_GONE (no order to wait for).
 */
export async function deleteAccountLogSource(
  context: DirectorStepContext,
  input: { request: OffboardingRequest; inventory: OffboardingInventory },
): Promise<LogSourceDeletion> {
  const { director, polling } = context;
  const { request, inventory } = input;
  const logSourceId = inventory.logSourceId;
  if (!inventory.logSourceFound || logSourceId === null) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `DeleteLogSource was called for account ${request.accountId} without a log source id.`);
  }
  const submittedAt = context.now();
  const base = {
    logSourceId,
    submittedAt: submittedAt.toISOString(),
    deadlineAt: new Date(submittedAt.getTime() + polling.deadlineSeconds * 1000).toISOString(),
  };
  const gone = { ...base, status: 'ALREADY_GONE', orderPath: null, requestId: null } as const;

  const current = await findListed(director, logSourceId);
  if (current === null) return gone;
  if (!isOwnedLogSource(current, request.accountId)) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `Director log source "${current.name}" (${logSourceId}) is not marked as ${OWNER_MARKER}'s for account ${request.accountId}; it is left untouched.`,
      { details: { logSourceId, logSourceName: current.name } },
    );
  }
  try {
    const order = await director.deleteLogSource(logSourceId);
    return { ...base, status: 'SUBMITTED', orderPath: order.orderPath, requestId: order.requestId };
  } catch (error) {
    // A 404 may also mean a wrong pool or logpoint: only a source missing from the list is gone.
    if (error instanceof DirectorNotFoundError && (await findListed(director, logSourceId)) === null) return gone;
    throw error;
  }
}

async function findListed(director: DirectorClient, logSourceId: string): Promise<LogSourceRecord | null> {
  const records = await director.listLogSources();
  return records.find((record) => record.id !== undefined && sameLogSourceId(record.id, logSourceId)) ?? null;
}

// ---- CheckOrder --------------------------------------------------------------------------------

/**
 * One look at the DELETE order. DELETED only when Director reports success and no longer lists
 * the source; a failed order whose source is nevertheless gone (a concurrent offboarding deleted
 * it) is ALREADY_GONE; any other failure raises DIRECTOR_ORDER_FAILED, and a pending order past
 * the deadline DIRECTOR_ORDER_TIMEOUT. In both failure cases the reader key stays.
 */
export async function checkDeletionOrder(
  director: DirectorClient,
  polling: OrderPolling,
  input: { deletion: LogSourceDeletion; attempt: number },
  now: Date,
): Promise<DeletionOrderPoll> {
  const { deletion } = input;
  const attempt = input.attempt + 1;
  const done = (status: 'DELETED' | 'ALREADY_GONE'): DeletionOrderPoll => ({ status, attempt, nextWaitSeconds: 1, deadlineAt: deletion.deadlineAt });
  if (deletion.status === 'ALREADY_GONE') return done('ALREADY_GONE');
  if (deletion.orderPath === null || deletion.requestId === null) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `The deletion of ${deletion.logSourceId} was submitted without an order.`);
  }

  const status = await director.getOrder(deletion.orderPath);
  if (status.state === 'succeeded') {
    if ((await findListed(director, deletion.logSourceId)) !== null) {
      throw new OnboardingError(
        ErrorCode.DIRECTOR_BAD_RESPONSE,
        `Director reports DELETE order ${deletion.requestId} as successful but still lists log source ${deletion.logSourceId}; ` +
          'the reader key is kept. Check the log source in Director, then re-run the offboarding.',
        { details: { requestId: deletion.requestId, logSourceId: deletion.logSourceId } },
      );
    }
    return done('DELETED');
  }
  if (status.state === 'failed') {
    if ((await findListed(director, deletion.logSourceId)) === null) return done('ALREADY_GONE');
    throw new DirectorOrderFailedError({
      requestId: deletion.requestId,
      orderPath: deletion.orderPath,
      message: status.message,
      validationErrors: status.validationErrors,
      errors: status.errors,
    });
  }
  const remainingSeconds = Math.floor((Date.parse(deletion.deadlineAt) - now.getTime()) / 1000);
  if (remainingSeconds <= 0) {
    throw new DirectorOrderTimeoutError(deletion.requestId, deletion.orderPath, now.getTime() - Date.parse(deletion.submittedAt), attempt);
  }
  return { status: 'PENDING', attempt, nextWaitSeconds: nextWaitSeconds(polling, attempt, remainingSeconds), deadlineAt: deletion.deadlineAt };
}

// ---- RemoveReader ------------------------------------------------------------------------------

/**
 * Deletes every access key, every inline policy and then the reader user, if the user is ours.
 * A missing user (or one that disappears meanwhile) is fine; a foreign one fails with NOT_OWNED
 * before anything is deleted. Call only after Director stopped using the key.
 */
export async function removeReaderUser(iam: IAMClient, accountId: string): Promise<ReaderRemoval> {
  const userName = readerUserName(accountId);
  const removal: ReaderRemoval = { userName, userFound: false, deletedAccessKeys: [], deletedPolicies: [], deletedUser: false };
  const user = await getUser(iam, userName);
  if (user === null) return removal;
  removal.userFound = true;
  await assertOwnedUser(iam, user, accountId);

  // A second pass covers a key or policy added meanwhile (a rotation or onboarding running at the same time).
  for (let pass = 1; ; pass += 1) {
    for (const accessKeyId of await listReaderAccessKeyIds(iam, userName)) {
      if (await ignoringMissing(() => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })))) {
        removal.deletedAccessKeys.push(accessKeyId);
      }
    }
    for (const policyName of await listInlinePolicyNames(iam, userName)) {
      if (await ignoringMissing(() => iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName })))) {
        removal.deletedPolicies.push(policyName);
      }
    }
    try {
      removal.deletedUser = await ignoringMissing(() => iam.send(new DeleteUserCommand({ UserName: userName })));
      return removal;
    } catch (error) {
      if (!isAwsError(error, 'DeleteConflictException')) throw error;
      if (pass >= 2) throw foreignAttachments(userName, removal);
    }
  }
}

/** Only access keys and inline policies are ours; whatever else still blocks DeleteUser was added by someone else. */
function foreignAttachments(userName: string, removal: ReaderRemoval): OnboardingError {
  return new OnboardingError(
    ErrorCode.NOT_OWNED,
    `IAM user ${userName} still has something this product did not create (a managed policy, group membership, console ` +
      `password, MFA device, certificate or SSH key), so it cannot be deleted; its access keys and inline policy are removed. ` +
      'Remove the rest by hand, then re-run the offboarding.',
    { details: { userName, deletedAccessKeys: removal.deletedAccessKeys, deletedPolicies: removal.deletedPolicies } },
  );
}

async function getUser(iam: IAMClient, userName: string): Promise<User | null> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User ?? null;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return null;
    throw error;
  }
}

/** A user of our name is only ours with our path and both ownership tags. */
async function assertOwnedUser(iam: IAMClient, user: User, accountId: string): Promise<void> {
  const userName = user.UserName ?? readerUserName(accountId);
  const tags = await userTags(iam, user);
  if (user.Path === READER_USER_PATH && isOwnedBy(tags, accountId)) return;
  throw new OnboardingError(
    ErrorCode.NOT_OWNED,
    `IAM user ${userName} (path ${user.Path ?? '(none)'}) is not tagged ${TagKey.managedBy}=${OWNER_MARKER} and ` +
      `${TagKey.accountId}=${accountId} under path ${READER_USER_PATH}; it was not created by this product and is left untouched. ` +
      'Nothing was deleted by this step.',
    { details: { userName, path: user.Path ?? null } },
  );
}


/** True when the call deleted something, false when it was already gone. */
async function ignoringMissing(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return false;
    throw error;
  }
}

// ---- ScheduleSecretDeletion --------------------------------------------------------------------

/**
 * Schedules the deletion of the account's secret with a recovery window (during which
 * `aws secretsmanager restore-secret` brings it back). Only our secret; a missing or already
 * scheduled one counts as done. The value is never read.
 */
export async function scheduleSecretDeletion(
  sm: SecretsManagerClient,
  request: { accountId: string; recoveryWindowDays: number },
): Promise<SecretDeletion> {
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
    throw new OnboardingError(ErrorCode.INTERNAL, `Could not schedule the deletion of secret ${secretName}: ${describeAwsError(error)}`, {
      details: { secretName, awsError: describeAwsError(error) },
    });
  }
}

// ---- Outcome -----------------------------------------------------------------------------------

export interface CompletedOffboarding {
  request: OffboardingRequest;
  inventory: OffboardingInventory;
  deletion?: LogSourceDeletion | undefined;
  order?: DeletionOrderPoll | { attempt: number } | undefined;
  reader: ReaderRemoval;
}

/** The execution's output: what this run removed, what was already gone, or that nothing ever existed. */
export function summarizeOffboarding(state: CompletedOffboarding, secret: SecretDeletion): OffboardingSummary {
  const { request, inventory, reader } = state;
  const logSourceDeleted = state.order !== undefined && 'status' in state.order && state.order.status === 'DELETED';
  const neverOnboarded =
    !inventory.logSourceFound &&
    inventory.readerUser === 'absent' &&
    inventory.secret === 'absent' &&
    !reader.userFound &&
    secret.outcome === 'ABSENT';
  const gone: [OffboardedPart, boolean][] = [
    ['logSource', !logSourceDeleted],
    ['readerUser', !reader.deletedUser],
    ['secret', secret.outcome !== 'SCHEDULED'],
  ];
  return {
    accountId: request.accountId,
    reason: request.reason,
    trigger: request.trigger,
    logSourceName: inventory.logSourceName,
    logSourceDeleted,
    logSourceId: inventory.logSourceId,
    deletedAccessKeys: reader.deletedAccessKeys,
    deletedPolicies: reader.deletedPolicies,
    deletedUser: reader.deletedUser,
    secretDeletionDate: secret.deletionDate,
    neverOnboarded,
    alreadyGone: neverOnboarded ? [] : gone.filter(([, isGone]) => isGone).map(([part]) => part),
  };
}

/** Describes a failed run for the failure event and the Fail state, including what was left in place and why. */
export function describeOffboardingFailure(state: OffboardingExecutionState): OffboardingFailure {
  const { code, message } = caughtError(state.error);
  const { request, inventory, deletion, order, reader } = state;
  const accountId = request?.accountId ?? rawAccountId(state);
  const logSourceGone =
    deletion?.status === 'ALREADY_GONE' || (order !== undefined && 'status' in order && (order.status === 'DELETED' || order.status === 'ALREADY_GONE'));

  const kept: string[] = [];
  if (inventory === undefined) {
    kept.push('everything: the run failed before it deleted anything');
  } else {
    if (inventory.logSourceFound && !logSourceGone) {
      kept.push(`log source "${inventory.logSourceName}" (${inventory.logSourceId ?? 'no id'}): still in Director`);
    }
    if (inventory.readerUser === 'present' && reader === undefined) {
      const why = inventory.logSourceFound && !logSourceGone ? 'Director may still use its key' : 'the run stopped before removing it';
      kept.push(`IAM user ${accountId === null ? 'of the account' : readerUserName(accountId)} with its access keys: not (fully) removed, ${why}`);
    }
    if (inventory.secret === 'present' && state.result === undefined && accountId !== null) {
      kept.push(`secret ${accountSecretName(accountId)}: not scheduled for deletion`);
    }
  }
  return {
    code,
    message,
    accountId,
    logSourceName: request?.logSourceName ?? null,
    logSourceId: inventory?.logSourceId ?? null,
    orderRequestId: deletion?.requestId ?? null,
    kept,
  };
}

function rawAccountId(state: OffboardingExecutionState): string | null {
  const candidate = (state as { accountId?: unknown }).accountId;
  return typeof candidate === 'string' ? candidate : null;
}
