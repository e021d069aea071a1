import * as z from 'zod';
import { onboardingRequestSchema, onboardingResultSchema, orderPollSchema, readerIdentitySchema, registrationSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { finalizeOnboarding } from './finalize.js';

/** FinalizeOnboarding: record the log source on the account secret and retire superseded keys. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'FinalizeOnboarding',
    input: z.strictObject({
      request: onboardingRequestSchema,
      reader: readerIdentitySchema,
      registration: registrationSchema,
      order: orderPollSchema,
    }),
    output: onboardingResultSchema,
    run: (input) => {
      const deps = dependencies();
      return finalizeOnboarding({ iam: deps.iam, secretsManager: deps.secretsManager, director: deps.director() }, input, deps.rotation);
    },
  });

export const handler = createHandler();
