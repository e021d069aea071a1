import type { OrderPolling } from '../contract/runtime-settings.js';
import { ErrorCode } from '../contract/error-codes.js';
import { OWNER_MARKER } from '../contract/names.js';
import { DirectorNotFoundError, sameLogSourceId, type DirectorClient, type LogSourceRecord } from '../director/index.js';
import { OnboardingError } from '../shared/errors.js';
import { isOwnedLogSource } from '../shared/log-source-body.js';
import { checkOrderOnce } from '../shared/order-check.js';
import type { DeletionOrderPoll, LogSourceDeletion, OffboardingInventory, OffboardingRequest } from './workflow-contract.js';

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
    if (error instanceof DirectorNotFoundError && (await findListed(director, logSourceId, true)) === null) return gone;
    throw error;
  }
}

/** The source as Director lists it; `afterWrite`: right after the DELETE, so the list is refreshed first. */
async function findListed(director: DirectorClient, logSourceId: string, afterWrite = false): Promise<LogSourceRecord | null> {
  if (afterWrite) await director.refreshLogSourceList();
  const records = await director.listLogSources();
  return records.find((record) => record.id !== undefined && sameLogSourceId(record.id, logSourceId)) ?? null;
}

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
  const done = (status: 'DELETED' | 'ALREADY_GONE', attempt: number): DeletionOrderPoll => ({
    status,
    attempt,
    nextWaitSeconds: 1,
    deadlineAt: deletion.deadlineAt,
  });
  if (deletion.status === 'ALREADY_GONE') return done('ALREADY_GONE', input.attempt + 1);
  if (deletion.orderPath === null || deletion.requestId === null) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `The deletion of ${deletion.logSourceId} was submitted without an order.`);
  }

  const check = await checkOrderOnce(
    director,
    polling,
    {
      reference: { orderPath: deletion.orderPath, requestId: deletion.requestId },
      attempt: input.attempt,
      startedAt: new Date(deletion.submittedAt),
      deadlineAt: new Date(deletion.deadlineAt),
    },
    now,
  );
  if (check.state === 'succeeded') {
    if ((await findListed(director, deletion.logSourceId, true)) !== null) {
      throw new OnboardingError(
        ErrorCode.DIRECTOR_BAD_RESPONSE,
        `Director reports DELETE order ${deletion.requestId} as successful but still lists log source ${deletion.logSourceId}; ` +
          'the reader key is kept. Check the log source in Director, then re-run the offboarding.',
        { details: { requestId: deletion.requestId, logSourceId: deletion.logSourceId } },
      );
    }
    return done('DELETED', check.attempt);
  }
  if (check.state === 'failed') {
    if ((await findListed(director, deletion.logSourceId, true)) === null) return done('ALREADY_GONE', check.attempt);
    throw check.error;
  }
  return { status: 'PENDING', attempt: check.attempt, nextWaitSeconds: check.nextWaitSeconds, deadlineAt: deletion.deadlineAt };
}
