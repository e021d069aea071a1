import { DIRECTOR_TASKS } from '../onboarding/onboarding-grants.js';
import { DIRECTOR_CALLING_TASKS } from '../offboarding/offboarding-workflow.js';
import { FleetWorkflow } from '../fleet/fleet-workflow.js';
import { ReconcileWorkflow } from '../reconcile/reconcile-workflow.js';
import { AccountRegistryTable } from '../registry/account-registry-table.js';
import { collectionSubjectSchema } from '../../lambda/contract/collection.js';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { parseProps, type CloudTrailOnboardingProps } from './cloudtrail-onboarding-props.js';
import { runtimeSettingsSchema, type RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { AccountTriggers } from '../triggers/account-triggers.js';
import { DeployTrigger } from '../triggers/deploy-trigger.js';
import { ExecutionStarter } from '../triggers/execution-starter.js';
import { FailureAlarms } from '../shared/failure-alarms.js';
import { acknowledgeGuardFindings } from '../shared/guard-suppressions.js';
import { KeyRotation } from '../rotation/key-rotation.js';
import { OffboardingWorkflow } from '../offboarding/offboarding-workflow.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import { OnboardingWorkflow } from '../onboarding/onboarding-workflow.js';
import { AccountLockTable } from '../shared/account-lock-table.js';

/**
 * Onboards AWS accounts' CloudTrail logs into Logpoint: the onboarding workflow, the function that
 * starts it for new-account events, on every deployment and on request, and alarms that report
 * any account that did not make it. Embed it in any stack; `OnboardingStack` is a thin wrapper.
 *
 * Further lifecycle workflows plug in with {@link CloudTrailOnboarding.addOffboarding}.
 */
export class CloudTrailOnboarding extends Construct {
  /** The validated settings every workflow function receives. */
  readonly settings: RuntimeSettings;
  readonly directorSecret: ISecret;
  readonly workflow: OnboardingWorkflow;
  readonly stateMachine: StateMachine;
  /** Starts executions for every trigger; bind more workflows with `starter.bindWorkflow`. */
  readonly starter: ExecutionStarter;
  readonly starterFunction: OnboardingFunction;
  readonly triggers: AccountTriggers;
  readonly alarms: FailureAlarms;
  readonly alarmTopic: ITopic;
  /** Present when `onboardAccountId` is set. */
  readonly deployTrigger?: DeployTrigger;
  /** Present unless `keyRotation: false`. */
  readonly keyRotation?: KeyRotation;
  /** Present unless `offboarding: false`. */
  readonly offboardingWorkflow?: OffboardingWorkflow;
  /** The per-account lock every workflow run holds while it touches the account. */
  readonly accountLocks: AccountLockTable;
  /** Onboards the organization's existing accounts, a bounded number at a time. */
  readonly fleet: FleetWorkflow;
  /** Finds and repairs drift between the organization, the account registry and Director. */
  readonly reconcile: ReconcileWorkflow;
  /** One item per account: how its logs are collected and what its last run left. */
  readonly accountRegistry: AccountRegistryTable;
  /** The execution the current deployment started; present when `onboardAccountId` is set. */
  readonly deployExecutionArn?: string;

  constructor(scope: Construct, id: string, props: CloudTrailOnboardingProps) {
    super(scope, id);
    this.settings = parseProps(runtimeSettingsSchema, props.settings, 'settings');
    const onboardAccountId = props.onboardAccountId === undefined ? undefined : parseProps(collectionSubjectSchema, props.onboardAccountId, 'onboardAccountId');

    const secretId = this.settings.director.credentialSecretId;
    this.directorSecret =
      props.directorSecret ??
      (secretId.startsWith('arn:')
        ? Secret.fromSecretCompleteArn(this, 'DirectorSecret', secretId)
        : Secret.fromSecretNameV2(this, 'DirectorSecret', secretId));

    // One run per account at a time, whichever workflow it is: the lock all of them take.
    this.accountLocks = new AccountLockTable(this, 'AccountLocks');
    this.accountRegistry = new AccountRegistryTable(this, 'AccountRegistry');
    this.workflow = new OnboardingWorkflow(this, 'Workflow', {
      accountLocks: this.accountLocks,
      accountRegistry: this.accountRegistry,
      settings: this.settings,
      directorSecret: this.directorSecret,
      ...(props.directorCaBundleFile === undefined ? {} : { directorCaBundleFile: props.directorCaBundleFile }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
    });
    this.stateMachine = this.workflow.stateMachine;

    this.starter = new ExecutionStarter(this, 'Starter', {
      onboarding: this.stateMachine,
      accountLocks: this.accountLocks,
      ...(props.starterReservedConcurrency === undefined ? {} : { reservedConcurrency: props.starterReservedConcurrency }),
    });
    this.starterFunction = this.starter.function;
    this.triggers = new AccountTriggers(this, 'Triggers', {
      starter: this.starter,
      organizations: props.triggers?.organizations ?? true,
      controlTower: props.triggers?.controlTower ?? true,
    });

    this.alarms = new FailureAlarms(this, 'Alarms', {
      ...(props.alarmTopic === undefined ? {} : { topic: props.alarmTopic }),
      ...(props.notificationEmail === undefined ? {} : { notificationEmail: props.notificationEmail }),
    });
    this.alarmTopic = this.alarms.topic;
    this.alarms.watchStateMachine('Onboarding', this.stateMachine);
    this.alarms.watchFunction('StartExecution', this.starterFunction);
    this.alarms.watchDeadLetterQueue('StartExecutionDeadLetters', this.starter.deadLetterQueue);

    const caBundle = props.directorCaBundleFile === undefined ? {} : { directorCaBundleFile: props.directorCaBundleFile };
    if (props.keyRotation !== false) {
      this.keyRotation = new KeyRotation(this, 'KeyRotation', {
        accountLocks: this.accountLocks,
        accountRegistry: this.accountRegistry,
        settings: this.settings,
        directorSecret: this.directorSecret,
        alarmTopic: this.alarmTopic,
        ...caBundle,
        ...(props.keyRotation?.scheduleDays === undefined ? {} : { scheduleDays: props.keyRotation.scheduleDays }),
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      });
      // Rotation is switched on for an account once its onboarding has succeeded.
      this.keyRotation.grantEnableRotation(this.workflow.functions.FinalizeOnboarding);
    }
    if (props.offboarding !== false) {
      this.offboardingWorkflow = new OffboardingWorkflow(this, 'Offboarding', {
        accountLocks: this.accountLocks,
        accountRegistry: this.accountRegistry,
        settings: this.settings,
        directorSecret: this.directorSecret,
        ...caBundle,
        ...(props.offboarding?.secretRecoveryWindowDays === undefined ? {} : { secretRecoveryWindowDays: props.offboarding.secretRecoveryWindowDays }),
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      });
      this.addOffboarding(this.offboardingWorkflow.stateMachine);
    }

    // A lock left by a run that has ended is taken over: AcquireLock asks Step Functions about its holder.
    // The starter asks the same, to tell a run in progress from a lock left behind.
    const lockingWorkflows = [this.workflow, ...(this.offboardingWorkflow ? [this.offboardingWorkflow] : [])];
    this.accountLocks.grantHolderLookup(
      [...lockingWorkflows.map((workflow) => workflow.functions.AcquireLock), this.starterFunction],
      lockingWorkflows.map((workflow) => workflow.stateMachine),
    );

    this.fleet = new FleetWorkflow(this, 'Fleet', {
      settings: this.settings,
      onboarding: this.stateMachine,
      accountRegistry: this.accountRegistry,
      maxConcurrency: props.fleet?.maxConcurrency ?? 10,
      schedule: props.fleet?.schedule,
      logRetention: props.logRetention,
    });
    this.alarms.watchStateMachine('Fleet', this.fleet.stateMachine);
    this.starter.bindFleet(this.fleet.stateMachine);
    this.reconcile = new ReconcileWorkflow(this, 'Reconcile', {
      settings: this.settings,
      directorSecret: this.directorSecret,
      directorCaBundleFile: props.directorCaBundleFile,
      accountRegistry: this.accountRegistry,
      onboarding: this.stateMachine,
      offboarding: this.offboardingWorkflow?.stateMachine,
      maxConcurrency: props.fleet?.maxConcurrency ?? 10,
      schedule: props.reconcile?.schedule === undefined ? 'rate(1 day)' : props.reconcile.schedule,
      logRetention: props.logRetention,
    });
    this.alarms.watchStateMachine('Reconcile', this.reconcile.stateMachine);
    if (this.settings.director.maxRequestsPerSecond !== undefined) this.grantDirectorBudget();
    if (this.settings.director.maxConcurrentOrders !== undefined) this.grantOrderSlots();

    // Every deployment starts a fleet run (fleet.onboardExisting), or one onboarding of the configured subject.
    const deployStart = props.fleet?.onboardExisting ? { fleet: true as const } : onboardAccountId === undefined ? undefined : { accountId: onboardAccountId };
    if (deployStart !== undefined) {
      this.deployTrigger = new DeployTrigger(this, 'DeployTrigger', {
        starter: this.starter,
        start: deployStart,
        deployNonce: props.deployNonce ?? new Date().toISOString(),
      });
      this.deployExecutionArn = this.deployTrigger.executionArn;
    }

    acknowledgeGuardFindings({
      product: this,
      deadLetterQueue: this.starter.deadLetterQueue,
      rotationInvokePermission: this.keyRotation?.rotationFunction.node.findChild('AllowSecretsManagerInvoke'),
    });
  }

  /** Every function that calls Director draws from the one request budget (director.maxRequestsPerSecond). */
  private grantDirectorBudget(): void {
    const offboarding = this.offboardingWorkflow;
    const callers = [
      ...DIRECTOR_TASKS.map((task) => this.workflow.functions[task]),
      ...(offboarding ? DIRECTOR_CALLING_TASKS.map((task) => offboarding.functions[task]) : []),
      ...(this.keyRotation ? [this.keyRotation.rotationFunction] : []),
      this.reconcile.functions.FindDrift,
    ];
    for (const caller of callers) this.accountLocks.grantDirectorBudget(caller);
  }

  /** The functions that write log sources, or see their orders settle or fail, share the order slots (director.maxConcurrentOrders). */
  private grantOrderSlots(): void {
    const onboarding = this.workflow.functions;
    const offboarding = this.offboardingWorkflow?.functions;
    const locks = this.accountLocks;
    // A delete of a source already gone sends nothing: DeleteLogSource gives its slot back at once.
    locks.grantOrderSlots(onboarding.RegisterLogSource, ['take']);
    for (const settler of [onboarding.CheckOrder, onboarding.Compensate]) locks.grantOrderSlots(settler, ['give-back']);
    if (offboarding) {
      locks.grantOrderSlots(offboarding.DeleteLogSource, ['take', 'give-back']);
      for (const settler of [offboarding.CheckOrder, offboarding.DescribeOffboardingFailure]) locks.grantOrderSlots(settler, ['give-back']);
    }
    if (this.keyRotation) locks.grantOrderSlots(this.keyRotation.rotationFunction, ['take', 'give-back']);
  }

  /**
   * Wires an offboarding workflow in: Organizations `CloseAccountResult` and
   * `RemoveAccountFromOrganization` start it through the same starter, and its failures alarm.
   */
  addOffboarding(stateMachine: IStateMachine): void {
    this.triggers.addOffboarding(stateMachine);
    this.alarms.watchStateMachine('Offboarding', stateMachine);
  }
}
