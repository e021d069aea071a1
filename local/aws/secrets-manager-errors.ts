import {
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { newRequestId } from './aws-ids.js';
import { NotEmulatedError } from './strict-mock.js';

/**
 * The Secrets Manager fake's errors: the SDK's exception classes with the messages the real
 * (JSON-protocol, HTTP 400 for every client error) service returns.
 */

function metadata(): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode: 400, requestId: newRequestId() };
}

export const secretsErrors = {
  notFound: () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: metadata() }),
  versionNotFound: (what: string) =>
    new ResourceNotFoundException({
      message: `Secrets Manager can't find the specified secret value for ${what}`,
      $metadata: metadata(),
    }),
  exists: (name: string) =>
    new ResourceExistsException({
      message: `The operation failed because the secret ${name} already exists.`,
      $metadata: metadata(),
    }),
  versionExists: () =>
    new ResourceExistsException({
      message: "You can't modify an existing version, you can only create a new version.",
      $metadata: metadata(),
    }),
  nameScheduledForDeletion: () =>
    new InvalidRequestException({
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
      $metadata: metadata(),
    }),
  markedForDeletion: () =>
    new InvalidRequestException({
      message: "You can't perform this operation on the secret because it was marked for deletion.",
      $metadata: metadata(),
    }),
  invalidRequest: (message: string) => new InvalidRequestException({ message, $metadata: metadata() }),
  invalidParameter: (message: string) => new InvalidParameterException({ message, $metadata: metadata() }),
  tagLimit: () => new LimitExceededException({ message: 'The number of tags on the secret exceeds the limit of 50.', $metadata: metadata() }),
  /** Not a modelled exception: the service answers the generic `ValidationException`. */
  validation: (message: string) => new SecretsManagerServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: metadata() }),
};

const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const CLIENT_REQUEST_TOKEN_PATTERN = /^[A-Za-z0-9-]{32,64}$/;

export function validateSecretName(name: string | undefined): string {
  if (name === undefined || name.length < 1 || name.length > 512 || !SECRET_NAME_PATTERN.test(name)) {
    throw secretsErrors.validation('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  }
  return name;
}

export function validateClientRequestToken(token: string | undefined): string | undefined {
  if (token !== undefined && !CLIENT_REQUEST_TOKEN_PATTERN.test(token)) {
    throw secretsErrors.validation(
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64",
    );
  }
  return token;
}

export function validateRecoveryWindow(days: number | undefined, force: boolean | undefined): number {
  if (force && days !== undefined) {
    throw secretsErrors.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const window = days ?? 30;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    throw secretsErrors.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  return window;
}

export function validateSecretString(input: { SecretString?: string; SecretBinary?: Uint8Array }): string {
  if (input.SecretBinary !== undefined) throw new NotEmulatedError('FakeSecretsManager does not emulate SecretBinary.');
  if (input.SecretString === undefined) throw secretsErrors.invalidParameter('You must provide either SecretString or SecretBinary.');
  if (input.SecretString.length > 65_536) throw secretsErrors.validation('SecretString must have length less than or equal to 65536');
  return input.SecretString;
}
