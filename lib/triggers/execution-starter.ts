import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WorkflowKind } from '../../lambda/contract/account-events.js';
import { acknowledgeFinding, NagReason } from '../shared/nag-acknowledgements.js';
import { OnboardingFunction } from '../shared/onboarding-function.js';
import { EnvName } from '../../lambda/contract/env-names.js';
import type { AccountLockTable } from '../shared/account-lock-table.js';

export interface ExecutionStarterProps {
  /** The onboarding workflow every trigger starts. */
  onboarding: IStateMachine;
  /**
   * How often the Lambda service retries a failed asynchronous invocation (EventBridge and
   * CloudFormation both invoke asynchronously) before the event goes to the dead-letter queue.
   * @default 2
   */
  retryAttempts?: number;
  /**
   * How long an asynchronous invocation may wait for a retry before it goes to the dead-letter queue.
   * @default 6 hours
   */
  maxEventAge?: Duration;
  /** @default one year */
  logRetention?: RetentionDays;
  /** The per-account lock table: the starter reads it to find a run already in progress. */
  accountLocks: AccountLockTable;
  /**
   * Concurrent executions reserved for the starter: a burst of account events (a fleet import, a
   * Control Tower batch) then waits for these instead of taking the account's whole Lambda pool;
   * throttled asynchronous invocations are retried by the Lambda service. `null`: none reserved
   * (for an account whose concurrency quota leaves no room to reserve).
   * @default 5
   */
  reservedConcurrency?: number | null;
}

/** Concurrent starter invocations reserved by default: far more than triggers need, far less than an account's pool. */
const DEFAULT_STARTER_CONCURRENCY = 5;

const ENV_BY_KIND: Record<WorkflowKind, string> = {
  [WorkflowKind.Onboard]: EnvName.ONBOARDING_STATE_MACHINE_ARN,
  [WorkflowKind.Offboard]: EnvName.OFFBOARDING_STATE_MACHINE_ARN,
};

/**
 * The one Lambda that starts workflow executions for every trigger (lambda/triggers/start-execution.handler.ts),
 * with the dead-letter queue that keeps the events it could not handle.
 */
export class ExecutionStarter extends Construct {
  readonly function: OnboardingFunction;
  /** Encrypted, TLS-only; receives failed EventBridge deliveries and failed asynchronous invocations. */
  readonly deadLetterQueue: Queue;
  private readonly bound = new Set<WorkflowKind>();

  constructor(scope: Construct, id: string, props: ExecutionStarterProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeFinding(this.deadLetterQueue, 'AwsSolutions-SQS3', NagReason.DLQ_IS_A_DLQ);

    this.function = new OnboardingFunction(this, 'Function', {
      handlerFile: 'triggers/start-execution',
      description: 'Starts the onboarding workflow for account events, the deploy trigger and manual requests.',
      timeout: Duration.seconds(30),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.reservedConcurrency === null ? {} : { reservedConcurrentExecutions: props.reservedConcurrency ?? DEFAULT_STARTER_CONCURRENCY }),
    });
    props.accountLocks.grantLocking(this.function, ['inspect']);
    this.function.configureAsyncInvoke({
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.bindWorkflow(WorkflowKind.Onboard, props.onboarding);
  }

  /**
   * Lets the starter start executions of a workflow: sets the state machine's ARN in the
   * function's environment and grants StartExecution on exactly that state machine. (A run in
   * progress is found through the lock table and DescribeExecution, see lambda/triggers/start-workflow.ts.)
   */
  bindWorkflow(kind: WorkflowKind, stateMachine: IStateMachine): void {
    if (this.bound.has(kind)) throw new Error(`The execution starter already starts the ${kind} workflow.`);
    this.bound.add(kind);
    this.function.addEnvironment(ENV_BY_KIND[kind], stateMachine.stateMachineArn);
    this.function.addToRolePolicy(
      new PolicyStatement({
        sid: kind === WorkflowKind.Onboard ? 'StartOnboarding' : 'StartOffboarding',
        actions: ['states:StartExecution'],
        resources: [stateMachine.stateMachineArn],
      }),
    );
  }

  /** Lets the starter start the fleet workflow (a deployment's `fleet.onboardExisting` run). */
  bindFleet(stateMachine: IStateMachine): void {
    this.function.addEnvironment(EnvName.FLEET_STATE_MACHINE_ARN, stateMachine.stateMachineArn);
    this.function.addToRolePolicy(new PolicyStatement({ sid: 'StartFleet', actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }));
  }

  /** Whether a workflow of this kind is bound (the account triggers create its rules only then). */
  hasWorkflow(kind: WorkflowKind): boolean {
    return this.bound.has(kind);
  }
}
