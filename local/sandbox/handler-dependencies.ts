import type { AppConfig } from '../../lib/product/app-config.js';
import { readerBoundaryPolicyName } from '../../lib/shared/reader-boundary.js';
import { READER_USER_PATH } from '../../lambda/contract/names.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { RotationDependencies } from '../../lambda/rotation/rotate-access-key.handler.js';
import { createDirectorClient, directorRequestBudget } from '../../lambda/shared/runtime/aws-clients/director.js';
import type { AwsSandbox } from '../aws/index.js';
import type { AwsCallLog } from './aws-call-log.js';
import { SANDBOX_REGION } from './constants.js';
import { capturingEventBridge, type PublishedEvent } from './event-capture.js';
import type { VirtualClock } from './virtual-clock.js';
import type { ExecutionRegistry } from './execution-registry.js';

/** The fake ARN the sandbox's "deployed" rotation function has; Finalize hands it to Secrets Manager. */
export const ROTATION_FUNCTION_ARN = `arn:aws:lambda:${SANDBOX_REGION}:000000000000:function:KeyRotation`;

export interface HandlerDependenciesSpec {
  aws: AwsSandbox;
  /** The simulated account, where the stack's managed policies live. */
  accountId: string;
  region: string;
  /** The config and settings deployed now: a redeploy replaces them, so they are read on each use. */
  deployed: () => { config: AppConfig; settings: RuntimeSettings };
  clock: VirtualClock;
  /** Where the rotation function's PutEvents lands. */
  events: PublishedEvent[];
  /** Records every call the handlers make through these clients. */
  callLog: AwsCallLog;
  /** The executions the sandbox ran, behind a Step Functions client. */
  executions: ExecutionRegistry;
  /** The longest real sleep a handler may take. */
  waitMs: number;
  /** How long the sandbox's Director takes for an order: the Director client never waits longer between two looks at one. */
  directorOrderMs: number;
}

/** What the real handlers get in the sandbox instead of AWS: the stand-ins, through recording clients. */
export function sandboxDependencies(spec: HandlerDependenciesSpec): RotationDependencies {
  const { aws, region, deployed, callLog, waitMs } = spec;
  const secretsManager = callLog.recording(aws.secretsManager, 'SecretsManager');
  const dynamo = callLog.recording(aws.dynamo, 'DynamoDB');
  return {
    get settings() {
      return deployed().settings;
    },
    iam: callLog.recording(aws.iam, 'IAM'),
    secretsManager,
    s3: callLog.recording(aws.s3ForProduct({ region }), 'S3'),
    s3ForCredentials: (credentials, bucketRegion) =>
      callLog.recording(aws.s3ForCredentials(credentials, { region: bucketRegion }), 'S3', { signedWith: credentials.accessKeyId }),
    // Same attempts as on Lambda, but backoff in milliseconds: the sandbox should not sleep for real.
    // With director.maxRequestsPerSecond, every handler draws from the one budget in the lock table, as on AWS.
    director: () => {
      const { director } = deployed().settings;
      const budget = directorRequestBudget(director, dynamo, aws.accountLockTable);
      // Its looks at an order (a refreshlist after each write) come as soon as the order can be done, not 250 ms, 500 ms, … of real time.
      const orderWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, spec.directorOrderMs)));
      return createDirectorClient(director, secretsManager, {
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        orderWait,
        ...(budget === undefined ? {} : { budget }),
      });
    },
    // The boundary the stack creates, by the name the construct gives it (the fake checks only its form).
    get readerPermissionsBoundaryArn() {
      return `arn:aws:iam::${spec.accountId}:policy${READER_USER_PATH}${readerBoundaryPolicyName(deployed().config.stackName)}`;
    },
    get rotation() {
      const { keyRotation } = deployed().config;
      return keyRotation.enabled ? { rotationLambdaArn: ROTATION_FUNCTION_ARN, scheduleDays: keyRotation.scheduleDays } : null;
    },
    dynamo,
    accountLockTable: aws.accountLockTable,
    accountRegistryTable: aws.accountRegistryTable,
    sfn: callLog.recording(spec.executions.client, 'SFN'),
    organizations: callLog.recording(aws.organizations, 'Organizations'),
    now: () => spec.clock.now(),
    eventBridge: callLog.recording(capturingEventBridge(region, spec.events), 'EventBridge'),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, waitMs))),
  };
}
