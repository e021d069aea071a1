import * as z from 'zod';
import { deletionOrderPollSchema, logSourceDeletionSchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { checkDeletionOrder } from './log-source-deletion.js';
import { releaseOrderSlot } from '../governance/order-slot-use.js';

/** CheckOrder: one look at the DELETE order; the state machine waits and loops while it is pending. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'CheckOrder',
    input: z.strictObject({ request: offboardingRequestSchema, deletion: logSourceDeletionSchema, attempt: z.int().min(0) }),
    output: deletionOrderPollSchema,
    run: async ({ request, deletion, attempt }) => {
      const deps = dependencies();
      const poll = await checkDeletionOrder(deps.director(), deps.settings.orderPolling, { deletion, attempt }, deps.now());
      // Settled either way: the order slot DeleteLogSource took goes back.
      if (poll.status !== 'PENDING') await releaseOrderSlot(deps, request.accountId);
      return poll;
    },
  });

export const handler = createHandler();
