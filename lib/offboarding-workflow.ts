import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
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
import { Construct, type IConstruct } from 'constructs';
import { OWNER_MARKER } from '../lambda/core/log-source-payload.js';
import { TagKey } from '../lambda/core/ownership.js';
import type { RuntimeSettings } from '../lambda/core/runtime-settings.js';
import {
  DEFAULT_SECRET_RECOVERY_WINDOW_DAYS,
  OFFBOARDING_EVENT_SOURCE,
  OffboardingEventType,
  OffboardingState,
  OffboardingTask,
  type OffboardingTaskName,
} from '../lambda/offboarding-states.js';
import { EnvName } from '../lambda/runtime/env.js';
import { acknowledgeFinding, acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';
import { OnboardingFunction } from './onboarding-function.js';
import { ACCOUNT_SECRET_PREFIX, READER_USER_PATH, RetryPolicy } from './onboarding-workflow.js';

export interface OffboardingWorkflowProps {
  /** Director location, log source naming and order polling, the same settings onboarding uses. */
  settings: RuntimeSettings;
  /** The operator's Director credential secret (`{"secretKey": "...", "token"?: "..."}`). */
  directorSecret: ISecret;
  /**
   * Days Secrets Manager keeps a deleted account secret restorable (7-30).
   * @default 7
   */
  secretRecoveryWindowDays?: number;
  /**
   * Absolute path of a PEM CA bundle for a Director behind a private CA, shipped only with the
   * functions that call Director.
   * @default none: the Lambda runtime's public CAs
   */
  directorCaBundleFile?: string;
  /** @default 90 days of state machine logs */
  logRetention?: RetentionDays;
}

/** The Lambdas that talk to Director: the only ones that may read (and refresh) the Director secret. */
export const DIRECTOR_CALLING_TASKS = ['FindLogSource', 'DeleteLogSource', 'CheckOrder'] as const satisfies readonly OffboardingTaskName[];

/**
 * The offboarding state machine and its Lambdas: validate → find the account's log source →
 * `DELETE` it in Director and poll the order → remove the reader user (keys, inline policy, user)
 * → schedule the account secret's deletion → `Offboarding Succeeded`. Any failure publishes
 * `Offboarding Failed` and ends in the typed error; nothing is compensated (deleting is the
 * goal), but the reader key is never deleted unless Director's DELETE order succeeded.
 */
export class OffboardingWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<OffboardingTaskName, IFunction>;
  readonly secretRecoveryWindowDays: number;

  constructor(scope: Construct, id: string, props: OffboardingWorkflowProps) {
    super(scope, id);
    const recoveryWindowDays = props.secretRecoveryWindowDays ?? DEFAULT_SECRET_RECOVERY_WINDOW_DAYS;
    if (!Number.isInteger(recoveryWindowDays) || recoveryWindowDays < 7 || recoveryWindowDays > 30) {
      throw new Error(`secretRecoveryWindowDays must be a whole number of days from 7 to 30 (Secrets Manager's limits), got ${recoveryWindowDays}.`);
    }
    this.secretRecoveryWindowDays = recoveryWindowDays;
    const environment = { [EnvName.SETTINGS]: JSON.stringify(props.settings) };
    const directorCalling = new Set<OffboardingTaskName>(DIRECTOR_CALLING_TASKS);

    const fn = (name: OffboardingTaskName, description: string, timeout?: Duration): OnboardingFunction =>
      new OnboardingFunction(this, `${name}Function`, {
        handlerFile: OffboardingTask[name],
        description,
        environment,
        ...(timeout ? { timeout } : {}),
        ...(props.directorCaBundleFile !== undefined && directorCalling.has(name) ? { caBundleFile: props.directorCaBundleFile } : {}),
      });

    const functions = {
      ValidateOffboardInput: fn('ValidateOffboardInput', 'Validates an offboarding request and fills its defaults.'),
      FindLogSource: fn('FindLogSource', "Finds the account's own log source, reader user and secret; refuses foreign ones.", Duration.minutes(1)),
      DeleteLogSource: fn('DeleteLogSource', "Deletes the account's own log source in Logpoint Director.", Duration.minutes(1)),
      CheckOrder: fn('CheckOrder', 'Reads the Director order of the log source deletion and reports its state.', Duration.minutes(1)),
      RemoveReader: fn('RemoveReader', "Deletes the reader user's access keys, inline policy and the user.", Duration.minutes(1)),
      ScheduleSecretDeletion: fn('ScheduleSecretDeletion', "Schedules the account secret's deletion with a recovery window.", Duration.minutes(1)),
      DescribeOffboardingFailure: fn('DescribeOffboardingFailure', 'Describes a failed offboarding and what was left in place.'),
    } satisfies Record<OffboardingTaskName, OnboardingFunction>;
    this.functions = functions;
    this.grantPermissions(functions, props.directorSecret);

    const task = (name: OffboardingTaskName, input: { inputPath: string } | { payload: TaskInput } | null, resultPath: string, retries: RetryProps[]) => {
      const invoke = new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: functions[name],
        // With payloadResponseOnly the payload becomes Parameters verbatim; a path must go in InputPath.
        ...(input ?? {}),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      });
      for (const retry of [...retries, RetryPolicy.lambdaService]) invoke.addRetry(retry);
      return invoke;
    };
    const request = TaskInput.fromObject({ 'request.$': '$.request', 'inventory.$': '$.inventory' });

    // The raw input stays beside the request, so a failure report names the account even for an invalid input.
    const validateInput = task('ValidateOffboardInput', null, '$.request', []);
    const findLogSource = task('FindLogSource', { inputPath: '$.request' }, '$.inventory', [RetryPolicy.directorUnavailable]);
    const deleteLogSource = task('DeleteLogSource', { payload: request }, '$.deletion', [RetryPolicy.directorUnavailable]);
    const checkOrder = task(
      'CheckOrder',
      { payload: TaskInput.fromObject({ 'request.$': '$.request', 'deletion.$': '$.deletion', 'attempt.$': '$.order.attempt' }) },
      '$.order',
      [RetryPolicy.directorUnavailable],
    );
    const removeReader = task('RemoveReader', { inputPath: '$.request' }, '$.reader', []);
    const scheduleSecretDeletion = task(
      'ScheduleSecretDeletion',
      { payload: TaskInput.fromObject({ 'state.$': '$', recoveryWindowDays }) },
      '$.result',
      [],
    );

    const polling = props.settings.orderPolling;
    const startOrderPolling = new Pass(this, OffboardingState.StartOrderPolling, {
      stateName: OffboardingState.StartOrderPolling,
      result: Result.fromObject({ attempt: 0, nextWaitSeconds: polling.initialWaitSeconds }),
      resultPath: '$.order',
    });
    const waitForOrder = new Wait(this, OffboardingState.WaitForOrder, {
      stateName: OffboardingState.WaitForOrder,
      time: WaitTime.secondsPath('$.order.nextWaitSeconds'),
    });
    const hasLogSource = new Choice(this, OffboardingState.HasLogSource, { stateName: OffboardingState.HasLogSource });
    const wasDeleteSubmitted = new Choice(this, OffboardingState.WasDeleteSubmitted, { stateName: OffboardingState.WasDeleteSubmitted });
    const isOrderDone = new Choice(this, OffboardingState.IsOrderDone, { stateName: OffboardingState.IsOrderDone });

    const publishOffboarded = new EventBridgePutEvents(this, OffboardingState.PublishOffboarded, {
      stateName: OffboardingState.PublishOffboarded,
      entries: [
        {
          source: OFFBOARDING_EVENT_SOURCE,
          detailType: OffboardingEventType.Succeeded,
          detail: TaskInput.fromObject({
            ...fromResult([
              'accountId',
              'reason',
              'trigger',
              'logSourceName',
              'logSourceId',
              'logSourceDeleted',
              'deletedAccessKeys',
              'deletedPolicies',
              'deletedUser',
              'secretDeletionDate',
              'neverOnboarded',
              'alreadyGone',
            ]),
            'executionId.$': '$$.Execution.Id',
          }),
        },
      ],
      resultPath: JsonPath.DISCARD,
    });
    publishOffboarded.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
    const offboarded = new Succeed(this, OffboardingState.Offboarded, { stateName: OffboardingState.Offboarded, outputPath: '$.result' });

    const describeFailure = task('DescribeOffboardingFailure', null, '$.failure', []);
    describeFailure.addRetry({ ...RetryPolicy.lambdaService, errors: ['States.ALL'] });
    const publishFailed = new EventBridgePutEvents(this, OffboardingState.PublishOffboardingFailed, {
      stateName: OffboardingState.PublishOffboardingFailed,
      entries: [
        {
          source: OFFBOARDING_EVENT_SOURCE,
          detailType: OffboardingEventType.Failed,
          detail: TaskInput.fromObject({
            'accountId.$': '$.failure.accountId',
            'logSourceName.$': '$.failure.logSourceName',
            'logSourceId.$': '$.failure.logSourceId',
            'orderRequestId.$': '$.failure.orderRequestId',
            'errorCode.$': '$.failure.code',
            'errorMessage.$': '$.failure.message',
            'kept.$': '$.failure.kept',
            'executionId.$': '$$.Execution.Id',
          }),
        },
      ],
      resultPath: JsonPath.DISCARD,
    });
    publishFailed.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
    const failed = new Fail(this, OffboardingState.OffboardingFailed, {
      stateName: OffboardingState.OffboardingFailed,
      errorPath: '$.failure.code',
      causePath: '$.failure.message',
    });
    // Even if publishing the failure event fails, the execution must still end in the typed error.
    publishFailed.addCatch(failed, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    describeFailure.next(publishFailed).next(failed);
    for (const step of [validateInput, findLogSource, deleteLogSource, checkOrder, removeReader, scheduleSecretDeletion]) {
      step.addCatch(describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    }

    removeReader.next(scheduleSecretDeletion).next(publishOffboarded).next(offboarded);
    startOrderPolling.next(waitForOrder).next(checkOrder).next(
      // Only a positively finished deletion lets the reader key go; anything else keeps polling until the deadline.
      isOrderDone
        .when(
          Condition.or(Condition.stringEquals('$.order.status', 'DELETED'), Condition.stringEquals('$.order.status', 'ALREADY_GONE')),
          removeReader,
        )
        .otherwise(waitForOrder),
    );
    const definition = validateInput.next(findLogSource).next(
      hasLogSource
        .when(
          Condition.booleanEquals('$.inventory.logSourceFound', true),
          deleteLogSource.next(
            wasDeleteSubmitted.when(Condition.stringEquals('$.deletion.status', 'ALREADY_GONE'), removeReader).otherwise(startOrderPolling),
          ),
        )
        .otherwise(removeReader),
    );

    const logGroup = new LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: "Offboards one AWS account: deletes its Logpoint log source, reader user and key, and schedules its secret's deletion.",
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

  private grantPermissions(fns: Record<OffboardingTaskName, OnboardingFunction>, directorSecret: ISecret): void {
    const stack = Stack.of(this);
    const readerUsers = stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: `${READER_USER_PATH.slice(1)}cloudtrail-reader-*` });
    const accountSecrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${ACCOUNT_SECRET_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    fns.FindLogSource.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectReaderUser', actions: ['iam:GetUser', 'iam:ListUserTags'], resources: [readerUsers] }),
    );
    fns.FindLogSource.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectAccountSecret', actions: ['secretsmanager:DescribeSecret'], resources: [accountSecrets] }),
    );
    fns.RemoveReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'InspectReaderUser',
        actions: ['iam:GetUser', 'iam:ListUserTags', 'iam:ListAccessKeys', 'iam:ListUserPolicies'],
        resources: [readerUsers],
      }),
    );
    // The handler checks ownership itself; the tag condition makes IAM refuse a foreign user too.
    fns.RemoveReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeleteOwnedReaderUser',
        actions: ['iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DeleteUser'],
        resources: [readerUsers],
        conditions: { StringEquals: { [`iam:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } },
      }),
    );
    fns.ScheduleSecretDeletion.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectAccountSecret', actions: ['secretsmanager:DescribeSecret'], resources: [accountSecrets] }),
    );
    fns.ScheduleSecretDeletion.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeleteOwnedAccountSecret',
        actions: ['secretsmanager:DeleteSecret'],
        resources: [accountSecrets],
        conditions: { StringEquals: { [`secretsmanager:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } },
      }),
    );
    // A secret imported by name has a partial ARN; the real one ends in a random 6-character suffix.
    const directorSecretArn = directorSecret.secretFullArn ?? `${directorSecret.secretArn}-??????`;
    for (const name of DIRECTOR_CALLING_TASKS) {
      const director = fns[name];
      // Write access too: a token refresh stores the new token (and a rotated secretKey) back.
      directorSecret.grantRead(director);
      director.addToRolePolicy(
        new PolicyStatement({ sid: 'StoreRefreshedDirectorToken', actions: ['secretsmanager:PutSecretValue'], resources: [directorSecretArn] }),
      );
    }

    for (const fn of [fns.FindLogSource, fns.RemoveReader]) acknowledgeWildcardResource(defaultPolicyOf(fn), readerUsers, NagReason.READER_USERS);
    for (const fn of [fns.FindLogSource, fns.ScheduleSecretDeletion]) {
      acknowledgeWildcardResource(defaultPolicyOf(fn), accountSecrets, NagReason.ACCOUNT_SECRETS);
    }
  }
}

/** The policy cdk-nag reports a function's grants on (its role's DefaultPolicy). */
function defaultPolicyOf(fn: OnboardingFunction): IConstruct {
  if (fn.role === undefined) throw new Error(`${fn.node.path} has no role.`);
  return fn.role.node.findChild('DefaultPolicy');
}

/** `{"field.$": "$.result.field"}` for each field of the summary. */
function fromResult(fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [`${field}.$`, `$.result.${field}`]));
}
