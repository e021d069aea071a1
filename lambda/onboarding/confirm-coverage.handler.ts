import * as z from 'zod';
import { confirmCoverage } from './coverage.js';
import { coverageResultSchema, onboardingRequestSchema } from './workflow-contract.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/** ConfirmCoverage: an account in organization mode is collected by the organization's source; proven and recorded, nothing created. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'ConfirmCoverage',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema, runId: z.string().min(1) }),
    output: coverageResultSchema,
    run: ({ request, bucket, runId }) => {
      const deps = dependencies();
      const registryTable = requireRegistryTable(deps.accountRegistryTable, 'ConfirmCoverage');
      return confirmCoverage(
        { director: deps.director(), secretsManager: deps.secretsManager, dynamo: deps.dynamo, registryTable, settings: deps.settings, now: deps.now() },
        request,
        bucket,
        runId,
      );
    },
  });

export const handler = createHandler();
