import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Choice, Condition, type IChainable, type IStateMachine, type StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../lambda/contract/events.js';
import { ReconcileEventType, ReconcileState, ReconcileTask, type ReconcileTaskName } from '../../lambda/contract/reconcile-states.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { AccountRegistryTable } from '../registry/account-registry-table.js';
import { acknowledgeChildExecutions, childRunsMap, grantOrganizationsListing } from '../shared/child-runs.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import { grantDirectorSecret } from '../shared/resource-scopes.js';
import { publishEvent, workflowStateMachine, workflowSteps } from '../shared/workflow-parts.js';

export interface ReconcileWorkflowProps {
  settings: RuntimeSettings;
  directorSecret: ISecret;
  directorCaBundleFile?: string | undefined;
  accountRegistry: AccountRegistryTable;
  /** Runs for an account nothing collects. */
  onboarding: IStateMachine;
  /** Runs for a closed account still collected; without it those are reported only. */
  offboarding?: IStateMachine | undefined;
  /** Repairs at once. */
  maxConcurrency: number;
  /** An EventBridge schedule expression; none: only by hand. */
  schedule: string | null;
  logRetention?: RetentionDays | undefined;
}

/** Repairs are onboardings and offboardings, each bounded by its own deadline; a day covers thousands. */
const RECONCILE_RUN_LIMIT = Duration.hours(24);

/**
 * Reconciliation: FindDrift (Organizations × the account registry × the product's sources in
 * Director × their last log, recorded on each registry item) → RepairNotCollected (the onboarding
 * workflow for each account nothing collects) → RepairClosed (the offboarding workflow for each
 * closed account still collected) → `Fleet Drift Detected` when anything was found. Sources this
 * product did not create are never read as its own, so no repair can reach them; the child
 * workflows check ownership again before they change anything.
 */
export class ReconcileWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<ReconcileTaskName, OnboardingFunction>;

  constructor(scope: Construct, id: string, props: ReconcileWorkflowProps) {
    super(scope, id);
    const { functions, step } = workflowSteps(
      this,
      {
        FindDrift: {
          description: 'Compares the organization, the account registry and the Director sources, and records the drift.',
          timeout: Duration.minutes(5),
        },
      },
      { handlerFiles: ReconcileTask, settings: props.settings, directorTasks: ['FindDrift'], directorCaBundleFile: props.directorCaBundleFile },
    );
    this.functions = functions;
    grantOrganizationsListing(functions.FindDrift, props.settings.fleet);
    props.accountRegistry.grantReading(functions.FindDrift);
    props.accountRegistry.grantRecording(functions.FindDrift);
    grantDirectorSecret(props.directorSecret, [functions.FindDrift]);

    const findDrift = step('FindDrift', {
      input: {
        payload: TaskInput.fromObject({ 'input.$': '$', 'reconcileExecutionId.$': '$$.Execution.Id', canOffboard: props.offboarding !== undefined }),
      },
      resultPath: '$.drift',
    });
    const repairMissing = childRunsMap(this, {
      names: {
        map: ReconcileState.RepairNotCollected,
        run: ReconcileState.OnboardMissing,
        succeeded: ReconcileState.MissingOnboarded,
        failed: ReconcileState.MissingFailed,
      },
      child: props.onboarding,
      itemsPath: '$.drift.repairs.onboard',
      maxConcurrency: props.maxConcurrency,
      trigger: 'reconcile',
      resultPath: '$.onboarded',
    });
    let repairs: IChainable = repairMissing;
    if (props.offboarding !== undefined) {
      const repairClosed = childRunsMap(this, {
        names: {
          map: ReconcileState.RepairClosed,
          run: ReconcileState.OffboardClosed,
          succeeded: ReconcileState.ClosedOffboarded,
          failed: ReconcileState.ClosedFailed,
        },
        child: props.offboarding,
        itemsPath: '$.drift.repairs.offboard',
        maxConcurrency: props.maxConcurrency,
        trigger: 'reconcile',
        resultPath: '$.offboarded',
      });
      repairs = repairMissing.next(repairClosed);
    }

    const reconciled = new Succeed(this, ReconcileState.Reconciled, { stateName: ReconcileState.Reconciled });
    const publish = publishEvent(this, ReconcileState.PublishDriftDetected, {
      source: EVENT_SOURCE,
      detailType: ReconcileEventType.DriftDetected,
      detail: TaskInput.fromObject({
        'findings.$': '$.drift.findings',
        'counts.$': '$.drift.counts',
        'repairsSkipped.$': '$.drift.repairsSkipped',
        'onboarded.$': '$.onboarded',
        ...(props.offboarding === undefined ? {} : { 'offboarded.$': '$.offboarded' }),
        'trigger.$': '$.drift.trigger',
        'executionId.$': '$$.Execution.Id',
      }),
    });
    // The drift is recorded in the registry already; an event that cannot be published is in the history.
    publish.addCatch(reconciled, { errors: ['States.ALL'], resultPath: '$.eventError' });
    publish.next(reconciled);
    const anyDrift = new Choice(this, ReconcileState.AnyDrift, { stateName: ReconcileState.AnyDrift })
      .when(Condition.numberGreaterThan('$.drift.counts.findings', 0), publish)
      .otherwise(reconciled);

    this.stateMachine = workflowStateMachine(this, {
      definition: findDrift.next(repairs).next(anyDrift),
      comment: 'Finds drift between the organization, the account registry and Director, and repairs what is safe.',
      orderDeadlineSeconds: RECONCILE_RUN_LIMIT.minus(Duration.hours(1)).toSeconds(),
      invokedFunctions: Object.values(functions),
      logRetention: props.logRetention,
    });
    acknowledgeChildExecutions(this.stateMachine, props.onboarding);
    if (props.offboarding !== undefined) acknowledgeChildExecutions(this.stateMachine, props.offboarding);
    if (props.schedule !== null) {
      new Rule(this, 'Schedule', {
        description: 'Starts a reconciliation of the organization, the account registry and Director on the configured schedule.',
        schedule: Schedule.expression(props.schedule),
        targets: [new SfnStateMachine(this.stateMachine, { input: RuleTargetInput.fromObject({ trigger: 'schedule' }) })],
      });
    }
  }
}
