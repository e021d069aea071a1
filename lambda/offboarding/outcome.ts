import { accountSecretName, readerUserName } from '../contract/names.js';
import { caughtError } from '../shared/caught-error.js';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { scheduleSecretDeletion } from './secret-deletion.js';
import { rawAccountIdOf } from '../shared/records.js';
import type {
  CompletedOffboarding,
  OffboardedPart,
  OffboardingExecutionState,
  OffboardingFailure,
  OffboardingSummary,
  SecretDeletion,
} from './workflow-contract.js';

/** ScheduleSecretDeletion: the secret goes after its recovery window, then the run is summed up. */
export async function completeOffboarding(sm: SecretsManagerClient, state: CompletedOffboarding, recoveryWindowDays: number): Promise<OffboardingSummary> {
  const secret = await scheduleSecretDeletion(sm, { accountId: state.request.accountId, recoveryWindowDays });
  return summarizeOffboarding(state, secret);
}

/** The execution's output: what this run removed, what was already gone, or that nothing ever existed. */
export function summarizeOffboarding(state: CompletedOffboarding, secret: SecretDeletion): OffboardingSummary {
  const { request, inventory, reader } = state;
  const logSourceDeleted = state.order !== undefined && 'status' in state.order && state.order.status === 'DELETED';
  const neverOnboarded =
    !inventory.logSourceFound && inventory.readerUser === 'absent' && inventory.secret === 'absent' && !reader.userFound && secret.outcome === 'ABSENT';
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
