import { ErrorCode } from '../contract/error-codes.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';

/**
 * A failed DynamoDB call of the governance code as the product's typed error: throttling or a
 * fault on AWS's side → AWS_UNAVAILABLE (every step retries it), a missing table → CONFIG_INVALID
 * (the function was deployed without it), anything else → INTERNAL. Names and status only, no values.
 */
export function governanceTableFailure(error: unknown, operation: string, tableName: string): OnboardingError {
  const transient = awsUnavailable(error, operation);
  if (transient) return transient;
  const awsError = describeAwsError(error);
  if (isAwsError(error, 'ResourceNotFoundException')) {
    return new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      `${operation} failed: the table ${tableName} that holds Director's budget does not exist (${awsError}).`,
      {
        details: { tableName, awsError },
      },
    );
  }
  return new OnboardingError(ErrorCode.INTERNAL, `${operation} failed: ${awsError}.`, { details: { tableName, awsError } });
}
