import { offboardingExecutionStateSchema, offboardingFailureSchema } from './workflow-contract.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { describeOffboardingFailure } from './outcome.js';

/** DescribeOffboardingFailure: the typed code, a readable message and what was left in place. Touches nothing. */
export const createHandler = () =>
  defineStep({
    step: 'DescribeOffboardingFailure',
    input: offboardingExecutionStateSchema,
    output: offboardingFailureSchema,
    run: (state) => Promise.resolve(describeOffboardingFailure(state)),
  });

export const handler = createHandler();
