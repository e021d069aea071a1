import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { scheduleSecretDeletion } from './secret-deletion.js';
import type { CompletedOffboarding, OffboardedPart, OffboardingSummary, SecretDeletion } from './workflow-contract.js';

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
