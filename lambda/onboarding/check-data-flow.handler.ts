import * as z from 'zod';
import { checkDataFlow } from './data-flow.js';
import { dataPlaneSchema, onboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';

/** CheckDataFlow: one look at whether Logpoint fetches the registered source; the state machine waits and loops while it has not. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'CheckDataFlow',
    input: z.strictObject({
      request: onboardingRequestSchema,
      operation: z.enum(['CREATE', 'EDIT']),
      logSourceId: z.string().min(1),
      dataPlane: dataPlaneSchema,
    }),
    output: dataPlaneSchema,
    run: ({ request, operation, logSourceId, dataPlane }) => {
      const deps = dependencies();
      return checkDataFlow(deps.director(), deps.settings.dataFlow, { accountId: request.accountId, logSourceId, operation, dataPlane }, deps.now());
    },
  });

export const handler = createHandler();
