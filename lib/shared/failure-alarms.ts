import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EVENT_SOURCE, OnboardingEventType } from '../../lambda/contract/events.js';

export interface FailureAlarmsProps {
  /**
   * Where alarms and failure events are sent.
   * @default a new topic encrypted with its own KMS key, TLS only
   */
  topic?: ITopic;
  /**
   * An address subscribed to the topic (AWS first sends it a confirmation mail).
   * @default no subscription
   */
  notificationEmail?: string;
}

/** Every alarm fires on the first occurrence in a 5-minute window and clears by itself. */
const ALARM_PERIOD = Duration.minutes(5);

/**
 * CloudWatch alarms on everything that means "an account did not get onboarded" — failed or
 * timed-out executions, start-execution errors, events parked in the dead-letter queue — all sent
 * to one SNS topic, together with the workflow's own `Onboarding Failed` events (which say which
 * account and why).
 */
export class FailureAlarms extends Construct {
  readonly topic: ITopic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: FailureAlarmsProps = {}) {
    super(scope, id);
    this.topic = props.topic ?? this.createTopic();
    if (props.notificationEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.notificationEmail));

    new Rule(this, 'OnboardingFailedEvents', {
      description: 'Sends each failed onboarding (account, error code, message) to the notification topic.',
      eventPattern: { source: [EVENT_SOURCE], detailType: [OnboardingEventType.Failed] },
    }).addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          `Logpoint CloudTrail onboarding of AWS account ${EventField.fromPath('$.detail.accountId')} failed with ` +
            `${EventField.fromPath('$.detail.errorCode')}: ${EventField.fromPath('$.detail.errorMessage')} ` +
            `(execution ${EventField.fromPath('$.detail.executionId')}).`,
        ),
      }),
    );
  }

  /** Alarms when an execution of the workflow fails or times out. */
  watchStateMachine(label: string, stateMachine: IStateMachine): void {
    this.addAlarm(`${label}ExecutionsFailed`, stateMachine.metricFailed({ period: ALARM_PERIOD, statistic: 'Sum' }), `${label}: an execution failed.`);
    this.addAlarm(
      `${label}ExecutionsTimedOut`,
      stateMachine.metricTimedOut({ period: ALARM_PERIOD, statistic: 'Sum' }),
      `${label}: an execution hit the state machine timeout.`,
    );
  }

  /** Alarms when the function reports an error. */
  watchFunction(label: string, fn: IFunction): void {
    this.addAlarm(`${label}Errors`, fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }), `${label}: the function failed.`);
  }

  /** Alarms while a dead-letter queue holds a message. */
  watchDeadLetterQueue(label: string, queue: IQueue): void {
    this.addAlarm(
      `${label}Messages`,
      queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      `${label}: events that could not start a workflow are waiting in the dead-letter queue.`,
    );
  }

  private addAlarm(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: `${description} See the README (Deploying → Seeing progress and failures).`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private createTopic(): Topic {
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Logpoint CloudTrail onboarding notification topic.',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms and EventBridge rules publish to an encrypted topic only if the key lets them.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmAndEventPublishers',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com'), new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    return new Topic(this, 'Topic', {
      displayName: 'Logpoint CloudTrail onboarding',
      masterKey: key,
      enforceSSL: true,
    });
  }
}
