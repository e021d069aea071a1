import { offboardingRequestSchema, readerRemovalSchema } from './workflow-contract.js';
import { awsDependencies, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { removeReaderUser } from './reader-removal.js';

/** RemoveReader: the reader user's access keys, inline policy and the user itself, once Director no longer uses them. */
export const createHandler = (dependencies: DependenciesProvider = awsDependencies) =>
  defineStep({
    step: 'RemoveReader',
    input: offboardingRequestSchema,
    output: readerRemovalSchema,
    run: (request) => removeReaderUser(dependencies().iam, request.accountId),
  });

export const handler = createHandler();
