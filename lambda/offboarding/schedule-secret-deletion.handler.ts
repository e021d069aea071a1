import * as z from 'zod';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { completeOffboarding } from './outcome.js';
import { completedOffboardingStateSchema, offboardingSummarySchema } from './workflow-contract.js';

/** ScheduleSecretDeletion: the account secret goes after its recovery window; returns the run's summary. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'ScheduleSecretDeletion',
    input: z.strictObject({ state: completedOffboardingStateSchema, recoveryWindowDays: z.int().min(7).max(30) }),
    output: offboardingSummarySchema,
    run: async ({ state, recoveryWindowDays }, { logger }) => {
      logger.appendKeys({ accountId: state.request.accountId });
      return completeOffboarding(dependencies().secretsManager, state, recoveryWindowDays);
    },
  });

export const handler = createHandler();
