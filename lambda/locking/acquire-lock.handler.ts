import { workflowMaxRunSeconds } from '../contract/account-lock.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { sfn } from '../shared/runtime/aws-clients/sfn.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { acquireAccountLock, requireLockTable } from './account-lock.js';
import { executionHasEnded } from './execution-status.js';
import { acquireLockInputSchema, accountLockSchema } from './workflow-contract.js';

/** AcquireLock: the run takes its account's lock before it touches the account; another run holding it fails this one with ACCOUNT_BUSY. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { dynamo, sfn } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'AcquireLock',
    input: acquireLockInputSchema,
    output: accountLockSchema,
    run: (input) => {
      const deps = dependencies();
      return acquireAccountLock(deps.dynamo, {
        ...input,
        tableName: requireLockTable(deps.accountLockTable),
        // As long as the state machine may run (its timeout comes from the same setting): a live
        // run never loses its lock, and one that ended without releasing it frees the account
        // when Step Functions has certainly stopped it. A setting, not an input, so no workflow
        // can pass a shorter one by mistake.
        ttlSeconds: workflowMaxRunSeconds(deps.settings.orderPolling.deadlineSeconds),
        now: deps.now(),
        holderHasEnded: executionHasEnded(deps.sfn),
      });
    },
  });

export const handler = createHandler();
