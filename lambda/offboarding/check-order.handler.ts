import * as z from 'zod';
import { deletionOrderPollSchema, logSourceDeletionSchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { checkDeletionOrder } from './log-source-deletion.js';
import { releaseOrderSlot } from '../governance/order-slot-use.js';

/** CheckOrder: one look at the DELETE order; the state machine waits and loops while it is pending. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
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
