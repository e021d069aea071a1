import type { AccountRegistryTable } from '../registry/account-registry-table.js';
import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IntegrationPattern, type StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../lambda/contract/events.js';
import { FleetEventType, FleetState, FleetTask, type FleetTaskName } from '../../lambda/contract/fleet-states.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { CollectionMode } from '../../lambda/contract/collection.js';
import { acknowledgeChildExecutions, childRunsMap, grantOrganizationsListing } from '../shared/child-runs.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import { publishEvent, workflowStateMachine, workflowSteps } from '../shared/workflow-parts.js';

export interface FleetWorkflowProps {
  settings: RuntimeSettings;
  /** The onboarding workflow each account runs (its own lock, coverage or own source, compensation). */
  onboarding: StateMachine;
  /** Where the accounts the filters leave out are recorded as EXCLUDED. */
  accountRegistry: AccountRegistryTable;
  /** Onboardings at once. */
  maxConcurrency: number;
  /** An EventBridge schedule expression for recurring runs; none by default. */
  schedule?: string | undefined;
  logRetention?: RetentionDays | undefined;
}

/** The longest a fleet run may take: a thousand accounts ten at a time, each up to the order and data deadlines. */
const FLEET_RUN_LIMIT = Duration.hours(24);

/**
 * Onboards the organization's existing accounts: ListFleetAccounts (Organizations, ACTIVE, the
 * filters) → in organization mode, OnboardOrganization (the organization's own source, which
 * covers the accounts; its failure fails the run) → OnboardAccounts, an inline Map that runs the onboarding workflow for each account
 * (StartExecution.sync, at most `maxConcurrency` at once; a failed account is recorded, the others
 * go on) → SummarizeFleet → `Fleet Onboarding Finished`.
 *
 * An inline Map, not a Distributed one: the local runner (aws-local-stepfunctions) runs inline Maps
 * only, and an inline Map's 256 KB state and 25,000-event history hold a fleet of about two
 * thousand accounts (each item is an account id and an execution name; each result a status and an
 * ARN). Larger organizations run the fleet per OU (`fleet.include.organizationalUnits`).
 */
export class FleetWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: Record<FleetTaskName, OnboardingFunction>;

  constructor(scope: Construct, id: string, props: FleetWorkflowProps) {
    super(scope, id);
    const { functions, step } = workflowSteps(
      this,
      {
        ListFleetAccounts: { description: "Lists the organization's ACTIVE accounts the fleet filters admit.", timeout: Duration.minutes(5) },
        SummarizeFleet: { description: "Sums up a fleet run's per-account outcomes." },
      },
      { handlerFiles: FleetTask, settings: props.settings, directorTasks: [] },
    );
    this.functions = functions;
    grantOrganizationsListing(functions.ListFleetAccounts, props.settings.fleet);
    props.accountRegistry.grantRecording(functions.ListFleetAccounts);

    const list = step('ListFleetAccounts', {
      input: { payload: TaskInput.fromObject({ 'input.$': '$', 'fleetExecutionId.$': '$$.Execution.Id' }) },
      resultPath: '$.listing',
    });
    const onboardAccounts = childRunsMap(this, {
      names: { map: FleetState.OnboardAccounts, run: FleetState.OnboardAccount, succeeded: FleetState.AccountOnboarded, failed: FleetState.AccountFailed },
      child: props.onboarding,
      itemsPath: '$.listing.accounts',
      maxConcurrency: props.maxConcurrency,
      trigger: 'fleet',
      resultPath: '$.results',
    });

    // Organization mode: the accounts are covered by the organization's source, so it comes first.
    const organizationId = props.settings.collection.mode === CollectionMode.Organization ? props.settings.trail.organizationId : undefined;
    const accountsStage =
      organizationId === undefined
        ? onboardAccounts
        : new StepFunctionsStartExecution(this, FleetState.OnboardOrganization, {
            stateName: FleetState.OnboardOrganization,
            stateMachine: props.onboarding,
            integrationPattern: IntegrationPattern.RUN_JOB,
            input: TaskInput.fromObject({ accountId: organizationId, 'trigger.$': "States.Format('fleet {}', $$.Execution.Name)" }),
            resultPath: '$.organization',
          }).next(onboardAccounts);

    const summarize = step('SummarizeFleet', {
      input: { payload: TaskInput.fromObject({ 'listing.$': '$.listing', 'results.$': '$.results' }) },
      resultPath: '$.summary',
    });
    const publish = publishEvent(this, FleetState.PublishFleetFinished, {
      source: EVENT_SOURCE,
      detailType: FleetEventType.Finished,
      detail: TaskInput.fromObject({
        'accounts.$': '$.summary.accounts',
        'succeeded.$': '$.summary.succeeded',
        'failed.$': '$.summary.failed',
        'failures.$': '$.summary.failures',
        'trigger.$': '$.summary.trigger',
        'executionId.$': '$$.Execution.Id',
      }),
    });
    const finished = new Succeed(this, FleetState.FleetFinished, { stateName: FleetState.FleetFinished, outputPath: '$.summary' });
    publish.addCatch(finished, { errors: ['States.ALL'], resultPath: '$.eventError' });

    this.stateMachine = workflowStateMachine(this, {
      definition: list.next(accountsStage).next(summarize).next(publish).next(finished),
      comment: "Onboards the organization's existing accounts through the onboarding workflow, a bounded number at a time.",
      orderDeadlineSeconds: FLEET_RUN_LIMIT.minus(Duration.hours(1)).toSeconds(),
      invokedFunctions: Object.values(functions),
      logRetention: props.logRetention,
    });
    if (props.schedule !== undefined) {
      new Rule(this, 'Schedule', {
        description: "Starts a fleet run of the organization's accounts on the configured schedule.",
        schedule: Schedule.expression(props.schedule),
        targets: [new SfnStateMachine(this.stateMachine, { input: RuleTargetInput.fromObject({ trigger: 'schedule' }) })],
      });
    }
    acknowledgeChildExecutions(this.stateMachine, props.onboarding);
  }
}
