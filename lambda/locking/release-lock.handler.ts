import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { releaseAccountLock, requireLockTable } from './account-lock.js';
import { lockReleaseSchema, releaseLockInputSchema } from './workflow-contract.js';

/** ReleaseLock: the run gives its account's lock back when it is done with the account, on success and on failure alike. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'ReleaseLock',
    input: releaseLockInputSchema,
    output: lockReleaseSchema,
    run: async (input) => {
      const deps = dependencies();
      const outcome = await releaseAccountLock(deps.dynamo, { ...input, tableName: requireLockTable(deps.accountLockTable) });
      return { released: outcome === 'released' };
    },
  });

export const handler = createHandler();
