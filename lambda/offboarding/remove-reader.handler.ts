import { offboardingRequestSchema, readerRemovalSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { removeReaderUser } from './reader-removal.js';

/** RemoveReader: the reader user's access keys, inline policy and the user itself, once Director no longer uses them. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'RemoveReader',
    input: offboardingRequestSchema,
    output: readerRemovalSchema,
    run: (request) => removeReaderUser(dependencies().iam, request.accountId),
  });

export const handler = createHandler();
