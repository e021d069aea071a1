import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { IAMServiceException, NoSuchEntityException, ServiceFailureException } from '@aws-sdk/client-iam';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { InternalServiceError, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { awsUnavailable, isTransientAwsError } from '../../../lambda/shared/aws-transient.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';

const m = (httpStatusCode: number) => ({ httpStatusCode });

describe('transient AWS errors', () => {
  it('counts throttling and service faults of IAM, Secrets Manager and S3 as transient', () => {
    // Act + Assess
    expect(isTransientAwsError(new IAMServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: m(400) }))).toBe(true);
    expect(isTransientAwsError(new ServiceFailureException({ message: 'x', $metadata: m(500) }))).toBe(true);
    expect(isTransientAwsError(new InternalServiceError({ message: 'x', $metadata: m(500) }))).toBe(true);
    expect(
      isTransientAwsError(new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata: m(503) })),
    ).toBe(true);
  });

  it('counts DynamoDB’s throttling (HTTP 400) and its InternalServerError as transient, but not a failed condition', () => {
    // Act + Assess
    expect(isTransientAwsError(new ProvisionedThroughputExceededException({ message: 'x', $metadata: m(400) }))).toBe(true);
    expect(isTransientAwsError(new ThrottlingException({ message: 'x', $metadata: m(400) }))).toBe(true);
    expect(isTransientAwsError(new RequestLimitExceeded({ message: 'x', $metadata: m(400) }))).toBe(true);
    expect(isTransientAwsError(new InternalServerError({ message: 'x', $metadata: {} }))).toBe(true);
    expect(isTransientAwsError(new ConditionalCheckFailedException({ message: 'x', $metadata: m(400) }))).toBe(false);
  });

  it('leaves client errors and this product’s own errors alone', () => {
    // Act + Assess
    expect(isTransientAwsError(new NoSuchEntityException({ message: 'x', $metadata: m(404) }))).toBe(false);
    expect(isTransientAwsError(new ResourceNotFoundException({ message: 'x', $metadata: m(400) }))).toBe(false);
    expect(isTransientAwsError(new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'x', $metadata: m(403) }))).toBe(false);
    expect(isTransientAwsError(new OnboardingError(ErrorCode.INTERNAL, 'x'))).toBe(false);
  });

  it('names the operation and the SDK error, never the message a service sent', () => {
    // Act
    const error = awsUnavailable(new InternalServiceError({ message: 'echo of secret-value', $metadata: m(500) }), 'Writing secret logpoint/cloudtrail/1');

    // Assess
    expect(error?.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(error?.message).toContain('Writing secret logpoint/cloudtrail/1');
    expect(error?.message).toContain('InternalServiceError');
    expect(error?.message).not.toContain('secret-value');
  });
});
