import * as z from 'zod';
import {
  deletionOrderPollSchema,
  logSourceDeletionSchema,
  offboardingInventorySchema,
  offboardingRequestSchema,
  offboardingSummarySchema,
  readerRemovalSchema,
} from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { scheduleSecretDeletion } from './secret-deletion.js';
import { summarizeOffboarding } from './outcome.js';

/** The execution state when the reader is gone; `deletion` and `order` exist only when there was a log source. */
const completedStateSchema = z.looseObject({
  request: offboardingRequestSchema,
  inventory: offboardingInventorySchema,
  deletion: logSourceDeletionSchema.optional(),
  order: z.union([deletionOrderPollSchema, z.looseObject({ attempt: z.int() })]).optional(),
  reader: readerRemovalSchema,
});

/** ScheduleSecretDeletion: the account secret goes after its recovery window; returns the run's summary. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'ScheduleSecretDeletion',
    input: z.strictObject({ state: completedStateSchema, recoveryWindowDays: z.int().min(7).max(30) }),
    output: offboardingSummarySchema,
    run: async ({ state, recoveryWindowDays }, { logger }) => {
      logger.appendKeys({ accountId: state.request.accountId });
      const secret = await scheduleSecretDeletion(dependencies().secretsManager, { accountId: state.request.accountId, recoveryWindowDays });
      return summarizeOffboarding(state, secret);
    },
  });

export const handler = createHandler();
