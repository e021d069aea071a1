import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { releaseAccountLock, requireLockTable } from './account-lock.js';
import { lockReleaseSchema, releaseLockInputSchema } from './workflow-contract.js';

/** ReleaseLock: the run gives its account's lock back when it is done with the account, on success and on failure alike. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { dynamo } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
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
