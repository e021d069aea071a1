import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  IAMServiceException,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { newRequestId } from './aws-ids.js';

/**
 * The IAM fake's errors: the SDK's own exception classes, with the messages and HTTP status codes
 * the real (query-protocol) IAM API returns, plus its input validation rules.
 */

function metadata(httpStatusCode: number): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode, requestId: newRequestId() };
}

export const iamErrors = {
  noSuchUser: (userName: string) => new NoSuchEntityException({ message: `The user with name ${userName} cannot be found.`, $metadata: metadata(404) }),
  noSuchPolicy: (policyName: string) =>
    new NoSuchEntityException({
      message: `The user policy with name ${policyName} cannot be found.`,
      $metadata: metadata(404),
    }),
  noSuchAccessKey: (accessKeyId: string) =>
    new NoSuchEntityException({
      message: `The Access Key with id ${accessKeyId} cannot be found.`,
      $metadata: metadata(404),
    }),
  userExists: (userName: string) => new EntityAlreadyExistsException({ message: `User with name ${userName} already exists.`, $metadata: metadata(409) }),
  accessKeyQuota: () => new LimitExceededException({ message: 'Cannot exceed quota for AccessKeysPerUser: 2', $metadata: metadata(409) }),
  tagQuota: () =>
    new LimitExceededException({
      message: 'The number of tags has reached the maximum limit.',
      $metadata: metadata(409),
    }),
  policySizeQuota: (userName: string) =>
    new LimitExceededException({
      message: `Maximum policy size of 2048 bytes exceeded for user ${userName}`,
      $metadata: metadata(409),
    }),
  deleteConflict: (what: 'access keys' | 'policies') =>
    new DeleteConflictException({
      message: `Cannot delete entity, must delete ${what} first.`,
      $metadata: metadata(409),
    }),
  malformedPolicy: (reason: string) => new MalformedPolicyDocumentException({ message: reason, $metadata: metadata(400) }),
  invalidInput: (message: string) => new InvalidInputException({ message, $metadata: metadata(400) }),
  /** Constraint violations are not a modelled exception: IAM answers the generic `ValidationError`. */
  validation: (value: string, field: string, constraint: string) =>
    new IAMServiceException({
      name: 'ValidationError',
      $fault: 'client',
      message: `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
      $metadata: metadata(400),
    }),
};

const NAME_PATTERN = /^[\w+=,.@-]+$/;
const PATH_PATTERN = /^(\/|\/[\u0021-\u007E]+\/)$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function validateName(value: string | undefined, field: string, maxLength: number): string {
  if (value === undefined || value.length === 0) {
    throw iamErrors.validation(String(value), field, 'Member must have length greater than or equal to 1');
  }
  if (value.length > maxLength) {
    throw iamErrors.validation(value, field, `Member must have length less than or equal to ${maxLength}`);
  }
  if (!NAME_PATTERN.test(value)) {
    throw iamErrors.validation(value, field, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  }
  return value;
}

export function validatePath(value: string | undefined, field = 'path'): string {
  if (value === undefined) return '/';
  if (value.length > 512) throw iamErrors.validation(value, field, 'Member must have length less than or equal to 512');
  if (!PATH_PATTERN.test(value)) {
    throw iamErrors.validation(value, field, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
  }
  return value;
}

/** ListUsers' PathPrefix only has to start with a slash (pattern `\u002F[\u0021-\u007F]*`). */
export function validatePathPrefix(value: string | undefined): string {
  if (value === undefined) return '/';
  if (value.length > 512 || !/^\/[\u0021-\u007F]*$/.test(value)) {
    throw iamErrors.validation(value, 'pathPrefix', 'Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*');
  }
  return value;
}

export interface IamTag {
  Key: string;
  Value: string;
}

/** IAM tag keys are case-insensitive: one request may not name the same key twice in any case. */
export function validateTags(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): IamTag[] {
  const result: IamTag[] = [];
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128 || !TAG_KEY_PATTERN.test(key)) {
      throw iamErrors.validation(key, 'tags.member.key', 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    }
    if (value.length > 256 || !TAG_VALUE_PATTERN.test(value)) {
      throw iamErrors.validation(value, 'tags.member.value', 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    }
    if (seen.has(key.toLowerCase())) {
      throw iamErrors.invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    }
    seen.add(key.toLowerCase());
    result.push({ Key: key, Value: value });
  }
  return result;
}

/** IAM counts a user's inline policies together and ignores whitespace when it measures them. */
export function inlinePolicySize(documents: Iterable<string>): number {
  let size = 0;
  for (const document of documents) size += document.replace(/\s/g, '').length;
  return size;
}

// A permissions boundary must be a managed policy ARN. Real IAM also checks that the policy exists;
// the fake keeps no managed policies, so it checks the form only.
const MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/;

export function validateBoundaryArn(arn: string | undefined): string {
  if (arn === undefined || !MANAGED_POLICY_ARN.test(arn)) throw iamErrors.invalidInput(`ARN ${arn ?? '(none)'} is not valid.`);
  return arn;
}
