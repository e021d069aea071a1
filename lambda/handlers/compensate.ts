import { compensateOnboarding } from '../core/onboarding-outcome.js';
import { failureSchema, workflowStateSchema } from '../schemas.js';
import { awsDependencies, type DependenciesProvider } from '../runtime/dependencies.js';
import { defineStep } from '../runtime/workflow-step.js';

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
