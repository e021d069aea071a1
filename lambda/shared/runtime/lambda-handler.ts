import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { ErrorCode } from '../../contract/error-codes.js';
import { OnboardingError, describeError } from '../errors.js';
import { awsUnavailable } from '../aws-transient.js';

/** One logger per Lambda module: structured JSON, with the Lambda context on every line. */
export const logger = new Logger({ serviceName: 'logpoint-cloudtrail-onboarding' });

export type LambdaHandler<Result = unknown> = (event: unknown, context: Context) => Promise<Result>;

/** What a handler's log lines call the invocation; `run` may refine it once it has read the event. */
interface InvocationLabel {
  name: string;
}

export interface LambdaHandlerDefinition<Result> {
  /** The label of the invocation's log lines (`<name> succeeded`, `<name> failed`). */
  name: string;
  run: (event: unknown, context: Context, label: InvocationLabel) => Promise<Result>;
  /** Log the result on success (only for results that are secret-free by contract). */
  logResult?: boolean;
}

/**
 * The wrapper every Lambda of the product is built with: the Lambda context on every log line
 * (keys reset per invocation), one log line per outcome, and every failure turned into an
 * {@link OnboardingError} whose name is its code (what Step Functions' Retry/Catch and Secrets
 * Manager report), with a secret-free message.
 */
export function defineLambdaHandler<Result>(definition: LambdaHandlerDefinition<Result>): LambdaHandler<Result> {
  const invoke = async (event: unknown, context: Context): Promise<Result> => {
    const label: InvocationLabel = { name: definition.name };
    try {
      const result = await definition.run(event, context, label);
      if (definition.logResult === true) logger.info(`${label.name} succeeded`, { result: result as unknown as Record<string, unknown> });
      return result;
    } catch (caught) {
      const error = toOnboardingError(caught);
      logger.error(`${label.name} failed`, { code: error.code, reason: error.message, details: error.details });
      throw error;
    }
  };
  return middy(invoke).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** Anything thrown becomes a typed error; an unexpected one keeps only its class and message. */
function toOnboardingError(value: unknown): OnboardingError {
  if (value instanceof OnboardingError) return value;
  if (value instanceof z.ZodError) {
    return new OnboardingError(ErrorCode.INTERNAL, `A step produced a result outside the workflow contract: ${z.prettifyError(value)}`);
  }
  const transient = awsUnavailable(value, 'An AWS call');
  if (transient) return transient;
  const { message } = describeError(value);
  const name = value instanceof Error ? value.name : 'Error';
  return new OnboardingError(ErrorCode.INTERNAL, `${name}: ${message}`, { cause: value });
}
