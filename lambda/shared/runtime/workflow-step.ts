import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { ErrorCode } from '../../contract/error-codes.js';
import { OnboardingError } from '../errors.js';
import { defineLambdaHandler, logger, type LambdaHandler } from './lambda-handler.js';

export interface StepDefinition<Input, Output> {
  /** The state name in the workflow; it prefixes every log line of the step. */
  step: string;
  input: z.ZodType<Input>;
  output: z.ZodType<Output>;
  run: (input: Input, tools: { logger: Logger }) => Promise<Output>;
}

export type StepHandler = LambdaHandler;

/**
 * Wraps a workflow step as a Lambda handler: validates the input against the contract, tags
 * every log line with the account and the step, and validates the output so nothing outside the
 * contract (a secret above all) can leave the function. Failures are typed by the Lambda wrapper.
 */
export function defineStep<Input, Output>(definition: StepDefinition<Input, Output>): StepHandler {
  return defineLambdaHandler({
    name: definition.step,
    logResult: true,
    run: async (event) => {
      const accountId = accountIdOf(event);
      if (accountId) logger.appendKeys({ accountId });
      logger.appendKeys({ step: definition.step });
      const parsed = definition.input.safeParse(event);
      if (!parsed.success) {
        throw new OnboardingError(ErrorCode.INVALID_INPUT, `${definition.step} received an invalid input: ${z.prettifyError(parsed.error)}`);
      }
      return definition.output.parse(await definition.run(parsed.data, { logger }));
    },
  });
}

function accountIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as { accountId?: unknown; request?: { accountId?: unknown } };
  const candidate = record.accountId ?? record.request?.accountId;
  return typeof candidate === 'string' ? candidate : undefined;
}
