import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Choice, Condition, Pass, type StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { OnboardingState, OnboardingTask, OnboardingTaskAlias, type OnboardingTaskName } from '../../lambda/contract/onboarding-states.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import { ReaderPermissionsBoundary } from '../shared/reader-boundary.js';
import { DIRECTOR_TASKS, grantOnboardingPermissions } from './onboarding-grants.js';
import { failurePath } from '../shared/failure-path.js';
import { accountLockStates } from '../shared/account-lock-states.js';
import type { AccountLockTable } from '../shared/account-lock-table.js';
import type { AccountRegistryTable } from '../registry/account-registry-table.js';
import { orderPollingLoop, publishEvent, RetryPolicy, workflowStateMachine, workflowSteps } from '../shared/workflow-parts.js';
import { dataFlowWatch } from './data-flow-watch.js';
import { EVENT_SOURCE, OnboardingEventType } from '../../lambda/contract/events.js';

/** What both success events say about the data plane (the watch's own bookkeeping stays out). */
const DATA_PLANE_DETAIL = {
  'outcome.$': '$.result.dataPlane.outcome',
  'lastLogReceived.$': '$.result.dataPlane.lastLogReceived',
  'fetchStatus.$': '$.result.dataPlane.fetchStatus',
  'note.$': '$.result.dataPlane.note',
};

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
  /** The per-account lock table: a run holds its account's lock from ValidateInput to its end. */
  accountLocks: AccountLockTable;
  /** Where a covered account is recorded (organization mode). */
  accountRegistry: AccountRegistryTable;
}

/**
 * The onboarding state machine and its Lambdas: validate → check bucket → provision reader →
 * verify access → register in Director → poll the order → finalize → watch for data, with compensation of what the
 * execution created on any failure, and an EventBridge event either way.
 */
export class OnboardingWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<OnboardingTaskName, OnboardingFunction>;

  constructor(scope: Construct, id: string, props: OnboardingWorkflowProps) {
    super(scope, id);

    const { functions, step } = workflowSteps(
      this,
      {
        ValidateInput: { description: 'Validates an onboarding request and merges the stack defaults.' },
        CheckBucket: { description: 'Checks the CloudTrail bucket: existence, region, encryption, log objects.' },
        ProvisionReader: { description: 'Creates the least-privilege IAM reader and stores its key in Secrets Manager.' },
        VerifyAccess: { description: 'Proves the reader key can list and read a CloudTrail log object.' },
        RegisterLogSource: { description: 'Creates or edits the S3Fetcher log source in Logpoint Director.', timeout: Duration.minutes(2) },
        CheckOrder: { description: 'Reads the Director order of the registration and reports its state.', timeout: Duration.minutes(1) },
        FinalizeOnboarding: { description: 'Records the log source on the account secret and retires superseded keys.', timeout: Duration.minutes(1) },
        CheckDataFlow: { description: 'Reads what Director reports about fetching: proof that Logpoint reads the logs.', timeout: Duration.minutes(1) },
        ConfirmCoverage: {
          description: "Confirms that the organization's log source collects an account, and records the account as covered.",
          timeout: Duration.minutes(1),
        },
        Compensate: { description: 'Removes what a failed onboarding created and reports the failure.', timeout: Duration.minutes(2) },
        AcquireLock: { description: "Takes the account's lock: one onboarding, offboarding or rotation per account at a time." },
        ReleaseLock: { description: "Releases the account's lock when the onboarding ends." },
      },
      { handlerFiles: OnboardingTask, settings: props.settings, directorTasks: DIRECTOR_TASKS, directorCaBundleFile: props.directorCaBundleFile },
    );
    this.functions = functions;

    const boundary = new ReaderPermissionsBoundary(this, 'ReaderBoundary', { trail: props.settings.trail });
    grantOnboardingPermissions(functions, { ...props, readerBoundary: boundary });
    props.accountLocks.grantLocking(functions.AcquireLock, ['acquire']);
    props.accountLocks.grantLocking(functions.ReleaseLock, ['release']);
    for (const recorder of [functions.ConfirmCoverage, functions.CheckDataFlow, functions.Compensate]) props.accountRegistry.grantRecording(recorder);

    // The raw input is kept at $.input (whatever it is, even an array): Compensate reports the account id even when the input was invalid.
    // The run's id rides along at $.runId: Compensate records the failure under it.
    const readInput = new Pass(this, OnboardingState.ReadInput, {
      stateName: OnboardingState.ReadInput,
      parameters: { 'input.$': '$', 'runId.$': '$$.Execution.Id' },
    });
    const validateInput = step('ValidateInput', { input: { inputPath: '$.input' }, resultPath: '$.request' });
    const lockPayload = { 'accountId.$': '$.request.accountId', 'owner.$': '$$.Execution.Id' };
    const acquireLock = step('AcquireLock', { input: { payload: TaskInput.fromObject({ ...lockPayload, workflow: 'onboard' }) }, resultPath: '$.lock' });
    const releaseLock = step('ReleaseLock', { input: { payload: TaskInput.fromObject(lockPayload) }, resultPath: '$.lockRelease' });
    const checkBucket = step('CheckBucket', { input: { inputPath: '$.request' }, resultPath: '$.bucket', retries: [RetryPolicy.noLogsYet] });
    const provisionReader = step('ProvisionReader', {
      input: { payload: TaskInput.fromObject({ 'request.$': '$.request', 'bucket.$': '$.bucket' }) },
      resultPath: '$.reader',
    });
    const stepInput = { payload: TaskInput.fromObject({ 'request.$': '$.request', 'bucket.$': '$.bucket', 'reader.$': '$.reader' }) };
    const verifyAccess = step('VerifyAccess', { input: stepInput, resultPath: '$.access', retries: [RetryPolicy.iamPropagation] });
    const registerLogSource = step('RegisterLogSource', {
      input: stepInput,
      resultPath: '$.registration',
      retries: [RetryPolicy.directorUnavailable, RetryPolicy.orderSlotsFull],
    });
    const checkOrder = step('CheckOrder', {
      input: {
        payload: TaskInput.fromObject({
          'request.$': '$.request',
          'registration.$': '$.registration',
          'attempt.$': '$.order.attempt',
          'executionStartTime.$': '$$.Execution.StartTime',
        }),
      },
      resultPath: '$.order',
      retries: [RetryPolicy.directorUnavailable],
    });
    const finalize = step('FinalizeOnboarding', {
      input: {
        payload: TaskInput.fromObject({
          'request.$': '$.request',
          'reader.$': '$.reader',
          'registration.$': '$.registration',
          'order.$': '$.order',
        }),
      },
      resultPath: '$.result',
      retries: [RetryPolicy.directorUnavailable],
    });

    const dataWatch = dataFlowWatch(this, props.settings.dataFlow, {
      checkDataFlow: step('CheckDataFlow', {
        input: {
          payload: TaskInput.fromObject({
            'request.$': '$.request',
            'operation.$': '$.registration.operation',
            'logSourceId.$': '$.result.logSourceId',
            'dataPlane.$': '$.result.dataPlane',
            record: {
              'runId.$': '$$.Execution.Id',
              'logSourceName.$': '$.result.logSourceName',
              'readerUserName.$': '$.result.readerUserName',
              'accessKeyId.$': '$.result.accessKeyId',
              'logPrefix.$': '$.bucket.logPrefix',
            },
          }),
        },
        resultPath: '$.result.dataPlane',
        retries: [RetryPolicy.directorUnavailable],
      }),
    });

    const publishSucceeded = publishEvent(this, OnboardingState.PublishSucceeded, {
      source: EVENT_SOURCE,
      detailType: OnboardingEventType.Succeeded,
      detail: TaskInput.fromObject({
        'accountId.$': '$.request.accountId',
        'logSourceName.$': '$.result.logSourceName',
        'logSourceId.$': '$.result.logSourceId',
        'operation.$': '$.registration.operation',
        'orderRequestId.$': '$.registration.requestId',
        'readerUserName.$': '$.reader.userName',
        'accessKeyId.$': '$.reader.accessKeyId',
        'keyRotation.$': '$.result.keyRotation',
        'coverage.$': '$.request.coverage',
        'warnings.$': '$.result.warnings',
        dataPlane: DATA_PLANE_DETAIL,
        'executionId.$': '$$.Execution.Id',
      }),
    });
    const succeeded = new Succeed(this, OnboardingState.Onboarded, { stateName: OnboardingState.Onboarded, outputPath: '$.result' });
    // The onboarding stands even when its event cannot be published; the error stays in the history.
    publishSucceeded.addCatch(succeeded, { errors: ['States.ALL'], resultPath: '$.eventError' });
    publishSucceeded.next(succeeded);
    // Organization mode: an account the organization's source collects has no source, reader or key of its own to report.
    const publishCovered = publishEvent(this, OnboardingState.PublishCovered, {
      source: EVENT_SOURCE,
      detailType: OnboardingEventType.Succeeded,
      detail: TaskInput.fromObject({
        'accountId.$': '$.result.accountId',
        'coverage.$': '$.result.coverage',
        'organizationId.$': '$.result.organizationId',
        'logSourceName.$': '$.result.logSourceName',
        'logSourceId.$': '$.result.logSourceId',
        'logPrefix.$': '$.result.logPrefix',
        'warnings.$': '$.result.warnings',
        dataPlane: DATA_PLANE_DETAIL,
        'executionId.$': '$$.Execution.Id',
      }),
    });
    publishCovered.addCatch(succeeded, { errors: ['States.ALL'], resultPath: '$.eventError' });
    publishCovered.next(succeeded);
    const isCovered = Condition.stringEquals('$.request.coverage', 'organization-source');
    const publishOutcome = new Choice(this, OnboardingState.PublishOutcome, { stateName: OnboardingState.PublishOutcome })
      .when(isCovered, publishCovered)
      .otherwise(publishSucceeded);
    const publishFailed = publishEvent(this, OnboardingState.PublishFailed, {
      source: EVENT_SOURCE,
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
    });
    const lock = accountLockStates(this, { release: releaseLock, stateNames: OnboardingState, publishSucceeded: publishOutcome, publishFailed });

    // The coverage path: wait for the account's logs under the organization prefix, then confirm and record.
    const checkAccountLogs = step(OnboardingTaskAlias.CheckAccountLogs, {
      stateName: 'CheckAccountLogs' satisfies keyof typeof OnboardingTaskAlias,
      input: { inputPath: '$.request' },
      resultPath: '$.bucket',
      retries: [RetryPolicy.noLogsYet],
    });
    const confirmCoverage = step('ConfirmCoverage', {
      input: { payload: TaskInput.fromObject({ 'request.$': '$.request', 'bucket.$': '$.bucket', 'runId.$': '$$.Execution.Id' }) },
      resultPath: '$.result',
      retries: [RetryPolicy.directorUnavailable],
    });
    checkAccountLogs.next(confirmCoverage).next(lock.beforeSuccess);

    failurePath(this, {
      catchFrom: [
        validateInput,
        acquireLock,
        checkBucket,
        provisionReader,
        verifyAccess,
        registerLogSource,
        checkOrder,
        finalize,
        dataWatch.checkDataFlow,
        checkAccountLogs,
        confirmCoverage,
      ],
      describeFailure: step('Compensate', { resultPath: '$.failure', finalRetry: RetryPolicy.anyError }),
      publishFailed,
      afterDescribe: lock.beforeFailure,
      failedStateName: OnboardingState.OnboardingFailed,
      undescribed: {
        stateName: OnboardingState.CleanupFailed,
        fields: {
          logSourceName: null,
          orderRequestId: null,
          cleanup: { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: ['unknown: compensation did not finish'] },
        },
      },
    });

    const polling = props.settings.orderPolling;
    const ownSource = checkBucket
      .next(provisionReader)
      .next(verifyAccess)
      .next(registerLogSource)
      .next(
        orderPollingLoop(this, {
          stateNames: OnboardingState,
          initialWaitSeconds: polling.initialWaitSeconds,
          checkOrder,
          isDone: Condition.stringEquals('$.order.status', 'SUCCEEDED'),
          whenDone: finalize.next(dataWatch.start.next(dataWatch.loop(lock.beforeSuccess))),
          resubmit: { when: Condition.stringEquals('$.order.status', 'RESUBMIT'), to: registerLogSource },
        }),
      );
    const definition = readInput
      .next(validateInput)
      .next(acquireLock)
      .next(
        new Choice(this, OnboardingState.IsCoveredByOrganization, { stateName: OnboardingState.IsCoveredByOrganization })
          .when(isCovered, checkAccountLogs)
          .otherwise(ownSource),
      );

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment: "Onboards one AWS account's CloudTrail logs into Logpoint (see DESIGN.md).",
      orderDeadlineSeconds: polling.deadlineSeconds + props.settings.dataFlow.deadlineSeconds,
      invokedFunctions: Object.values(functions),
      logRetention: props.logRetention,
    });
  }
}
