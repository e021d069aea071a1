import * as z from 'zod';
import { onboardingRequestSchema, readerIdentitySchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { provisionReader } from './provisioning.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/** ProvisionReader: the IAM reader user, its policy and a fresh key, stored in the account secret. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam, secretsManager } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'ProvisionReader',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema }),
    output: readerIdentitySchema,
    run: ({ request, bucket }) => {
      const { iam, secretsManager, readerPermissionsBoundaryArn } = dependencies();
      return provisionReader(
        { iam, secretsManager },
        { accountId: request.accountId, bucket, ...(readerPermissionsBoundaryArn === null ? {} : { permissionsBoundaryArn: readerPermissionsBoundaryArn }) },
      );
    },
  });

export const handler = createHandler();
