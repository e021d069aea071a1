import * as z from 'zod';
import { checkDataFlow } from './data-flow.js';
import { recordDataPlane, registryRecordSchema } from './onboarding-registry.js';
import { dataPlaneSchema, onboardingRequestSchema } from './workflow-contract.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';

/**
 * CheckDataFlow: one look at whether Logpoint fetches the registered source, recorded in the
 * account registry; the state machine waits and loops while it has not.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'CheckDataFlow',
    input: z.strictObject({
      request: onboardingRequestSchema,
      operation: z.enum(['CREATE', 'EDIT']),
      logSourceId: z.string().min(1),
      dataPlane: dataPlaneSchema,
      record: registryRecordSchema,
    }),
    output: dataPlaneSchema,
    run: async ({ request, operation, logSourceId, dataPlane, record }) => {
      const deps = dependencies();
      const tableName = requireRegistryTable(deps.accountRegistryTable, 'CheckDataFlow');
      const now = deps.now();
      const look = await checkDataFlow(deps.director(), deps.settings.dataFlow, { accountId: request.accountId, logSourceId, operation, dataPlane }, now);
      await recordDataPlane({ dynamo: deps.dynamo, tableName, mode: deps.settings.collection.mode, now }, { request, logSourceId, record }, look);
      return look;
    },
  });

export const handler = createHandler();
