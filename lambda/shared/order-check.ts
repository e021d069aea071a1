import type { OrderPolling } from '../contract/runtime-settings.js';
import { DirectorOrderFailedError, DirectorOrderTimeoutError, type DirectorClient, type OrderReference } from '../director/index.js';
import { doublingDelay } from './backoff.js';

/**
 * One look at a Director order from inside a workflow, the same for every workflow that writes to
 * Director (onboarding's create or edit, offboarding's delete): the order's outcome, or how long
 * the Wait state should sleep before the next look. The state machine does the waiting.
 */

export interface OrderLook {
  reference: OrderReference;
  /** Looks made so far (0 before the first). */
  attempt: number;
  /** Where the deadline is counted from: the execution's start, or the moment the write was submitted. */
  startedAt: Date;
  deadlineAt: Date;
}

export type OrderCheck =
  | { state: 'succeeded'; attempt: number; logSourceId: string | undefined }
  | { state: 'failed'; attempt: number; error: DirectorOrderFailedError }
  | { state: 'pending'; attempt: number; nextWaitSeconds: number };

/**
 * Reads the order once. A failed order comes back with its DIRECTOR_ORDER_FAILED error (carrying
 * Director's own validation messages) for the caller to throw or resolve; a pending order past
 * the deadline raises DIRECTOR_ORDER_TIMEOUT; a pending order within it says how long to wait.
 */
export async function checkOrderOnce(director: DirectorClient, polling: OrderPolling, look: OrderLook, now: Date): Promise<OrderCheck> {
  const { reference } = look;
  const attempt = look.attempt + 1;
  const status = await director.getOrder(reference.orderPath);
  if (status.state === 'failed') {
    const error = new DirectorOrderFailedError({
      requestId: reference.requestId,
      orderPath: reference.orderPath,
      message: status.message,
      validationErrors: status.validationErrors,
      errors: status.errors,
    });
    return { state: 'failed', attempt, error };
  }
  if (status.state === 'succeeded') return { state: 'succeeded', attempt, logSourceId: status.id };
  const remainingSeconds = Math.floor((look.deadlineAt.getTime() - now.getTime()) / 1000);
  if (remainingSeconds <= 0) {
    throw new DirectorOrderTimeoutError(reference.requestId, reference.orderPath, now.getTime() - look.startedAt.getTime(), attempt);
  }
  return { state: 'pending', attempt, nextWaitSeconds: nextWaitSeconds(polling, attempt, remainingSeconds) };
}

/** About 2 s, doubling to the cap, and never longer than what is left before the deadline. */
export function nextWaitSeconds(polling: OrderPolling, attempt: number, remainingSeconds: number): number {
  return Math.max(1, Math.min(doublingDelay(polling.initialWaitSeconds, attempt, polling.maxWaitSeconds), remainingSeconds));
}
