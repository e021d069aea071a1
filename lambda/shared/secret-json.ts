import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { GetSecretValueCommandInput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OnboardingError } from './errors.js';
import { describeAwsError, isAwsError } from './ownership.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * Reading a Secrets Manager secret whose value is a JSON object, shared by the per-account key
 * secret and the Director credential secret. Each caller keeps its own wording: the messages say
 * which secret and what JSON it expects, and never include the value.
 */

export interface SecretJsonErrors {
  /** Error details (the secret's name or id, never its value). */
  details: Record<string, unknown>;
  /** Message for a missing secret or one scheduled for deletion; `awsError` names the SDK error. */
  notFoundMessage(awsError: string): string;
  /** Message for a value that is not the expected JSON; `why` says what is wrong with it. */
  invalidMessage(why: string): string;
}

/** The SECRET_INVALID error for `why`, with the caller's message and details. */
export function invalidSecret(errors: SecretJsonErrors, why: string): OnboardingError {
  return new OnboardingError(ErrorCode.SECRET_INVALID, errors.invalidMessage(why), { details: { ...errors.details } });
}

/**
 * The secret's value as a JSON object. Missing or scheduled for deletion → SECRET_NOT_FOUND;
 * no SecretString, not JSON or not an object → SECRET_INVALID. Other SDK errors pass through.
 */
export async function readSecretJsonObject(
  sm: SecretsManagerClient,
  request: GetSecretValueCommandInput,
  errors: SecretJsonErrors,
): Promise<Record<string, unknown>> {
  let secretString: string | undefined;
  try {
    secretString = (await sm.send(new GetSecretValueCommand(request))).SecretString;
  } catch (error) {
    // GetSecretValue on a secret scheduled for deletion fails with InvalidRequestException.
    if (isAwsError(error, 'ResourceNotFoundException', 'InvalidRequestException')) {
      throw new OnboardingError(ErrorCode.SECRET_NOT_FOUND, errors.notFoundMessage(describeAwsError(error)), { details: { ...errors.details } });
    }
    throw error;
  }
  if (secretString === undefined) throw invalidSecret(errors, 'has no SecretString');
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw invalidSecret(errors, 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidSecret(errors, 'is not a JSON object');
  return parsed as Record<string, unknown>;
}
