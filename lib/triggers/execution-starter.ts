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
}

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
    });
    this.function.configureAsyncInvoke({
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.bindWorkflow(WorkflowKind.Onboard, props.onboarding);
  }

  /**
   * Lets the starter start (and look for running) executions of a workflow: sets the state
   * machine's ARN in the function's environment and grants exactly the two actions on exactly
   * that state machine, together, so they cannot drift apart.
   */
  bindWorkflow(kind: WorkflowKind, stateMachine: IStateMachine): void {
    if (this.bound.has(kind)) throw new Error(`The execution starter already starts the ${kind} workflow.`);
    this.bound.add(kind);
    this.function.addEnvironment(ENV_BY_KIND[kind], stateMachine.stateMachineArn);
    this.function.addToRolePolicy(
      new PolicyStatement({
        sid: kind === WorkflowKind.Onboard ? 'StartOnboarding' : 'StartOffboarding',
        // ListExecutions finds a run already in progress for the account (see lambda/triggers/start-workflow.ts).
        actions: ['states:StartExecution', 'states:ListExecutions'],
        resources: [stateMachine.stateMachineArn],
      }),
    );
  }

  /** Whether a workflow of this kind is bound (the account triggers create its rules only then). */
  hasWorkflow(kind: WorkflowKind): boolean {
    return this.bound.has(kind);
  }
}
