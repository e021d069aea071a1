import * as z from 'zod';
import { RegistryState } from '../contract/account-registry.js';
import { recordAccount, requireRegistryTable } from '../registry/account-registry.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { offboardingRequestSchema, offboardingSummarySchema, recordedOffboardingSchema } from './workflow-contract.js';

/**
 * RecordOffboarded: the account is recorded as OFFBOARDED in the account registry. For an account
 * the organization source covered, that is all its offboarding changes: the organization's source
 * goes only when the organization itself is offboarded.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { dynamo } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'RecordOffboarded',
    input: z.strictObject({ request: offboardingRequestSchema, summary: offboardingSummarySchema, runId: z.string().min(1) }),
    output: recordedOffboardingSchema,
    run: async ({ request, summary, runId }) => {
      const deps = dependencies();
      const tableName = requireRegistryTable(deps.accountRegistryTable, 'RecordOffboarded');
      const entry = {
        accountId: request.accountId,
        workflow: 'offboard',
        runId,
        // The account's own source, reader and key are gone; a covered account never had them.
        fields: {
          mode: deps.settings.collection.mode,
          state: RegistryState.OFFBOARDED,
          coverage: request.coverage,
          logSourceId: null,
          logSourceName: null,
          readerUserName: null,
          accessKeyId: null,
          drift: null,
          driftDetectedAt: null,
        },
      } as const;
      await recordAccount(deps.dynamo, tableName, entry, deps.now());
      return { ...summary, coverage: request.coverage };
    },
  });

export const handler = createHandler();
