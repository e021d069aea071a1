import { ErrorCode } from '../contract/error-codes.js';
import { releaseOrderSlot } from '../governance/order-slot-use.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { offboardingExecutionStateSchema, offboardingFailureSchema } from './workflow-contract.js';
import { describeOffboardingFailure } from './offboarding-failure.js';

/**
 * DescribeOffboardingFailure: the typed code, a readable message and what was left in place.
 * Touches nothing in the account; gives back the run's Director order slot, if it took one.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { dynamo } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'DescribeOffboardingFailure',
    input: offboardingExecutionStateSchema,
    output: offboardingFailureSchema,
    run: async (state) => {
      const failure = describeOffboardingFailure(state);
      // A run turned away by another run's lock holds no slot: the subject's slot is that run's.
      if (state.deletion !== undefined && state.request !== undefined && failure.code !== ErrorCode.ACCOUNT_BUSY) {
        await releaseOrderSlot(dependencies(), state.request.accountId);
      }
      return failure;
    },
  });

export const handler = createHandler();
