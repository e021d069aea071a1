import type { OrderPoll, Registration } from '../onboarding/workflow-contract.js';
import { DirectorOrderFailedError, DirectorOrderTimeoutError, type DirectorClient } from '../director/index.js';
import type { OrderPolling } from '../contract/runtime-settings.js';

export interface OrderCheckInput {
  registration: Registration;
  /** Checks made so far (0 before the first). */
  attempt: number;
  /** When the execution started: the deadline counts from there. */
  executionStartTime: string;
}

/**
 * One look at the registration's Director order. A failed order raises DIRECTOR_ORDER_FAILED with
 * Director's own validation messages; a pending order past the deadline raises
 * DIRECTOR_ORDER_TIMEOUT; otherwise the state machine is told how long to wait before the next
 * look (growing from the initial wait, doubling, capped, never past the deadline).
 */
export async function checkOrder(director: DirectorClient, polling: OrderPolling, input: OrderCheckInput, now: Date): Promise<OrderPoll> {
  const { registration } = input;
  const attempt = input.attempt + 1;
  const startedAt = new Date(input.executionStartTime);
  const deadlineAt = new Date(startedAt.getTime() + polling.deadlineSeconds * 1000);
  const status = await director.getOrder(registration.orderPath);

  if (status.state === 'failed') {
    throw new DirectorOrderFailedError({
      requestId: registration.requestId,
      orderPath: registration.orderPath,
      message: status.message,
      validationErrors: status.validationErrors,
      errors: status.errors,
    });
  }
  const base = { attempt, startedAt: startedAt.toISOString(), deadlineAt: deadlineAt.toISOString() };
  if (status.state === 'succeeded') {
    return { ...base, status: 'SUCCEEDED', logSourceId: status.id ?? registration.logSourceId, nextWaitSeconds: 1 };
  }
  const remainingSeconds = Math.floor((deadlineAt.getTime() - now.getTime()) / 1000);
  if (remainingSeconds <= 0) {
    throw new DirectorOrderTimeoutError(registration.requestId, registration.orderPath, now.getTime() - startedAt.getTime(), attempt);
  }
  return { ...base, status: 'PENDING', logSourceId: registration.logSourceId, nextWaitSeconds: nextWaitSeconds(polling, attempt, remainingSeconds) };
}

/** About 2 s, doubling to the cap, and never longer than what is left before the deadline. */
export function nextWaitSeconds(polling: OrderPolling, attempt: number, remainingSeconds: number): number {
  const grown = polling.initialWaitSeconds * 2 ** Math.min(attempt, 20);
  return Math.max(1, Math.min(grown, polling.maxWaitSeconds, remainingSeconds));
}
