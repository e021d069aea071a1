import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule, type CfnRule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AccountEventRoutes, type AccountEventName } from '../../lambda/contract/account-events.js';
import { acknowledgeDeadLetterQueue } from '../shared/guard-suppressions.js';
import { acknowledgeFinding, NagReason } from '../shared/nag-acknowledgements.js';

export interface OrgEventForwarderProps {
  /** The events to forward; each rule's pattern is the product's own (lambda/contract/account-events.ts). */
  events: readonly AccountEventName[];
  /** The product's event bus (another account, or another region of this one). */
  targetEventBusArn: string;
  /**
   * How often EventBridge retries delivering an event to the product's bus.
   * @default 185, EventBridge's most
   */
  retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying before the event goes to the dead-letter queue.
   * @default 24 hours, EventBridge's most
   */
  maxEventAge?: Duration;
}

/**
 * Rules on this account's default event bus that send the product's account events on to the
 * product's bus, unchanged (forwarded events keep their source and shape, so the product's own
 * rules match them). EventBridge delivers with one role that may only put events on that bus, as
 * AWS recommends for an event bus target ("We recommend always using IAM roles when the target of a
 * rule is an event bus", EventBridge User Guide, "Permissions for event buses"; a role is required
 * across regions). What cannot be delivered lands in the dead-letter queue.
 */
export class OrgEventForwarder extends Construct {
  readonly rules: Partial<Record<AccountEventName, Rule>> = {};
  /** Assumed by EventBridge; `events:PutEvents` on the product's bus only. */
  readonly role: Role;
  /** Encrypted, TLS-only; receives events the product's bus did not accept. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: OrgEventForwarderProps) {
    super(scope, id);
    if (props.events.length === 0) throw new Error('An organization-event forwarder needs at least one event to forward.');
    const targetBus = EventBus.fromEventBusArn(this, 'ProductEventBus', props.targetEventBusArn);
    const retryPolicy = {
      MaximumRetryAttempts: props.retryAttempts ?? 185,
      MaximumEventAgeInSeconds: (props.maxEventAge ?? Duration.hours(24)).toSeconds(),
    };

    this.role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: "Lets EventBridge put the forwarded account events on the Logpoint onboarding product's event bus, and nothing else.",
    });
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeFinding(this.deadLetterQueue, 'AwsSolutions-SQS3', NagReason.DLQ_IS_A_DLQ);
    acknowledgeDeadLetterQueue(this.deadLetterQueue);

    for (const name of props.events) {
      const rule = new Rule(this, name, {
        description: `Forwards ${name} to the Logpoint CloudTrail onboarding product's event bus.`,
        eventPattern: AccountEventRoutes[name].pattern,
      });
      // Adds events:PutEvents on the target bus to the role, and lets this rule send to the queue.
      rule.addTarget(new EventBusTarget(targetBus, { role: this.role, deadLetterQueue: this.deadLetterQueue }));
      // The EventBus target of aws-cdk-lib takes no retry policy (aws/aws-cdk#28735); AWS::Events::Rule accepts one on every target.
      (rule.node.defaultChild as CfnRule).addPropertyOverride('Targets.0.RetryPolicy', retryPolicy);
      this.rules[name] = rule;
    }
  }
}
