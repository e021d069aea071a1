import * as z from 'zod';
import { logSourceDeletionSchema, offboardingInventorySchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { deleteAccountLogSource } from './log-source-deletion.js';

/** DeleteLogSource: `DELETE .../LogSources/{id}` of the account's own log source. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'DeleteLogSource',
    input: z.strictObject({ request: offboardingRequestSchema, inventory: offboardingInventorySchema }),
    output: logSourceDeletionSchema,
    run: (input) => {
      const deps = dependencies();
      return deleteAccountLogSource({ director: deps.director(), polling: deps.settings.orderPolling, now: deps.now }, input);
    },
  });

export const handler = createHandler();
