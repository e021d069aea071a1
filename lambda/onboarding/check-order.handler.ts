import * as z from 'zod';
import { checkOrder } from './order-poll.js';
import { onboardingRequestSchema, orderPollSchema, registrationSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';

/** CheckOrder: one look at the Director order (or, without one, at the source); the state machine waits and loops while it is pending. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'CheckOrder',
    input: z.strictObject({
      request: onboardingRequestSchema,
      registration: registrationSchema,
      attempt: z.int().min(0),
      executionStartTime: z.iso.datetime({ offset: true }),
    }),
    output: orderPollSchema,
    run: ({ request, registration, attempt, executionStartTime }) => {
      const deps = dependencies();
      return checkOrder(deps.director(), deps.settings.orderPolling, { request, registration, attempt, executionStartTime }, deps.now());
    },
  });

export const handler = createHandler();
