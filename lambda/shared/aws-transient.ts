import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from './errors.js';
import { awsHttpStatus, describeAwsError, isAwsError } from './ownership.js';

/**
 * AWS failures that pass by themselves: throttling and the service's own faults. They become
 * AWS_UNAVAILABLE, which every workflow step retries with jittered backoff, instead of ending the
 * run as an INTERNAL error (one throttled call must not fail an onboarding Director accepted).
 */

const TRANSIENT_NAMES = [
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  // DynamoDB's throttling of a table or partition (HTTP 400, so the status alone does not tell).
  'ProvisionedThroughputExceeded',
  'SlowDown',
  'ServiceFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServiceError',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
];

export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof OnboardingError) return false;
  const status = awsHttpStatus(error);
  return isAwsError(error, ...TRANSIENT_NAMES) || status === 429 || (status !== undefined && status >= 500);
}

/** The AWS_UNAVAILABLE error for a transient failure of `operation`, or null for any other error. Secret-free: names and status only. */
export function awsUnavailable(error: unknown, operation: string): OnboardingError | null {
  if (!isTransientAwsError(error)) return null;
  return new OnboardingError(ErrorCode.AWS_UNAVAILABLE, `${operation} failed on the AWS side (${describeAwsError(error)}); the step is retried.`, {
    details: { operation, awsError: describeAwsError(error) },
  });
}

/** Throws AWS_UNAVAILABLE for a transient failure; returns for any other error, which the caller then wraps itself. */
export function throwIfTransient(error: unknown, operation: string): void {
  const transient = awsUnavailable(error, operation);
  if (transient) throw transient;
}
