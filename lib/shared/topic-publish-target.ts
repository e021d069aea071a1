import type { IRuleTarget, RuleTargetConfig, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import type { aws_events as eventsRefs } from 'aws-cdk-lib/interfaces';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/**
 * An EventBridge rule target that publishes to an SNS topic and leaves the topic's policy and its
 * key's policy alone. `SnsTopic` of aws-events-targets grants `events.amazonaws.com` on both with no
 * condition, so any account's rule could publish; the topic's owner grants EventBridge instead,
 * scoped to its own rules (FailureAlarms does it for the topic it creates).
 */
export class TopicPublishTarget implements IRuleTarget {
  constructor(
    private readonly topic: ITopic,
    /** @default the whole event */
    private readonly message?: RuleTargetInput,
  ) {}

  bind(_rule: eventsRefs.IRuleRef, _id?: string): RuleTargetConfig {
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}
