import { checkTrailBucket } from '../shared/trail-bucket.js';
import { onboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { bucketFactsSchema } from '../shared/workflow-schemas.js';

/** CheckBucket: the trail bucket exists, sits in the expected region, and holds this account's logs. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'CheckBucket',
    input: onboardingRequestSchema,
    output: bucketFactsSchema,
    run: (request) => checkTrailBucket(dependencies().s3, request),
  });

export const handler = createHandler();
