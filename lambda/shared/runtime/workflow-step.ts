import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { OnboardingError, describeError } from '../errors.js';
import { ErrorCode } from '../../contract/error-codes.js';

/** One logger per Lambda module: structured JSON, with the account id appended on every invocation. */
export const logger = new Logger({ serviceName: 'logpoint-cloudtrail-onboarding' });

export interface StepDefinition<Input, Output> {
  /** The state name in the workflow; it prefixes every log line of the step. */
  step: string;
  input: z.ZodType<Input>;
  output: z.ZodType<Output>;
  run: (input: Input, tools: { logger: Logger }) => Promise<Output>;
}

export type StepHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Wraps a workflow step as a Lambda handler: validates the input against the contract, tags
 * every log line with the account, turns any failure into an {@link OnboardingError} whose name
 * is its code (what Step Functions' Retry/Catch match), and validates the output so nothing
 * outside the contract (a secret above all) can leave the function.
 */
export function defineStep<Input, Output>(definition: StepDefinition<Input, Output>): StepHandler {
  const run = async (event: unknown): Promise<Output> => {
    const accountId = accountIdOf(event);
    if (accountId) logger.appendKeys({ accountId });
    logger.appendKeys({ step: definition.step });

    const parsed = definition.input.safeParse(event);
    if (!parsed.success) {
      const error = new OnboardingError(
        ErrorCode.INVALID_INPUT,
        `${definition.step} received an invalid input: ${z.prettifyError(parsed.error)}`,
      );
      logger.error(`${definition.step} rejected its input`, { code: error.code, reason: error.message });
      throw error;
    }

    try {
      const result = definition.output.parse(await definition.run(parsed.data, { logger }));
      logger.info(`${definition.step} succeeded`, { result: result as unknown as Record<string, unknown> });
      return result;
    } catch (caught) {
      const error = toOnboardingError(caught);
      logger.error(`${definition.step} failed`, { code: error.code, reason: error.message, details: error.details });
      throw error;
    }
  };
  return middy(run).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** Anything thrown becomes a typed error; an unexpected one keeps only its class and message. */
export function toOnboardingError(value: unknown): OnboardingError {
  if (value instanceof OnboardingError) return value;
  if (value instanceof z.ZodError) {
    return new OnboardingError(ErrorCode.INTERNAL, `A step produced a result outside the workflow contract: ${z.prettifyError(value)}`);
  }
  const { message } = describeError(value);
  const name = value instanceof Error ? value.name : 'Error';
  return new OnboardingError(ErrorCode.INTERNAL, `${name}: ${message}`, { cause: value });
}

function accountIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as { accountId?: unknown; request?: { accountId?: unknown } };
  const candidate = record.accountId ?? record.request?.accountId;
  return typeof candidate === 'string' ? candidate : undefined;
}
