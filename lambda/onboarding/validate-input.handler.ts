import { resolveOnboardingRequest } from './request.js';
import { onboardingInputSchema, onboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';

/** ValidateInput: a bad input fails the execution here, before anything is created. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = {} satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'ValidateInput',
    input: onboardingInputSchema,
    output: onboardingRequestSchema,
    run: (input) => Promise.resolve(resolveOnboardingRequest(input, dependencies().settings)),
  });

export const handler = createHandler();
