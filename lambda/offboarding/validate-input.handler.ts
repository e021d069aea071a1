import { offboardingInputSchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { resolveOffboardingRequest } from './request.js';

/** ValidateOffboardInput: a bad input fails the offboarding here, before anything is looked at. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = {} satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'ValidateOffboardInput',
    input: offboardingInputSchema,
    output: offboardingRequestSchema,
    run: (input) => Promise.resolve(resolveOffboardingRequest(input, dependencies().settings)),
  });

export const handler = createHandler();
