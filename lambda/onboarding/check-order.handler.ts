import * as z from 'zod';
import { checkOrder } from './order-poll.js';
import { releaseOrderSlot } from '../governance/order-slot-use.js';
import { onboardingRequestSchema, orderPollSchema, registrationSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';

/** CheckOrder: one look at the Director order (or, without one, at the source); the state machine waits and loops while it is pending. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'CheckOrder',
    input: z.strictObject({
      request: onboardingRequestSchema,
      registration: registrationSchema,
      attempt: z.int().min(0),
      executionStartTime: z.iso.datetime({ offset: true }),
    }),
    output: orderPollSchema,
    run: async ({ request, registration, attempt, executionStartTime }) => {
      const deps = dependencies();
      const poll = await checkOrder(deps.director(), deps.settings.orderPolling, { request, registration, attempt, executionStartTime }, deps.now());
      // Settled: the order slot goes back (a failed or lost order fails the step, and Compensate gives it back).
      if (poll.status === 'SUCCEEDED') await releaseOrderSlot(deps, request.accountId);
      return poll;
    },
  });

export const handler = createHandler();
