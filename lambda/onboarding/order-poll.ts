import type { OrderPolling } from '../contract/runtime-settings.js';
import { DirectorNotFoundError, DirectorOutcomeUnknownError, type DirectorClient } from '../director/index.js';
import { checkOrderOnce, nextWaitSeconds } from '../shared/order-check.js';
import { findOwnedLogSourceByName } from '../shared/owned-log-source.js';
import type { OnboardingRequest, OrderPoll, Registration } from './workflow-contract.js';

export interface OrderCheckInput {
  request: OnboardingRequest;
  registration: Registration;
  /** Checks made so far (0 before the first). */
  attempt: number;
  /** When the execution started: the deadline counts from there. */
  executionStartTime: string;
}

interface Look {
  attempt: number;
  startedAt: Date;
  deadlineAt: Date;
  now: Date;
}

/**
 * CheckOrder of the onboarding: one look at what became of the registration's write. With an
 * order to watch: a failed order raises DIRECTOR_ORDER_FAILED with Director's own validation
 * messages, a pending order past the deadline DIRECTOR_ORDER_TIMEOUT, otherwise the state machine
 * is told how long to wait. A create that failed because one of our sources has the name is sent
 * again as an edit of that source (RESUBMIT). Without one (the write's answer was lost, or its order vanished),
 * Director itself is read: a create whose source appeared has succeeded; one that has not appeared
 * within the settle window did not take and is sent again (RESUBMIT); a lost edit is sent again.
 */
export async function checkOrder(director: DirectorClient, polling: OrderPolling, input: OrderCheckInput, now: Date): Promise<OrderPoll> {
  const { registration } = input;
  const startedAt = new Date(input.executionStartTime);
  const look: Look = { attempt: input.attempt + 1, startedAt, deadlineAt: new Date(startedAt.getTime() + polling.deadlineSeconds * 1000), now };
  const { orderPath, requestId } = registration;
  if (orderPath === null || requestId === null) return lookForSource(director, polling, input, look);

  let check: Awaited<ReturnType<typeof checkOrderOnce>>;
  try {
    check = await checkOrderOnce(
      director,
      polling,
      { reference: { orderPath, requestId }, attempt: input.attempt, startedAt, deadlineAt: look.deadlineAt },
      now,
    );
  } catch (error) {
    // An order Director no longer knows says nothing about the write: find out from the source.
    if (error instanceof DirectorNotFoundError) return lookForSource(director, polling, input, look);
    throw error;
  }
  if (check.state === 'failed') {
    // A create fails ("The value already exists") when the name is taken: by a source made some other
    // way (NOT_OWNED), or by one of ours — an earlier create that applied after all, or one whose
    // recording was lost. Ours may hold an older key, so it is edited with this run's (RESUBMIT).
    const taken = registration.operation === 'CREATE' ? await findOwnedLogSourceByName(director, input.request, { afterWrite: true }) : null;
    if (taken && look.now < look.deadlineAt) return poll(look, 'RESUBMIT', taken.id, 1);
    throw check.error;
  }
  if (check.state === 'succeeded') return poll(look, 'SUCCEEDED', check.logSourceId ?? registration.logSourceId, 1);
  return poll(look, 'PENDING', registration.logSourceId, check.nextWaitSeconds);
}

async function lookForSource(director: DirectorClient, polling: OrderPolling, input: OrderCheckInput, look: Look): Promise<OrderPoll> {
  const { registration } = input;
  // An edit is idempotent: sending it again is the quickest way to an order that can be watched.
  if (registration.operation === 'EDIT') return poll(look, 'RESUBMIT', registration.logSourceId, 1);
  const created = await findOwnedLogSourceByName(director, input.request, { afterWrite: true });
  if (created) return poll(look, 'SUCCEEDED', created.id, 1);
  const remainingSeconds = Math.floor((look.deadlineAt.getTime() - look.now.getTime()) / 1000);
  if (remainingSeconds <= 0) {
    throw new DirectorOutcomeUnknownError(
      `Director never confirmed the create of log source "${registration.logSourceName}" sent at ${registration.submittedAt}, ` +
        'and the source did not appear before the deadline',
      { extra: { logSourceName: registration.logSourceName, submittedAt: registration.submittedAt, polls: look.attempt } },
    );
  }
  const settleRemainingSeconds = Math.ceil((Date.parse(registration.submittedAt) + polling.settleSeconds * 1000 - look.now.getTime()) / 1000);
  if (settleRemainingSeconds <= 0) return poll(look, 'RESUBMIT', null, 1);
  return poll(look, 'PENDING', null, Math.min(nextWaitSeconds(polling, look.attempt, remainingSeconds), settleRemainingSeconds));
}

function poll(look: Look, status: OrderPoll['status'], logSourceId: string | null, waitSeconds: number): OrderPoll {
  return {
    status,
    logSourceId,
    nextWaitSeconds: waitSeconds,
    attempt: look.attempt,
    startedAt: look.startedAt.toISOString(),
    deadlineAt: look.deadlineAt.toISOString(),
  };
}
