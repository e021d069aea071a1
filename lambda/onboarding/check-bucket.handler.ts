import { checkTrailBucket } from '../shared/trail-bucket.js';
import { onboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { s3 } from '../shared/runtime/aws-clients/s3.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/** CheckBucket: the trail bucket exists, sits in the expected region, and holds this account's logs. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { s3 } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'CheckBucket',
    input: onboardingRequestSchema,
    output: bucketFactsSchema,
    run: (request) => checkTrailBucket(dependencies().s3, request),
  });

export const handler = createHandler();
