import { offboardingInventorySchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { takeInventory } from './inventory.js';

/** FindLogSource: the account's own log source, reader user and secret; anything foreign fails with NOT_OWNED. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'FindLogSource',
    input: offboardingRequestSchema,
    output: offboardingInventorySchema,
    run: (request) => {
      const deps = dependencies();
      return takeInventory({ iam: deps.iam, secretsManager: deps.secretsManager, director: deps.director() }, request);
    },
  });

export const handler = createHandler();
