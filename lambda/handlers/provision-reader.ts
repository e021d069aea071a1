import * as z from 'zod';
import { provisionReader } from '../core/reader-identity.js';
import { bucketFactsSchema, onboardingRequestSchema, readerIdentitySchema } from '../schemas.js';
import { awsDependencies, type DependenciesProvider } from '../runtime/dependencies.js';
import { defineStep } from '../runtime/workflow-step.js';

/** ProvisionReader: the IAM reader user, its policy and a fresh key, stored in the account secret. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'ProvisionReader',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema }),
    output: readerIdentitySchema,
    run: ({ request, bucket }) => {
      const { iam, secretsManager } = dependencies();
      return provisionReader({ iam, secretsManager }, { accountId: request.accountId, bucket });
    },
  });

export const handler = createHandler();
