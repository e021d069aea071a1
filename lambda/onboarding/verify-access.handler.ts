import * as z from 'zod';
import { verifyReaderAccess } from '../shared/reader-access.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { s3ForCredentials } from '../shared/runtime/aws-clients/s3.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { accessCheckSchema, bucketFactsSchema } from '../shared/workflow-schemas.js';
import { readRunKey } from './run-key.js';
import { onboardingRequestSchema, readerIdentitySchema } from './workflow-contract.js';

/** VerifyAccess: with the reader's own key, list and read one real log object. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, s3ForCredentials } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'VerifyAccess',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema, reader: readerIdentitySchema }),
    output: accessCheckSchema,
    run: async ({ request, bucket, reader }) => {
      const { secretsManager, s3ForCredentials } = dependencies();
      const key = await readRunKey(secretsManager, request.accountId, reader);
      return verifyReaderAccess(s3ForCredentials(key, bucket.bucketRegion), bucket);
    },
  });

export const handler = createHandler();
