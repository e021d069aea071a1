import { ArnFormat, Aspects, Duration, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { CfnRule, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { EVENT_SOURCE, OnboardingEventType } from '../../lambda/contract/events.js';
import { TopicPublishTarget } from './topic-publish-target.js';

export interface FailureAlarmsProps {
  /**
   * Where alarms and failure events are sent. A topic passed here is the caller's: its policy and
   * its key's are left alone, so they must let `cloudwatch.amazonaws.com` (the alarms) and
   * `events.amazonaws.com` (the `Onboarding Failed` rule) `sns:Publish` — best with
   * `aws:SourceAccount` and `aws:SourceArn` conditions — and, for a KMS-encrypted topic, use the key
   * (`kms:GenerateDataKey*`, `kms:Decrypt`). Without that, no alarm or failure reaches anyone.
   * @default a new topic encrypted with its own KMS key, TLS only, that only this stack's alarms and rules may publish to
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
    if (props.topic === undefined) {
      const { topic, key } = this.createTopic();
      this.topic = topic;
      this.authorizeStackPublishers(topic, key);
    } else {
      this.topic = props.topic;
    }
    if (props.notificationEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.notificationEmail));

    new Rule(this, 'OnboardingFailedEvents', {
      description: 'Sends each failed onboarding (account, error code, message) to the notification topic.',
      eventPattern: { source: [EVENT_SOURCE], detailType: [OnboardingEventType.Failed] },
    }).addTarget(
      new TopicPublishTarget(
        this.topic,
        RuleTargetInput.fromText(
          `Logpoint CloudTrail onboarding of AWS account ${EventField.fromPath('$.detail.accountId')} failed with ` +
            `${EventField.fromPath('$.detail.errorCode')}: ${EventField.fromPath('$.detail.errorMessage')} ` +
            `(execution ${EventField.fromPath('$.detail.executionId')}).`,
        ),
      ),
    );
    this.notifyWarnings();
    this.watchDataPlane();
  }

  /**
   * An onboarding Director accepted but whose logs Logpoint had not fetched by the deadline
   * (REGISTERED_NO_DATA_YET) succeeded, yet nothing proves data flows: its event goes to the topic,
   * and an alarm counts such events so that a silent fleet-wide problem shows on a dashboard.
   */
  private watchDataPlane(): void {
    const rule = new Rule(this, 'OnboardingNoDataYetEvents', {
      description: 'Sends each onboarding whose logs Logpoint had not fetched by the deadline to the notification topic.',
      eventPattern: { source: [EVENT_SOURCE], detailType: [OnboardingEventType.Succeeded], detail: { dataPlane: { outcome: ['REGISTERED_NO_DATA_YET'] } } },
    });
    rule.addTarget(
      new TopicPublishTarget(
        this.topic,
        RuleTargetInput.fromText(
          `Logpoint CloudTrail onboarding of AWS account ${EventField.fromPath('$.detail.accountId')} is registered, but Logpoint has not ` +
            `fetched its logs yet: ${EventField.fromPath('$.detail.dataPlane.note')} (execution ${EventField.fromPath('$.detail.executionId')}).`,
        ),
      ),
    );
    this.addAlarm(
      'OnboardingNoDataYet',
      new Metric({ namespace: 'AWS/Events', metricName: 'TriggeredRules', dimensionsMap: { RuleName: rule.ruleName }, period: ALARM_PERIOD, statistic: 'Sum' }),
      'An onboarding is registered in Director, but Logpoint had not fetched its logs by the deadline.',
    );
  }

  /**
   * An onboarding that succeeded with warnings (a superseded key not retired, rotation not switched
   * on) needs a person too, though nothing failed: its event goes to the topic as well.
   */
  private notifyWarnings(): void {
    new Rule(this, 'OnboardingWarningEvents', {
      description: 'Sends each onboarding that succeeded with warnings (account and what to look at) to the notification topic.',
      // `prefix: ""` matches any element: an onboarding without warnings has an empty list and does not match.
      eventPattern: { source: [EVENT_SOURCE], detailType: [OnboardingEventType.Succeeded], detail: { warnings: [{ prefix: '' }] } },
    }).addTarget(
      new TopicPublishTarget(
        this.topic,
        RuleTargetInput.fromText(
          `Logpoint CloudTrail onboarding of AWS account ${EventField.fromPath('$.detail.accountId')} succeeded with warnings: ` +
            `${EventField.fromPath('$.detail.warnings')} (execution ${EventField.fromPath('$.detail.executionId')}).`,
        ),
      ),
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
      alarmDescription: `${description} Runbook: docs/operator-runbook.md#${id.toLowerCase()}.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private createTopic(): { topic: Topic; key: Key } {
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Logpoint CloudTrail onboarding notification topic.',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // AWS Control Tower CT.KMS.PR.3: grants on the key only for AWS resources or by AWS services.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    const topic = new Topic(this, 'Topic', {
      displayName: 'Logpoint CloudTrail onboarding',
      masterKey: key,
      enforceSSL: true,
    });
    return { topic, key };
  }

  /**
   * Lets exactly the CloudWatch alarms and EventBridge rules of this stack that notify the topic
   * publish to it (topic policy) and use its key (key policy). They are collected when the app is
   * synthesized, so alarms added after this constructor — the watch* methods, another construct's
   * alarm with an `SnsAction` on {@link topic} — are covered too. Each such alarm gets a fixed name
   * unless it has one: the key policy must name the alarm ARNs without referencing the alarms, as
   * key → alarm → topic → key would be a dependency cycle.
   */
  private authorizeStackPublishers(topic: Topic, key: Key): void {
    const stack = Stack.of(this);
    const topicArn = JSON.stringify(stack.resolve(topic.topicArn));
    const isTopic = (arn: unknown): boolean => JSON.stringify(arn) === topicArn;
    const notifiesTopic = (actions: unknown): boolean => {
      const resolved: unknown = stack.resolve(actions);
      return Array.isArray(resolved) && resolved.some(isTopic);
    };
    const alarmArns: string[] = [];
    const ruleArns: string[] = [];
    const sourceConditions = (sourceArns: string[]) => ({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => sourceArns }) },
    });
    const allowPublish = (sid: string, service: string, sourceArns: string[]) =>
      topic.addToResourcePolicy(
        new PolicyStatement({
          sid,
          principals: [new ServicePrincipal(service)],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: sourceConditions(sourceArns),
        }),
      );
    const allowKeyUse = (sid: string, service: string, conditions: Record<string, unknown>) =>
      key.addToResourcePolicy(
        new PolicyStatement({
          sid,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions,
        }),
      );

    Aspects.of(stack).add({
      visit: (node: IConstruct) => {
        if (node instanceof CfnAlarm && Stack.of(node) === stack && [node.alarmActions, node.okActions, node.insufficientDataActions].some(notifiesTopic)) {
          if (alarmArns.length === 0) {
            allowPublish('PublishFromStackAlarms', 'cloudwatch.amazonaws.com', alarmArns);
            allowKeyUse('EncryptForStackAlarms', 'cloudwatch.amazonaws.com', sourceConditions(alarmArns));
          }
          // An unnamed L2 alarm's name is a token that resolves to nothing.
          if (stack.resolve(node.alarmName) === undefined) node.alarmName = Names.uniqueResourceName(node, { maxLength: 255, separator: '-' });
          alarmArns.push(stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: node.alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
        } else if (node instanceof CfnRule && Stack.of(node) === stack && ruleTargetArns(stack, node).some(isTopic)) {
          if (ruleArns.length === 0) {
            allowPublish('PublishFromStackRules', 'events.amazonaws.com', ruleArns);
            // No aws:SourceAccount/aws:SourceArn here: the SNS guide (Key management → compatibility
            // with AWS services) says they are not supported in a key policy for EventBridge-to-
            // encrypted topics. SNS binds each data key to its topic by encryption context instead;
            // the key stays with this account's topics in this region (the topic policy names the rules).
            allowKeyUse('EncryptForEventRulesOfThisAccount', 'events.amazonaws.com', {
              StringLike: {
                'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({ service: 'sns', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
              },
            });
          }
          ruleArns.push(node.attrArn);
        }
      },
    });
  }
}

/** The ARNs (resolved) of a rule's targets. */
function ruleTargetArns(stack: Stack, rule: CfnRule): unknown[] {
  const targets: unknown = stack.resolve(rule.targets);
  return Array.isArray(targets) ? targets.map((target) => (target as { arn?: unknown }).arn) : [];
}
