import * as z from 'zod';
import { confirmCoverage } from './coverage.js';
import { coverageResultSchema, onboardingRequestSchema } from './workflow-contract.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/** ConfirmCoverage: an account in organization mode is collected by the organization's source; proven and recorded, nothing created. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
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
