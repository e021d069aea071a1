import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AccountEventRoutes, WorkflowKind, type AccountEventName } from '../../lambda/contract/account-events.js';
import type { ExecutionStarter } from './execution-starter.js';

export interface AccountTriggersProps {
  /** The function that turns each event into a named execution. */
  starter: ExecutionStarter;
  /**
   * Start an onboarding on AWS Organizations `CreateAccountResult` (state SUCCEEDED). Organizations
   * emits it only in us-east-1, so the rule fires only in a stack deployed there (or fed by a
   * cross-region rule from us-east-1).
   * @default true
   */
  organizations?: boolean;
  /**
   * Start an onboarding on Control Tower `CreateManagedAccount` and `UpdateManagedAccount` (state
   * SUCCEEDED), emitted in the Control Tower home region. A retried enrolment ends with the update
   * event; an onboarding of an account that already has its log source ends in an edit.
   * @default true
   */
  controlTower?: boolean;
  /**
   * The offboarding workflow: when given, Organizations `CloseAccountResult` (SUCCEEDED) and
   * `RemoveAccountFromOrganization` start it. Same as calling {@link AccountTriggers.addOffboarding}.
   * @default no offboarding triggers
   */
  offboarding?: IStateMachine;
  /**
   * How often EventBridge retries delivering an event to the starter.
   * @default 8
   */
  retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an undelivered event before it goes to the dead-letter queue.
   * @default 24 hours
   */
  maxEventAge?: Duration;
}

const DESCRIPTIONS: Record<AccountEventName, string> = {
  CreateAccountResult: 'Onboards the CloudTrail logs of an account AWS Organizations created (CreateAccountResult SUCCEEDED).',
  CreateManagedAccount: 'Onboards the CloudTrail logs of an account Control Tower provisioned (CreateManagedAccount SUCCEEDED).',
  UpdateManagedAccount: 'Onboards (again) the CloudTrail logs of an account Control Tower enrolled or updated (UpdateManagedAccount SUCCEEDED).',
  CloseAccountResult: 'Offboards the CloudTrail logs of an account AWS Organizations closed (CloseAccountResult SUCCEEDED).',
  RemoveAccountFromOrganization: 'Offboards the CloudTrail logs of an account removed from the organization.',
};

/**
 * One EventBridge rule per account lifecycle event, each delivering to the execution starter with
 * a retry policy and the starter's dead-letter queue. The patterns come from the same table the
 * starter parses events with (lambda/triggers/).
 */
export class AccountTriggers extends Construct {
  readonly rules: Partial<Record<AccountEventName, Rule>> = {};
  private readonly starter: ExecutionStarter;
  private readonly retryAttempts: number;
  private readonly maxEventAge: Duration;

  constructor(scope: Construct, id: string, props: AccountTriggersProps) {
    super(scope, id);
    this.starter = props.starter;
    this.retryAttempts = props.retryAttempts ?? 8;
    this.maxEventAge = props.maxEventAge ?? Duration.hours(24);
    if (props.organizations ?? true) this.addRule('CreateAccountResult');
    if (props.controlTower ?? true) {
      this.addRule('CreateManagedAccount');
      this.addRule('UpdateManagedAccount');
    }
    if (props.offboarding) this.addOffboarding(props.offboarding);
  }

  /** Starts the offboarding workflow when an account is closed or leaves the organization. */
  addOffboarding(stateMachine: IStateMachine): void {
    this.starter.bindWorkflow(WorkflowKind.Offboard, stateMachine);
    this.addRule('CloseAccountResult');
    this.addRule('RemoveAccountFromOrganization');
  }

  private addRule(name: AccountEventName): Rule {
    const rule = new Rule(this, name, { description: DESCRIPTIONS[name], eventPattern: AccountEventRoutes[name].pattern });
    rule.addTarget(
      new LambdaFunction(this.starter.function, {
        deadLetterQueue: this.starter.deadLetterQueue,
        retryAttempts: this.retryAttempts,
        maxEventAge: this.maxEventAge,
      }),
    );
    this.rules[name] = rule;
    return rule;
  }
}
