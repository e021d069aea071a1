import { OnboardingError } from '../shared/errors.js';
import type { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * What every trigger reader (account event, deploy-time custom resource, manual input) turns its
 * event into, and how it refuses an event it cannot use.
 */

/** One execution to start: which workflow, for which account, with which input and name key. */
export interface StartRequest {
  kind: WorkflowKind;
  accountId: string;
  /** Stable for one logical request (event id, deploy nonce, idempotency key): names the execution. */
  idempotencyKey: string;
  /** The execution input; always carries `accountId`. */
  input: Record<string, unknown>;
}

export interface IgnoredEvent {
  status: 'IGNORED';
  reason: string;
}

/** INVALID_INPUT: the Lambda service retries the event and finally parks it in the dead-letter queue. */
export function invalidEvent(why: string): OnboardingError {
  return new OnboardingError(ErrorCode.INVALID_INPUT, `The start-execution function received an event it cannot use: ${why}.`);
}
