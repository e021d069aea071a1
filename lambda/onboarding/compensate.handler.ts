import { failureSchema, workflowStateSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { compensateOnboarding } from './compensation.js';

/** Compensate: remove what the failed execution created, and describe the failure. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'Compensate',
    input: workflowStateSchema,
    output: failureSchema,
    run: (state) => {
      const { iam, secretsManager } = dependencies();
      return compensateOnboarding({ iam, secretsManager }, state);
    },
  });

export const handler = createHandler();
