import * as z from 'zod';
import { registerLogSource } from './registration.js';
import { takeOrderSlot } from '../governance/order-slot-use.js';
import { onboardingRequestSchema, readerIdentitySchema, registrationSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/**
 * RegisterLogSource: POST (or PUT for a source this product owns) the S3Fetcher log source, holding
 * one of Director's order slots (director.maxConcurrentOrders) until CheckOrder sees it settle.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'RegisterLogSource',
    input: z.strictObject({ request: onboardingRequestSchema, bucket: bucketFactsSchema, reader: readerIdentitySchema }),
    output: registrationSchema,
    run: async (input) => {
      const deps = dependencies();
      await takeOrderSlot(deps, input.request.accountId);
      return registerLogSource(
        {
          director: deps.director(),
          secretsManager: deps.secretsManager,
          logSource: deps.settings.logSource,
          orderPolling: deps.settings.orderPolling,
          now: deps.now,
        },
        input,
      );
    },
  });

export const handler = createHandler();
