import { CfnOutput, CfnParameter, LegacyStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AccountEventName } from '../../lambda/contract/account-events.js';
import { OrgEventForwarder } from './org-event-forwarder.js';

/** What an event bus ARN looks like; the parameter refuses anything else. */
const EVENT_BUS_ARN = '^arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:event-bus/[A-Za-z0-9._/-]+$';

export interface OrgEventForwarderStackProps extends StackProps {
  /** The events this region forwards. */
  events: readonly AccountEventName[];
  /** The default of the `ProductEventBusArn` parameter: the product's default event bus. */
  productEventBusArn: string;
}

/**
 * The organization-events forwarder for one region of the management account (us-east-1 for AWS
 * Organizations, the Control Tower home region for Control Tower): {@link OrgEventForwarder} with
 * the product's bus as a parameter.
 *
 * StackSet-ready: the template has no assets, no look-ups and no CDK bootstrap dependency (the
 * legacy synthesizer adds no BootstrapVersion parameter or rule and no deploy roles, so `cdk deploy`
 * uses the caller's management-account credentials and the management account need not be
 * bootstrapped). Its one parameter, `ProductEventBusArn`, names the target bus. So
 * cdk.out/<stack>.template.json deploys as it is with `aws cloudformation deploy` or as a
 * self-managed StackSet instance in that region (a service-managed StackSet never deploys to the
 * management account). Each region has its own template: the rules differ by region.
 */
export class OrgEventForwarderStack extends Stack {
  readonly forwarder: OrgEventForwarder;
  readonly productEventBusArn: CfnParameter;

  constructor(scope: Construct, id: string, props: OrgEventForwarderStackProps) {
    const { events, productEventBusArn, ...stackProps } = props;
    super(scope, id, { synthesizer: new LegacyStackSynthesizer(), ...stackProps });
    if (!new RegExp(EVENT_BUS_ARN).test(productEventBusArn)) throw new Error(`${productEventBusArn} is not an EventBridge event bus ARN.`);

    this.productEventBusArn = new CfnParameter(this, 'ProductEventBusArn', {
      type: 'String',
      default: productEventBusArn,
      allowedPattern: EVENT_BUS_ARN,
      description: "The Logpoint CloudTrail onboarding product's event bus (the default bus of its account and region).",
    });
    this.forwarder = new OrgEventForwarder(this, 'Forwarder', { events, targetEventBusArn: this.productEventBusArn.valueAsString });

    new CfnOutput(this, 'ForwardedEvents', { description: 'The account events this stack forwards.', value: events.join(', ') });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: "Events the product's bus did not accept after every retry (its policy, or the product stack, missing).",
      value: this.forwarder.deadLetterQueue.queueUrl,
    });
  }
}
