import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DIRECTOR_TASKS } from '../onboarding/onboarding-grants.js';
import { DIRECTOR_CALLING_TASKS } from '../offboarding/offboarding-workflow.js';
import { FleetWorkflow } from '../fleet/fleet-workflow.js';
import { AccountRegistryTable } from '../registry/account-registry-table.js';
import { collectionSubjectSchema } from '../../lambda/contract/collection.js';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ZodType } from 'zod';
import { runtimeSettingsSchema, type RuntimeSettings, type RuntimeSettingsInput } from '../../lambda/contract/runtime-settings.js';
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

interface CloudTrailOnboardingTriggers {
  /**
   * Onboard accounts that AWS Organizations creates (`CreateAccountResult`, emitted only in us-east-1).
   * @default true
   */
  organizations?: boolean;
  /**
   * Onboard accounts that Control Tower Account Factory provisions or updates (`CreateManagedAccount`, `UpdateManagedAccount`).
   * @default true
   */
  controlTower?: boolean;
}

export interface CloudTrailOnboardingProps {
  /**
   * Director location, CloudTrail bucket, log source defaults and order polling, in the format of
   * config/example.json. Checked when the construct is created; omitted optional fields take the
   * defaults of lambda/contract/settings.ts.
   */
  settings: RuntimeSettingsInput;
  /**
   * The operator's Director credential secret (`{"secretKey": "..."}`).
   * @default the secret named (or ARN'd) by `settings.director.credentialSecretId`
   */
  directorSecret?: ISecret;
  /**
   * Absolute path of a PEM CA bundle for a Director behind a private CA; shipped inside the
   * bundles of the functions that call Director.
   * @default none: the Lambda runtime's public CAs
   */
  directorCaBundleFile?: string;
  /**
   * The account to onboard on every deployment (or, in organization mode, the organization id: its
   * one source); its execution ARN is {@link CloudTrailOnboarding.deployExecutionArn}.
   * @default no onboarding on deploy
   */
  onboardAccountId?: string;
  /**
   * Differs on every synth so every deployment starts one onboarding of `onboardAccountId`.
   * @default the time of synthesis
   */
  deployNonce?: string;
  /**
   * Which new-account events start an onboarding.
   * @default both Organizations and Control Tower
   */
  triggers?: CloudTrailOnboardingTriggers;
  /**
   * Onboarding the existing organization (lib/fleet/): how many at once, on which schedule, and
   * whether every deployment starts a run (instead of onboarding `onboardAccountId`).
   * @default 10 at once, no schedule, not on deploy
   */
  fleet?: { maxConcurrency?: number; schedule?: string | undefined; onboardExisting?: boolean };
  /**
   * Concurrent executions reserved for the execution starter (see ExecutionStarterProps); `null` reserves none.
   * @default 5
   */
  starterReservedConcurrency?: number | null;
  /**
   * Where alarms and failure notifications go.
   * @default a new KMS-encrypted topic
   */
  alarmTopic?: ITopic;
  /**
   * An e-mail address subscribed to the alarm topic.
   * @default no subscription
   */
  notificationEmail?: string;
  /**
   * Retention of the state machine's execution log.
   * @default one year (the AWS Control Tower control CT.CLOUDWATCH.PR.2 asks for at least that)
   */
  logRetention?: RetentionDays;
  /**
   * Zero-downtime rotation of each account secret by Secrets Manager; `false` turns it off.
   * @default { scheduleDays: 90 }
   */
  keyRotation?: { scheduleDays?: number } | false;
  /**
   * The offboarding workflow and its triggers (account closed or removed from the organization);
   * `false` leaves them out.
   * @default { secretRecoveryWindowDays: 7 }
   */
  offboarding?: { secretRecoveryWindowDays?: number } | false;
}

export class CloudTrailOnboardingPropsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudTrailOnboardingPropsError';
  }
}

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

    if (this.settings.director.maxRequestsPerSecond !== undefined) this.grantDirectorBudget();

    this.fleet = new FleetWorkflow(this, 'Fleet', {
      settings: this.settings,
      onboarding: this.stateMachine,
      maxConcurrency: props.fleet?.maxConcurrency ?? 10,
      schedule: props.fleet?.schedule,
      logRetention: props.logRetention,
    });
    this.alarms.watchStateMachine('Fleet', this.fleet.stateMachine);
    this.starter.bindFleet(this.fleet.stateMachine);

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
    ];
    for (const caller of callers) this.accountLocks.grantDirectorBudget(caller);
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

function parseProps<T>(schema: ZodType<T, unknown>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${[name, ...issue.path].join('.')}: ${issue.message}`);
  throw new CloudTrailOnboardingPropsError(`Invalid CloudTrailOnboarding props:\n${problems.join('\n')}`);
}
