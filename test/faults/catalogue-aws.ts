import { awsErrors, type AwsErrorName, type FaultedService } from './aws-faults.js';
import type { Fault, Workflow } from './fault-types.js';
import { single } from './fault-types.js';

/**
 * Throttling and service errors of IAM, Secrets Manager, DynamoDB (the account lock) and S3, each
 * on a call of the step where it hurts: taking the lock, creating the reader, proving its key,
 * registering it, finalizing, compensating, releasing the lock and offboarding. Most pass after one or two failures; the workflow must retry, not compensate.
 */

interface AwsFaultRow {
  name: string;
  step: string;
  service: FaultedService;
  operation: string;
  error: AwsErrorName;
  times?: number;
  path: Fault['path'];
  workflow?: Workflow;
  /** Director faults that make the run reach the step (Compensate runs only after a failure). */
  alsoFailOrder?: boolean;
}

const rows: AwsFaultRow[] = [
  { name: 'iam-throttling-create-user', step: 'ProvisionReader', service: 'IAM', operation: 'CreateUser', error: 'iamThrottling', path: 'first' },
  {
    name: 'iam-service-failure-create-access-key',
    step: 'ProvisionReader',
    service: 'IAM',
    operation: 'CreateAccessKey',
    error: 'iamServiceFailure',
    path: 'first',
  },
  {
    name: 'iam-throttling-create-access-key-rerun',
    step: 'ProvisionReader',
    service: 'IAM',
    operation: 'CreateAccessKey',
    error: 'iamThrottling',
    times: 2,
    path: 'rerun',
  },
  {
    name: 'iam-throttling-list-keys-in-finalize',
    step: 'FinalizeOnboarding',
    service: 'IAM',
    operation: 'ListAccessKeys',
    error: 'iamThrottling',
    path: 'first',
  },
  {
    name: 'iam-service-failure-delete-old-key-rerun',
    step: 'FinalizeOnboarding',
    service: 'IAM',
    operation: 'DeleteAccessKey',
    error: 'iamServiceFailure',
    path: 'rerun',
  },
  {
    name: 'iam-throttling-every-delete-old-key-rerun',
    step: 'FinalizeOnboarding',
    service: 'IAM',
    operation: 'DeleteAccessKey',
    error: 'iamThrottling',
    times: 50,
    path: 'rerun',
  },
  {
    name: 'iam-throttling-delete-key-in-compensate',
    step: 'Compensate',
    service: 'IAM',
    operation: 'DeleteAccessKey',
    error: 'iamThrottling',
    path: 'first',
    alsoFailOrder: true,
  },
  {
    name: 'iam-service-failure-delete-user-in-compensate',
    step: 'Compensate',
    service: 'IAM',
    operation: 'DeleteUser',
    error: 'iamServiceFailure',
    path: 'first',
    alsoFailOrder: true,
  },
  {
    name: 'iam-throttling-delete-key-offboarding',
    step: 'RemoveReader',
    service: 'IAM',
    operation: 'DeleteAccessKey',
    error: 'iamThrottling',
    path: 'rerun',
    workflow: 'offboard',
  },
  {
    name: 'sm-internal-error-create-secret',
    step: 'ProvisionReader',
    service: 'SecretsManager',
    operation: 'CreateSecret',
    error: 'secretsInternalError',
    path: 'first',
  },
  {
    name: 'sm-throttling-put-new-key-rerun',
    step: 'ProvisionReader',
    service: 'SecretsManager',
    operation: 'PutSecretValue',
    error: 'secretsThrottling',
    path: 'rerun',
  },
  {
    name: 'sm-throttling-read-key-in-verify',
    step: 'VerifyAccess',
    service: 'SecretsManager',
    operation: 'GetSecretValue',
    error: 'secretsThrottling',
    path: 'first',
  },
  {
    name: 'sm-throttling-read-key-in-register',
    step: 'RegisterLogSource',
    service: 'SecretsManager',
    operation: 'GetSecretValue',
    error: 'secretsThrottling',
    times: 2,
    path: 'first',
  },
  {
    name: 'sm-internal-error-tag-in-finalize',
    step: 'FinalizeOnboarding',
    service: 'SecretsManager',
    operation: 'TagResource',
    error: 'secretsInternalError',
    path: 'first',
  },
  {
    name: 'sm-throttling-rotate-secret-in-finalize',
    step: 'FinalizeOnboarding',
    service: 'SecretsManager',
    operation: 'RotateSecret',
    error: 'secretsThrottling',
    path: 'first',
  },
  {
    name: 'sm-throttling-roll-back-in-compensate-rerun',
    step: 'Compensate',
    service: 'SecretsManager',
    operation: 'UpdateSecretVersionStage',
    error: 'secretsThrottling',
    path: 'rerun',
    alsoFailOrder: true,
  },
  {
    name: 'sm-throttling-schedule-deletion-offboarding',
    step: 'ScheduleSecretDeletion',
    service: 'SecretsManager',
    operation: 'DeleteSecret',
    error: 'secretsThrottling',
    path: 'rerun',
    workflow: 'offboard',
  },
  { name: 'dynamodb-throttling-take-lock', step: 'AcquireLock', service: 'DynamoDB', operation: 'PutItem', error: 'dynamoThroughputExceeded', path: 'first' },
  {
    name: 'dynamodb-internal-error-release-lock-rerun',
    step: 'ReleaseLock',
    service: 'DynamoDB',
    operation: 'DeleteItem',
    error: 'dynamoInternalError',
    path: 'rerun',
  },
  {
    name: 'dynamodb-throttling-take-lock-offboarding',
    step: 'AcquireLock',
    service: 'DynamoDB',
    operation: 'PutItem',
    error: 'dynamoThroughputExceeded',
    path: 'rerun',
    workflow: 'offboard',
  },
  { name: 's3-slowdown-head-bucket', step: 'CheckBucket', service: 'S3', operation: 'HeadBucket', error: 's3SlowDown', path: 'first' },
  { name: 's3-internal-error-list-in-check-bucket', step: 'CheckBucket', service: 'S3', operation: 'ListObjectsV2', error: 's3InternalError', path: 'first' },
  { name: 's3-slowdown-read-with-new-key', step: 'VerifyAccess', service: 'S3', operation: 'GetObject', error: 's3SlowDown', times: 2, path: 'first' },
  {
    name: 's3-internal-error-list-with-new-key-rerun',
    step: 'VerifyAccess',
    service: 'S3',
    operation: 'ListObjectsV2',
    error: 's3InternalError',
    path: 'rerun',
  },
  {
    name: 's3-slowdown-rotation-key-test',
    step: 'KeyRotation',
    service: 'S3',
    operation: 'GetObject',
    error: 's3SlowDown',
    times: 2,
    path: 'rerun',
    workflow: 'rotate',
  },
];

function faultOf(row: AwsFaultRow): Fault {
  const workflow = row.workflow ?? 'onboard';
  const times = row.times ?? 1;
  const label = row.service === 'SecretsManager' ? 'Secrets Manager' : row.service;
  // The rotation function is one Lambda: its calls are all recorded as the KeyRotation task.
  return {
    name: row.name,
    step: row.step,
    injected: `${label} ${awsErrors[row.error]().name} on ${row.operation} in ${row.step}${times > 1 ? `, ${times} times` : ''}${row.alsoFailOrder ? ' (after a failed order)' : ''}`,
    path: row.path,
    ...(workflow === 'offboard' ? { repair: 'offboard' as const } : {}),
    act: single(workflow, ({ sandbox, aws }) => {
      if (row.alsoFailOrder) sandbox.director.faults.failOrders(1);
      aws.failNext({ service: row.service, operation: row.operation, error: awsErrors[row.error], step: row.step, workflow, times });
    }),
  };
}

export const awsFaults: Fault[] = rows.map(faultOf);
