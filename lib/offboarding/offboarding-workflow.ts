import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Choice, Condition, Pass, type StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { OffboardingState, OffboardingTask, type OffboardingTaskName } from '../../lambda/contract/offboarding-states.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import { absentReaderUsersArn, accountSecretsArn, grantDirectorSecret, readerUsersArn } from '../shared/resource-scopes.js';
import { failurePath } from '../shared/failure-path.js';
import { accountLockStates } from '../shared/account-lock-states.js';
import type { AccountLockTable } from '../shared/account-lock-table.js';
import type { AccountRegistryTable } from '../registry/account-registry-table.js';
import { orderPollingLoop, publishEvent, RetryPolicy, workflowStateMachine, workflowSteps } from '../shared/workflow-parts.js';
import { TagKey, OWNER_MARKER, DEFAULT_SECRET_RECOVERY_WINDOW_DAYS } from '../../lambda/contract/names.js';
import { EVENT_SOURCE, OffboardingEventType } from '../../lambda/contract/events.js';

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
  /** The per-account lock table: a run holds its account's lock from validation to its end. */
  accountLocks: AccountLockTable;
  /** Where the offboarded account is recorded. */
  accountRegistry: AccountRegistryTable;
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
  readonly functions: Record<OffboardingTaskName, OnboardingFunction>;
  readonly secretRecoveryWindowDays: number;

  constructor(scope: Construct, id: string, props: OffboardingWorkflowProps) {
    super(scope, id);
    const recoveryWindowDays = props.secretRecoveryWindowDays ?? DEFAULT_SECRET_RECOVERY_WINDOW_DAYS;
    if (!Number.isInteger(recoveryWindowDays) || recoveryWindowDays < 7 || recoveryWindowDays > 30) {
      throw new Error(`secretRecoveryWindowDays must be a whole number of days from 7 to 30 (Secrets Manager's limits), got ${recoveryWindowDays}.`);
    }
    this.secretRecoveryWindowDays = recoveryWindowDays;

    const { functions, step } = workflowSteps(
      this,
      {
        ValidateOffboardInput: { description: 'Validates an offboarding request and fills its defaults.' },
        FindLogSource: { description: "Finds the account's own log source, reader user and secret; refuses foreign ones.", timeout: Duration.minutes(1) },
        DeleteLogSource: { description: "Deletes the account's own log source in Logpoint Director.", timeout: Duration.minutes(1) },
        CheckOrder: { description: 'Reads the Director order of the log source deletion and reports its state.', timeout: Duration.minutes(1) },
        RemoveReader: { description: "Deletes the reader user's access keys, inline policy and the user.", timeout: Duration.minutes(1) },
        ScheduleSecretDeletion: { description: "Schedules the account secret's deletion with a recovery window.", timeout: Duration.minutes(1) },
        RecordOffboarded: { description: 'Records the account as offboarded in the account registry.' },
        DescribeOffboardingFailure: { description: 'Describes a failed offboarding and what was left in place.' },
        AcquireLock: { description: "Takes the account's lock: one onboarding, offboarding or rotation per account at a time." },
        ReleaseLock: { description: "Releases the account's lock when the offboarding ends." },
      },
      { handlerFiles: OffboardingTask, settings: props.settings, directorTasks: DIRECTOR_CALLING_TASKS, directorCaBundleFile: props.directorCaBundleFile },
    );
    this.functions = functions;
    this.grantPermissions(functions, props.directorSecret, props.settings.trail.organizationId);
    props.accountLocks.grantLocking(functions.AcquireLock, ['acquire']);
    props.accountLocks.grantLocking(functions.ReleaseLock, ['release']);
    props.accountRegistry.grantRecording(functions.RecordOffboarded);

    const request = { payload: TaskInput.fromObject({ 'request.$': '$.request', 'inventory.$': '$.inventory' }) };
    const directorRetries = [RetryPolicy.directorUnavailable];

    // The raw input stays beside the request, so a failure report names the account even for an invalid input.
    const readInput = new Pass(this, OffboardingState.ReadInput, { stateName: OffboardingState.ReadInput, parameters: { 'input.$': '$' } });
    const validateInput = step('ValidateOffboardInput', { input: { inputPath: '$.input' }, resultPath: '$.request' });
    const lockPayload = { 'accountId.$': '$.request.accountId', 'owner.$': '$$.Execution.Id' };
    const acquireLock = step('AcquireLock', { input: { payload: TaskInput.fromObject({ ...lockPayload, workflow: 'offboard' }) }, resultPath: '$.lock' });
    const releaseLock = step('ReleaseLock', { input: { payload: TaskInput.fromObject(lockPayload) }, resultPath: '$.lockRelease' });
    const findLogSource = step('FindLogSource', { input: { inputPath: '$.request' }, resultPath: '$.inventory', retries: directorRetries });
    const deleteLogSource = step('DeleteLogSource', { input: request, resultPath: '$.deletion', retries: [...directorRetries, RetryPolicy.orderSlotsFull] });
    const checkOrder = step('CheckOrder', {
      input: { payload: TaskInput.fromObject({ 'request.$': '$.request', 'deletion.$': '$.deletion', 'attempt.$': '$.order.attempt' }) },
      resultPath: '$.order',
      retries: directorRetries,
    });
    const removeReader = step('RemoveReader', { input: { inputPath: '$.request' }, resultPath: '$.reader' });
    const scheduleSecretDeletion = step('ScheduleSecretDeletion', {
      input: { payload: TaskInput.fromObject({ 'state.$': '$', recoveryWindowDays }) },
      resultPath: '$.result',
    });
    const recordOffboarded = step('RecordOffboarded', {
      input: { payload: TaskInput.fromObject({ 'request.$': '$.request', 'summary.$': '$.result', 'runId.$': '$$.Execution.Id' }) },
      resultPath: '$.result',
    });

    const hasLogSource = new Choice(this, OffboardingState.HasLogSource, { stateName: OffboardingState.HasLogSource });
    const wasDeleteSubmitted = new Choice(this, OffboardingState.WasDeleteSubmitted, { stateName: OffboardingState.WasDeleteSubmitted });

    const publishOffboarded = publishEvent(this, OffboardingState.PublishOffboarded, {
      source: EVENT_SOURCE,
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
          'coverage',
        ]),
        'executionId.$': '$$.Execution.Id',
      }),
    });
    const offboarded = new Succeed(this, OffboardingState.Offboarded, { stateName: OffboardingState.Offboarded, outputPath: '$.result' });

    const publishFailed = publishEvent(this, OffboardingState.PublishOffboardingFailed, {
      source: EVENT_SOURCE,
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
    });
    const lock = accountLockStates(this, { release: releaseLock, stateNames: OffboardingState, publishSucceeded: publishOffboarded, publishFailed });

    const describeFailure = step('DescribeOffboardingFailure', { resultPath: '$.failure' });
    describeFailure.addRetry(RetryPolicy.anyError);
    failurePath(this, {
      catchFrom: [validateInput, acquireLock, findLogSource, deleteLogSource, checkOrder, removeReader, scheduleSecretDeletion, recordOffboarded],
      describeFailure,
      publishFailed,
      afterDescribe: lock.beforeFailure,
      failedStateName: OffboardingState.OffboardingFailed,
      undescribed: {
        stateName: OffboardingState.CleanupFailed,
        fields: { logSourceName: null, logSourceId: null, orderRequestId: null, kept: ['unknown: the failure could not be described'] },
      },
    });
    // The offboarding stands even when its event cannot be published; the error stays in the history.
    publishOffboarded.addCatch(offboarded, { errors: ['States.ALL'], resultPath: '$.eventError' });
    publishOffboarded.next(offboarded);

    removeReader.next(scheduleSecretDeletion).next(recordOffboarded).next(lock.beforeSuccess);
    const polling = props.settings.orderPolling;
    const pollDeletionOrder = orderPollingLoop(this, {
      stateNames: OffboardingState,
      initialWaitSeconds: polling.initialWaitSeconds,
      checkOrder,
      // Only a positively finished deletion lets the reader key go; anything else keeps polling until the deadline.
      isDone: Condition.or(Condition.stringEquals('$.order.status', 'DELETED'), Condition.stringEquals('$.order.status', 'ALREADY_GONE')),
      whenDone: removeReader,
    });
    const definition = readInput
      .next(validateInput)
      .next(acquireLock)
      .next(findLogSource)
      .next(
        hasLogSource
          .when(
            Condition.booleanEquals('$.inventory.logSourceFound', true),
            deleteLogSource.next(
              wasDeleteSubmitted.when(Condition.stringEquals('$.deletion.status', 'ALREADY_GONE'), removeReader).otherwise(pollDeletionOrder),
            ),
          )
          .otherwise(removeReader),
      );

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment: "Offboards one AWS account: deletes its Logpoint log source, reader user and key, and schedules its secret's deletion.",
      orderDeadlineSeconds: polling.deadlineSeconds,
      invokedFunctions: Object.values(functions),
      logRetention: props.logRetention,
    });
  }

  private grantPermissions(fns: Record<OffboardingTaskName, OnboardingFunction>, directorSecret: ISecret, organizationId: string | undefined): void {
    const stack = Stack.of(this);
    const readerUsers = readerUsersArn(stack, organizationId);
    const absentReaderUsers = absentReaderUsersArn(stack, organizationId);
    const accountSecrets = accountSecretsArn(stack, organizationId);

    fns.FindLogSource.addToRolePolicy(new PolicyStatement({ sid: 'InspectReaderUser', actions: ['iam:GetUser', 'iam:ListUserTags'], resources: readerUsers }));
    fns.FindLogSource.addToRolePolicy(new PolicyStatement({ sid: 'LookUpAbsentReaderUser', actions: ['iam:GetUser'], resources: absentReaderUsers }));
    fns.FindLogSource.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectAccountSecret', actions: ['secretsmanager:DescribeSecret'], resources: accountSecrets }),
    );
    fns.RemoveReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'InspectReaderUser',
        actions: ['iam:GetUser', 'iam:ListUserTags', 'iam:ListAccessKeys', 'iam:ListUserPolicies'],
        resources: readerUsers,
      }),
    );
    fns.RemoveReader.addToRolePolicy(new PolicyStatement({ sid: 'LookUpAbsentReaderUser', actions: ['iam:GetUser'], resources: absentReaderUsers }));
    // The handler checks ownership itself; the tag condition makes IAM refuse a foreign user too.
    fns.RemoveReader.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeleteOwnedReaderUser',
        actions: ['iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DeleteUser'],
        resources: readerUsers,
        conditions: { StringEquals: { [`iam:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } },
      }),
    );
    fns.ScheduleSecretDeletion.addToRolePolicy(
      new PolicyStatement({ sid: 'InspectAccountSecret', actions: ['secretsmanager:DescribeSecret'], resources: accountSecrets }),
    );
    fns.ScheduleSecretDeletion.addToRolePolicy(
      new PolicyStatement({
        sid: 'DeleteOwnedAccountSecret',
        actions: ['secretsmanager:DeleteSecret'],
        resources: accountSecrets,
        conditions: { StringEquals: { [`secretsmanager:ResourceTag/${TagKey.managedBy}`]: OWNER_MARKER } },
      }),
    );
    grantDirectorSecret(
      directorSecret,
      DIRECTOR_CALLING_TASKS.map((name) => fns[name]),
    );
  }
}

/** `{"field.$": "$.result.field"}` for each field of the summary. */
function fromResult(fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [`${field}.$`, `$.result.${field}`]));
}
