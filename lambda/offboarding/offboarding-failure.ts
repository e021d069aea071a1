import { accountSecretName, readerUserName } from '../contract/names.js';
import { caughtError } from '../shared/caught-error.js';
import { rawAccountIdOf } from '../shared/records.js';
import type { OffboardingExecutionState, OffboardingFailure } from './workflow-contract.js';

// Apart from outcome.ts: DescribeOffboardingFailure touches nothing in the account, so its bundle must not load Secrets Manager.

/** Describes a failed run for the failure event and the Fail state, including what was left in place and why. */
export function describeOffboardingFailure(state: OffboardingExecutionState): OffboardingFailure {
  const { code, message } = caughtError(state.error);
  const { request, inventory, deletion, order, reader } = state;
  const accountId = request?.accountId ?? rawAccountIdOf(state);
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
