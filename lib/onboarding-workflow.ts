import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  Pass,
  Result,
  type RetryProps,
  StateMachine,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ErrorCode } from '../lambda/core/errors.js';
import type { RuntimeSettings } from '../lambda/core/runtime-settings.js';
import { EnvName } from '../lambda/runtime/env.js';
import {
  ONBOARDING_EVENT_SOURCE,
  OnboardingEventType,
  OnboardingState,
  OnboardingTask,
  type OnboardingTaskName,
} from '../lambda/workflow-states.js';
import { acknowledgeFinding, acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';
import { OnboardingFunction } from './onboarding-function.js';

/** Where the reader users and per-account secrets live; IAM grants are scoped to exactly these. */
export const READER_USER_PATH = '/logpoint/';
export const ACCOUNT_SECRET_PREFIX = 'logpoint/cloudtrail/';

/** Retry policies keyed by the typed error codes (exported so tests can assert on them). */
export const RetryPolicy = {
  /** A new account's trail may take a while to deliver its first files. */
  noLogsYet: { errors: [ErrorCode.NO_CLOUDTRAIL_LOGS], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 5 },
  /** IAM is eventually consistent: a new key can be refused for a while (about two minutes in all). */
  iamPropagation: { errors: [ErrorCode.ACCESS_NOT_YET_EFFECTIVE], interval: Duration.seconds(4), backoffRate: 1.6, maxAttempts: 7 },
  directorUnavailable: { errors: [ErrorCode.DIRECTOR_UNAVAILABLE], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 4 },
  lambdaService: {
    errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 3,
  },
} satisfies Record<string, RetryProps>;

export interface OnboardingWorkflowProps {
  /** Director location, trail and log source defaults handed to every function. */
  settings: RuntimeSettings;
  /** The operator's Director credential secret (`{"secretKey": "...", "token"?: "..."}`). */
  directorSecret: ISecret;
  /** @default 90 days of state machine logs */
  logRetention?: RetentionDays;
  /**
   * Absolute path of a PEM CA bundle for a Director behind a private CA, shipped only with the
   * functions that call Director.
   * @default none: the Lambda runtime's public CAs
   */
  directorCaBundleFile?: string;
}

/** The steps that call Director: the only ones that read the Director secret or get the CA bundle. */
const DIRECTOR_TASKS: readonly OnboardingTaskName[] = ['RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding'];

/**
 * The onboarding state machine and its Lambdas: validate → check bucket → provision reader →
 * verify access → register in Director → poll the order → finalize, with compensation of what the
 * execution created on any failure, and an EventBridge event either way.
 */
export class OnboardingWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<OnboardingTaskName, OnboardingFunction>;

  constructor(scope: Construct, id: string, props: OnboardingWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const environment = { [EnvName.SETTINGS]: JSON.stringify(props.settings) };

    const caBundleFile = props.directorCaBundleFile;
    const fn = (name: OnboardingTaskName, description: string, timeout?: Duration): OnboardingFunction =>
      new OnboardingFunction(this, `${name}Function`, {
        handlerFile: OnboardingTask[name],
        description,
        environment,
        ...(timeout ? { timeout } : {}),
        ...(caBundleFile !== undefined && DIRECTOR_TASKS.includes(name) ? { caBundleFile } : {}),
      });

    const functions = {
      ValidateInput: fn('ValidateInput', 'Validates an onboarding request and merges the stack defaults.'),
      CheckBucket: fn('CheckBucket', 'Checks the CloudTrail bucket: existence, region, encryption, log objects.'),
      ProvisionReader: fn('ProvisionReader', 'Creates the least-privilege IAM reader and stores its key in Secrets Manager.'),
      VerifyAccess: fn('VerifyAccess', 'Proves the reader key can list and read a CloudTrail log object.'),
      RegisterLogSource: fn('RegisterLogSource', 'Creates or edits the S3Fetcher log source in Logpoint Director.', Duration.minutes(2)),
      CheckOrder: fn('CheckOrder', 'Reads the Director order of the registration and reports its state.', Duration.minutes(1)),
      FinalizeOnboarding: fn('FinalizeOnboarding', 'Records the log source on the account secret and retires superseded keys.', Duration.minutes(1)),
      Compensate: fn('Compensate', 'Removes what a failed onboarding created and reports the failure.', Duration.minutes(2)),
    } satisfies Record<OnboardingTaskName, OnboardingFunction>;
    this.functions = functions;

    this.grantPermissions(stack, functions, props);

    const task = (name: OnboardingTaskName, payloadPath: string | null, resultPath: string, retries: RetryProps[]): LambdaInvoke => {
      const invoke = new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: functions[name],
        // With payloadResponseOnly the payload becomes Parameters verbatim; a path must go in InputPath.
        ...(payloadPath === null ? {} : { inputPath: payloadPath }),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      });
      for (const retry of [...retries, RetryPolicy.lambdaService]) invoke.addRetry(retry);
      return invoke;
    };

    const validateInput = new LambdaInvoke(this, 'ValidateInput', {
      stateName: 'ValidateInput',
      lambdaFunction: functions.ValidateInput,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      // The raw input stays beside the request: Compensate reports the account id even when the input was invalid.
      resultPath: '$.request',
    }).addRetry(RetryPolicy.lambdaService);
    const checkBucket = task('CheckBucket', '$.request', '$.bucket', [RetryPolicy.noLogsYet]);
    const provisionReader = new LambdaInvoke(this, 'ProvisionReader', {
      stateName: 'ProvisionReader',
      lambdaFunction: functions.ProvisionReader,
      payload: TaskInput.fromObject({ 'request.$': '$.request', 'bucket.$': '$.bucket' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.reader',
    }).addRetry(RetryPolicy.lambdaService);
    const stepInput = TaskInput.fromObject({ 'request.$': '$.request', 'bucket.$': '$.bucket', 'reader.$': '$.reader' });
    const verifyAccess = new LambdaInvoke(this, 'VerifyAccess', {
      stateName: 'VerifyAccess',
      lambdaFunction: functions.VerifyAccess,
      payload: stepInput,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.access',
    })
      .addRetry(RetryPolicy.iamPropagation)
      .addRetry(RetryPolicy.lambdaService);
    const registerLogSource = new LambdaInvoke(this, 'RegisterLogSource', {
      stateName: 'RegisterLogSource',
      lambdaFunction: functions.RegisterLogSource,
      payload: stepInput,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.registration',
    })
      .addRetry(RetryPolicy.directorUnavailable)
      .addRetry(RetryPolicy.lambdaService);

    const polling = props.settings.orderPolling;
    const startOrderPolling = new Pass(this, OnboardingState.StartOrderPolling, {
      stateName: OnboardingState.StartOrderPolling,
      result: Result.fromObject({ attempt: 0, nextWaitSeconds: polling.initialWaitSeconds }),
      resultPath: '$.order',
    });
    const waitForOrder = new Wait(this, OnboardingState.WaitForOrder, {
      stateName: OnboardingState.WaitForOrder,
      time: WaitTime.secondsPath('$.order.nextWaitSeconds'),
    });
    const checkOrder = new LambdaInvoke(this, 'CheckOrder', {
      stateName: 'CheckOrder',
      lambdaFunction: functions.CheckOrder,
      payload: TaskInput.fromObject({
        'request.$': '$.request',
        'registration.$': '$.registration',
        'attempt.$': '$.order.attempt',
        'executionStartTime.$': '$$.Execution.StartTime',
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.order',
    })
      .addRetry(RetryPolicy.directorUnavailable)
      .addRetry(RetryPolicy.lambdaService);
    const isOrderDone = new Choice(this, OnboardingState.IsOrderDone, { stateName: OnboardingState.IsOrderDone });
    const finalize = new LambdaInvoke(this, 'FinalizeOnboarding', {
      stateName: 'FinalizeOnboarding',
      lambdaFunction: functions.FinalizeOnboarding,
      payload: TaskInput.fromObject({
        'request.$': '$.request',
        'reader.$': '$.reader',
        'registration.$': '$.registration',
        'order.$': '$.order',
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.result',
    })
      .addRetry(RetryPolicy.directorUnavailable)
      .addRetry(RetryPolicy.lambdaService);

    const publishSucceeded = new EventBridgePutEvents(this, OnboardingState.PublishSucceeded, {
      stateName: OnboardingState.PublishSucceeded,
      entries: [
        {
          source: ONBOARDING_EVENT_SOURCE,
          detailType: OnboardingEventType.Succeeded,
          detail: TaskInput.fromObject({
            'accountId.$': '$.request.accountId',
            'logSourceName.$': '$.result.logSourceName',
            'logSourceId.$': '$.result.logSourceId',
            'operation.$': '$.registration.operation',
            'orderRequestId.$': '$.registration.requestId',
            'readerUserName.$': '$.reader.userName',
            'accessKeyId.$': '$.reader.accessKeyId',
            'executionId.$': '$$.Execution.Id',
          }),
        },
      ],
      resultPath: JsonPath.DISCARD,
    });
    publishSucceeded.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });

    const compensate = new LambdaInvoke(this, 'Compensate', {
      stateName: 'Compensate',
      lambdaFunction: functions.Compensate,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.failure',
    }).addRetry({ ...RetryPolicy.lambdaService, errors: ['States.ALL'] });
    const publishFailed = new EventBridgePutEvents(this, OnboardingState.PublishFailed, {
      stateName: OnboardingState.PublishFailed,
      entries: [
        {
          source: ONBOARDING_EVENT_SOURCE,
          detailType: OnboardingEventType.Failed,
          detail: TaskInput.fromObject({
            'accountId.$': '$.failure.accountId',
            'logSourceName.$': '$.failure.logSourceName',
            'orderRequestId.$': '$.failure.orderRequestId',
            'errorCode.$': '$.failure.code',
            'errorMessage.$': '$.failure.message',
            'cleanup.$': '$.failure.cleanup',
            'executionId.$': '$$.Execution.Id',
          }),
        },
      ],
      resultPath: JsonPath.DISCARD,
    });
    publishFailed.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
    const failed = new Fail(this, OnboardingState.OnboardingFailed, {
      stateName: OnboardingState.OnboardingFailed,
      errorPath: '$.failure.code',
      causePath: '$.failure.message',
    });
    const succeeded = new Succeed(this, OnboardingState.Onboarded, { stateName: OnboardingState.Onboarded, outputPath: '$.result' });

    // Even if publishing the failure event fails, the execution must still end in the typed error.
    publishFailed.addCatch(failed, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    compensate.next(publishFailed).next(failed);
    for (const step of [validateInput, checkBucket, provisionReader, verifyAccess, registerLogSource, checkOrder, finalize]) {
      step.addCatch(compensate, { errors: ['States.ALL'], resultPath: '$.error' });
    }

    const definition = validateInput
      .next(checkBucket)
      .next(provisionReader)
      .next(verifyAccess)
      .next(registerLogSource)
      .next(startOrderPolling)
      .next(waitForOrder)
      .next(checkOrder)
      .next(
        isOrderDone
          .when(Condition.stringEquals('$.order.status', 'SUCCEEDED'), finalize.next(publishSucceeded).next(succeeded))
          .otherwise(waitForOrder),
      );

    const logGroup = new LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: 'Onboards one AWS account\'s CloudTrail logs into Logpoint (see DESIGN.md).',
      tracingEnabled: true,
      // A backstop: the order deadline inside the workflow ends a stuck run long before this.
      timeout: Duration.seconds(polling.deadlineSeconds).plus(Duration.hours(1)),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    const machinePolicy = this.stateMachine.role.node.findChild('DefaultPolicy');
    acknowledgeFinding(machinePolicy, 'AwsSolutions-IAM5[Resource::*]', NagReason.STATE_MACHINE_XRAY_AND_LOG_DELIVERY);
    for (const workflowFunction of Object.values(functions)) {
      acknowledgeWildcardResource(machinePolicy, `${workflowFunction.functionArn}:*`, NagReason.LAMBDA_INVOKE_VERSIONS);
    }
  }

  private grantPermissions(stack: Stack, fns: Record<OnboardingTaskName, OnboardingFunction>, props: OnboardingWorkflowProps): void {
    const { bucketName } = props.settings.trail;
    const partition = stack.partition;
    const bucketArn = `arn:${partition}:s3:::${bucketName}`;
    const readerUsers = stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `${READER_USER_PATH.slice(1)}cloudtrail-reader-*` });
    const accountSecrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${ACCOUNT_SECRET_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    fns.CheckBucket.addToRolePolicy(
      new PolicyStatement({
        sid: 'InspectTrailBucket',
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetEncryptionConfiguration'],
        resources: [bucketArn],
      }),
    );
    // HeadObject of one log file tells which KMS key the trail really uses.
    fns.CheckBucket.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectTrailLogObjects', actions: ['s3:GetObject'], resources: [`${bucketArn}/*AWSLogs/*`] }),
    );
    fns.ProvisionReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'ManageReaderUsers',
        actions: [
          'iam:CreateUser',
          'iam:GetUser',
          'iam:TagUser',
          'iam:ListUserTags',
          'iam:PutUserPolicy',
          'iam:CreateAccessKey',
          'iam:ListAccessKeys',
          'iam:DeleteAccessKey',
          'iam:GetAccessKeyLastUsed',
          // Undoing its own half-finished work when a later call of the same step fails.
          'iam:ListUserPolicies',
          'iam:DeleteUserPolicy',
          'iam:DeleteUser',
        ],
        resources: [readerUsers],
      }),
    );
    fns.ProvisionReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'WriteAccountSecrets',
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:TagResource',
          'secretsmanager:RestoreSecret',
          'secretsmanager:UpdateSecret',
          'secretsmanager:DeleteSecret',
        ],
        resources: [accountSecrets],
      }),
    );
    for (const reader of [fns.VerifyAccess, fns.RegisterLogSource]) {
      reader.addToRolePolicy(
        new PolicyStatement({
          sid: 'ReadAccountSecrets',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [accountSecrets],
        }),
      );
    }
    fns.FinalizeOnboarding.addToRolePolicy(
      new PolicyStatement({
        sid: 'RetireSupersededKeys',
        actions: ['iam:ListAccessKeys', 'iam:DeleteAccessKey', 'iam:GetAccessKeyLastUsed'],
        resources: [readerUsers],
      }),
    );
    fns.FinalizeOnboarding.addToRolePolicy(
      new PolicyStatement({
        sid: 'RecordLogSourceOnSecret',
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:TagResource'],
        resources: [accountSecrets],
      }),
    );
    fns.Compensate.addToRolePolicy(
      new PolicyStatement({
        sid: 'RemoveCreatedReader',
        actions: [
          'iam:GetUser',
          'iam:ListUserTags',
          'iam:ListAccessKeys',
          'iam:DeleteAccessKey',
          'iam:ListUserPolicies',
          'iam:DeleteUserPolicy',
          'iam:DeleteUser',
        ],
        resources: [readerUsers],
      }),
    );
    fns.Compensate.addToRolePolicy(
      new PolicyStatement({
        sid: 'RemoveCreatedSecret',
        effect: Effect.ALLOW,
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
          'secretsmanager:DeleteSecret',
        ],
        resources: [accountSecrets],
      }),
    );
    // A secret imported by name has a partial ARN; IAM matches the real one only with the random
    // 6-character suffix Secrets Manager appends (what grantRead uses too).
    const directorSecretArn = props.directorSecret.secretFullArn ?? `${props.directorSecret.secretArn}-??????`;
    for (const director of DIRECTOR_TASKS.map((name) => fns[name])) {
      // Write access too: a token refresh stores the new token (and a rotated secretKey) back.
      props.directorSecret.grantRead(director);
      director.addToRolePolicy(
        new PolicyStatement({
          sid: 'StoreRefreshedDirectorToken',
          actions: ['secretsmanager:PutSecretValue'],
          resources: [directorSecretArn],
        }),
      );
    }

    const policyOf = (fn: OnboardingFunction) => {
      if (fn.role === undefined) throw new Error(`${fn.node.path} has no role.`);
      return fn.role.node.findChild('DefaultPolicy');
    };
    acknowledgeWildcardResource(policyOf(fns.CheckBucket), `${bucketArn}/*AWSLogs/*`, NagReason.TRAIL_LOG_OBJECTS);
    for (const fn of [fns.ProvisionReader, fns.FinalizeOnboarding, fns.Compensate]) {
      acknowledgeWildcardResource(policyOf(fn), readerUsers, NagReason.READER_USERS);
    }
    for (const fn of [fns.ProvisionReader, fns.VerifyAccess, fns.RegisterLogSource, fns.FinalizeOnboarding, fns.Compensate]) {
      acknowledgeWildcardResource(policyOf(fn), accountSecrets, NagReason.ACCOUNT_SECRETS);
    }
  }
}
