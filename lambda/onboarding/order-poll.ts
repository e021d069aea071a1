import type { OrderPolling } from '../contract/runtime-settings.js';
import type { DirectorClient } from '../director/index.js';
import { checkOrderOnce } from '../shared/order-check.js';
import type { OrderPoll, Registration } from './workflow-contract.js';

export interface OrderCheckInput {
  registration: Registration;
  /** Checks made so far (0 before the first). */
  attempt: number;
  /** When the execution started: the deadline counts from there. */
  executionStartTime: string;
}

/**
 * CheckOrder of the onboarding: one look at the registration's Director order. A failed order
 * raises DIRECTOR_ORDER_FAILED with Director's own validation messages; a pending order past the
 * deadline raises DIRECTOR_ORDER_TIMEOUT; otherwise the state machine is told how long to wait.
 */
export async function checkOrder(director: DirectorClient, polling: OrderPolling, input: OrderCheckInput, now: Date): Promise<OrderPoll> {
  const { registration } = input;
  const startedAt = new Date(input.executionStartTime);
  const deadlineAt = new Date(startedAt.getTime() + polling.deadlineSeconds * 1000);
  const check = await checkOrderOnce(director, polling, { reference: registration, attempt: input.attempt, startedAt, deadlineAt }, now);
  if (check.state === 'failed') throw check.error;
  const base = { attempt: check.attempt, startedAt: startedAt.toISOString(), deadlineAt: deadlineAt.toISOString() };
  if (check.state === 'succeeded') {
    return { ...base, status: 'SUCCEEDED', logSourceId: check.logSourceId ?? registration.logSourceId, nextWaitSeconds: 1 };
  }
  return { ...base, status: 'PENDING', logSourceId: registration.logSourceId, nextWaitSeconds: check.nextWaitSeconds };
}
