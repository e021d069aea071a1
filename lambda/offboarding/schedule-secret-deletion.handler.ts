import * as z from 'zod';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { completeOffboarding } from './outcome.js';
import { completedOffboardingStateSchema, offboardingSummarySchema } from './workflow-contract.js';

/** ScheduleSecretDeletion: the account secret goes after its recovery window; returns the run's summary. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
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
