import { failureSchema, workflowStateSchema } from './workflow-contract.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { compensateOnboarding } from './compensation.js';
import { recordFailure } from './onboarding-registry.js';
import { releaseOrderSlot } from '../governance/order-slot-use.js';
import { ErrorCode } from '../contract/error-codes.js';

/** Compensate: remove what the failed execution created, describe the failure, record it in the account registry, and give back the run's order slot. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam, secretsManager, dynamo } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'Compensate',
    input: workflowStateSchema,
    output: failureSchema,
    run: async (state) => {
      const deps = dependencies();
      const failure = await compensateOnboarding({ iam: deps.iam, secretsManager: deps.secretsManager }, state);
      const registry = { dynamo: deps.dynamo, tableName: requireRegistryTable(deps.accountRegistryTable, 'Compensate'), mode: deps.settings.collection.mode };
      await recordFailure({ ...registry, now: deps.now() }, state, failure);
      // The slot is this run's unless another run's lock turned it away (that run's slot has the same owner).
      if (state.request !== undefined && failure.code !== ErrorCode.ACCOUNT_BUSY) await releaseOrderSlot(deps, state.request.accountId);
      return failure;
    },
  });

export const handler = createHandler();
