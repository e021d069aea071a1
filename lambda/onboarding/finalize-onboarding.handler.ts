import * as z from 'zod';
import { onboardingRequestSchema, onboardingResultSchema, orderPollSchema, readerIdentitySchema, registrationSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { finalizeOnboarding } from './finalize.js';

/** FinalizeOnboarding: record the log source on the account secret and retire superseded keys. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam, secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'FinalizeOnboarding',
    input: z.strictObject({
      request: onboardingRequestSchema,
      reader: readerIdentitySchema,
      registration: registrationSchema,
      order: orderPollSchema,
    }),
    output: onboardingResultSchema,
    run: (input) => {
      const deps = dependencies();
      return finalizeOnboarding({ iam: deps.iam, secretsManager: deps.secretsManager, director: deps.director() }, input, deps.rotation);
    },
  });

export const handler = createHandler();
