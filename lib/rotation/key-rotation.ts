import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { acknowledgeWildcardResource, NagReason } from '../shared/nag-acknowledgements.js';
import { OnboardingFunction } from '../shared/onboarding-function.js';
import {
  accountSecretsArn,
  defaultPolicyOf,
  grantDirectorSecret,
  OWNED_READER_USER,
  readerUsersArn,
  trailBucketArn,
  trailLogObjectsArn,
} from '../shared/resource-scopes.js';
import { EnvName } from '../../lambda/contract/env-names.js';
import { DEFAULT_ROTATION_SCHEDULE_DAYS } from '../../lambda/contract/names.js';
import type { AccountRegistryTable } from '../registry/account-registry-table.js';
import type { AccountLockTable } from '../shared/account-lock-table.js';

export interface KeyRotationProps {
  /** Director location, trail and log source defaults (the same settings the workflow gets). */
  settings: RuntimeSettings;
  /** The operator's Director credential secret (`{"secretKey": "...", "token"?: "..."}`). */
  directorSecret: ISecret;
  /** Receives the alarm raised when a rotation step fails. */
  alarmTopic: ITopic;
  /** Days between rotations of each account secret, 1-1000. @default 90 */
  scheduleDays?: number;
  /** Covers a Director order wait plus, on failure, a restoring edit. @default 5 minutes */
  timeout?: Duration;
  /** @default one year */
  logRetention?: RetentionDays;
  /**
   * Absolute path of a PEM CA bundle for a Director behind a private CA.
   * @default none: the Lambda runtime's public CAs
   */
  directorCaBundleFile?: string;
  /** The per-account lock table: every rotation step holds the account's lock (lambda/rotation/rotation-lock.ts). */
  accountLocks: AccountLockTable;
  /** Where a rotation records the key Director holds, or why it failed. */
  accountRegistry: AccountRegistryTable;
}

/**
 * The Secrets Manager rotation function of the per-account reader secrets, its least-privilege
 * role, the resource policy that lets Secrets Manager (of this account only) invoke it, and an
 * alarm on its errors. Rotation is switched on per secret at run time (the onboarding calls
 * `enableAccountSecretRotation` with {@link rotationFunction} and {@link scheduleDays}; use
 * {@link grantEnableRotation} on the function that does it).
 */
export class KeyRotation extends Construct {
  readonly rotationFunction: OnboardingFunction;
  readonly errorsAlarm: Alarm;
  readonly scheduleDays: number;
  /** The organization whose own source's secret rotates too (organization mode). */
  private readonly organizationId: string | undefined;

  constructor(scope: Construct, id: string, props: KeyRotationProps) {
    super(scope, id);
    const scheduleDays = props.scheduleDays ?? DEFAULT_ROTATION_SCHEDULE_DAYS;
    if (!Number.isInteger(scheduleDays) || scheduleDays < 1 || scheduleDays > 1000) {
      throw new Error(`KeyRotation: scheduleDays must be a whole number from 1 to 1000, got ${scheduleDays}.`);
    }
    this.scheduleDays = scheduleDays;
    this.organizationId = props.settings.trail.organizationId;

    const fn = new OnboardingFunction(this, 'RotateAccessKeyFunction', {
      handlerFile: 'rotation/rotate-access-key',
      description: "Rotates the access key of an account's Logpoint CloudTrail reader (Secrets Manager rotation).",
      environment: { [EnvName.SETTINGS]: JSON.stringify(props.settings) },
      timeout: props.timeout ?? Duration.minutes(5),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.directorCaBundleFile === undefined ? {} : { caBundleFile: props.directorCaBundleFile }),
    });
    this.rotationFunction = fn;

    const stack = Stack.of(this);
    const scopes = resourceScopes(stack, props.settings.trail);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'InspectReaderUsers',
        actions: ['iam:GetUser', 'iam:ListUserTags', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed'],
        resources: scopes.readerUsers,
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'RotateOwnedReaderKeys',
        actions: ['iam:CreateAccessKey', 'iam:DeleteAccessKey'],
        resources: scopes.readerUsers,
        conditions: OWNED_READER_USER,
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'RotateAccountSecrets',
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
          // Records the last Director order on the secret.
          'secretsmanager:TagResource',
        ],
        resources: scopes.accountSecrets,
      }),
    );
    // testSecret reads the bucket's facts with the function's role, as CheckBucket does.
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'InspectTrailBucket',
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetEncryptionConfiguration'],
        resources: [scopes.bucket],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ sid: 'InspectTrailLogObjects', actions: ['s3:GetObject'], resources: [scopes.logObjects] }));
    grantDirectorSecret(props.directorSecret, [fn]);
    props.accountLocks.grantLocking(fn, ['acquire', 'release']);
    props.accountRegistry.grantRecording(fn);
    fn.addToRolePolicy(new PolicyStatement({ sid: 'PublishRotationEvents', actions: ['events:PutEvents'], resources: [scopes.defaultEventBus] }));

    scopes.accountSecrets.forEach((sourceArn, index) =>
      fn.addPermission(index === 0 ? 'AllowSecretsManagerInvoke' : `AllowSecretsManagerInvoke${index}`, {
        principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceAccount: stack.account,
        sourceArn,
      }),
    );

    const policy = defaultPolicyOf(fn);
    acknowledgeWildcardResource(policy, scopes.logObjects, NagReason.TRAIL_LOG_OBJECTS);

    this.errorsAlarm = new Alarm(this, 'RotationErrors', {
      alarmDescription:
        'A key rotation step of a Logpoint CloudTrail reader failed. Look for "Key Rotation Failed" events (source logpoint.onboarding) ' +
        "or the function's ROTATION_FAILED log lines: details.causeCode says why and details.rollback what was undone. " +
        'Runbook: docs/operator-runbook.md#rotationerrors.',
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }

  /**
   * Lets `fn` switch rotation on for account secrets (RotateSecret needs lambda:InvokeFunction on
   * the rotation function too) and tells it which function and schedule, through the environment.
   */
  grantEnableRotation(fn: LambdaFunction): void {
    fn.addEnvironment(EnvName.ROTATION_LAMBDA_ARN, this.rotationFunction.functionArn);
    fn.addEnvironment(EnvName.ROTATION_SCHEDULE_DAYS, String(this.scheduleDays));
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'EnableAccountSecretRotation',
        actions: ['secretsmanager:RotateSecret', 'secretsmanager:DescribeSecret'],
        resources: accountSecretsArn(Stack.of(this), this.organizationId),
      }),
    );
    this.rotationFunction.grantInvoke(fn);
    const policy = defaultPolicyOf(fn);
    acknowledgeWildcardResource(policy, `${this.rotationFunction.functionArn}:*`, NagReason.ROTATION_FUNCTION_VERSIONS);
  }
}

function resourceScopes(
  stack: Stack,
  trail: RuntimeSettings['trail'],
): { readerUsers: string[]; accountSecrets: string[]; bucket: string; logObjects: string; defaultEventBus: string } {
  return {
    readerUsers: readerUsersArn(stack, trail.organizationId),
    accountSecrets: accountSecretsArn(stack, trail.organizationId),
    bucket: trailBucketArn(stack, trail.bucketName),
    logObjects: trailLogObjectsArn(stack, trail),
    defaultEventBus: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
  };
}
